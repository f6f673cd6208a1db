// @vitest-environment jsdom
/**
 * HQ → Model provider against a real control plane (deployment default: no model; the model SDKs
 * refuse to be built under jsdom, and the chat path is tested in
 * tests/integration/ai/org-model-provider.integration.test.ts): the default is described, the organisation's own endpoint
 * is saved with a write-only key (never rendered back), the key is removed, a refused save shows
 * the server's field problems, and a failed load shows the error state. Axe finds no serious
 * violations.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../../tests/helpers/test-platform';
import { newQueryClient } from '../../app';
import { axeViolations, failRequests, startHarness, type Harness } from '../../test/studio-harness';
import { ModelProviderSettings } from './model-provider-settings';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ LLM_PROVIDER: 'none', LLM_MAX_OUTPUT_TOKENS: '900' });
});
afterEach(() => cleanup());
afterAll(async () => {
  await h?.close();
});

const show = () =>
  render(
    <QueryClientProvider client={newQueryClient()}>
      <ModelProviderSettings />
    </QueryClientProvider>,
  );

describe('model provider settings', () => {
  it('describes the platform default, saves an own endpoint with a write-only key, then removes the key', async () => {
    const user = userEvent.setup();
    const view = show();
    await screen.findByText('no language model (answers quote the retrieved passages)');
    expect(screen.getByText(/This organisation uses the platform default/)).toBeTruthy();
    expect((screen.getByLabelText('Provider') as HTMLSelectElement).value).toBe('platform-default');
    expect(screen.queryByLabelText(/API key/)).toBeNull();
    expect(await axeViolations(view.container)).toEqual([]);

    await user.selectOptions(screen.getByLabelText('Provider'), 'openai-compatible');
    await user.type(screen.getByLabelText('Base URL'), 'http://127.0.0.1:9/v2');
    await user.type(screen.getByLabelText('Model'), 'model-b');
    expect(screen.getByText("16 to 32768. Empty: the platform's limit (900).")).toBeTruthy();
    await user.type(screen.getByLabelText('Max output tokens (optional)'), '256');
    const key = screen.getByLabelText('API key (optional)') as HTMLInputElement;
    expect(key.type).toBe('password');
    await user.type(key, 'sk-ui-secret-1');
    expect(await axeViolations(view.container)).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Save model provider' }));
    await screen.findByText('Saved. The next question uses these settings.');

    const stored = await api(h.url, 'GET', '/api/hq/model-provider');
    expect(stored.body).toMatchObject({
      provider: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:9/v2',
      model: 'model-b',
      maxOutputTokens: 256,
      apiKeySet: true,
    });
    // The form now shows only that a key is stored, never the key.
    const keyGroup = await screen.findByRole('group', { name: 'API key' });
    expect((within(keyGroup).getByLabelText('Keep the stored key') as HTMLInputElement).checked).toBe(true);
    expect(view.container.innerHTML).not.toContain('sk-ui-secret-1');
    expect(await axeViolations(view.container)).toEqual([]);

    await user.click(within(keyGroup).getByLabelText('Remove it'));
    await user.click(screen.getByRole('button', { name: 'Save model provider' }));
    await screen.findByText('Saved. The next question uses these settings.');
    expect((await api(h.url, 'GET', '/api/hq/model-provider')).body.apiKeySet).toBe(false);
    await screen.findByLabelText('API key (optional)');
  });

  it("shows the server's field problems when a save is refused", async () => {
    const user = userEvent.setup();
    show();
    await user.selectOptions(await screen.findByLabelText('Provider'), 'azure-openai');
    await user.type(screen.getByLabelText('Endpoint'), 'https://contoso.openai.azure.com');
    await user.type(screen.getByLabelText('Deployment'), 'gpt');
    await user.click(screen.getByRole('button', { name: 'Save model provider' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/needs an API key/);
    // The refused field is named in words, beside the server's sentence.
    expect(within(alert).getByText((_, el) => el?.tagName === 'STRONG' && (el.textContent ?? '').startsWith('API key'))).toBeTruthy();
    expect((await api(h.url, 'GET', '/api/hq/model-provider')).body.provider).toBe('openai-compatible');
  });

  it('shows an error state with a retry when the settings cannot be loaded', async () => {
    const undo = failRequests((url) => url.includes('/api/hq/model-provider'), 'The settings store is down.');
    try {
      const view = show();
      const alert = await screen.findByRole('alert', {}, { timeout: 15_000 });
      expect(alert.textContent).toContain('The settings store is down.');
      expect(alert.textContent).toContain('internal_error');
      expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
      expect(await axeViolations(view.container)).toEqual([]);
    } finally {
      undo();
    }
  });
});
