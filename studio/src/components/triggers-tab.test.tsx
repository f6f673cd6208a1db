// @vitest-environment jsdom
/**
 * The Triggers tab against a real control plane: a GitHub webhook created from the form, its URL
 * copied, a real signed delivery and a forged one sent to it, the deliveries (with the run started
 * and the refusal's reason) and the failed-verification count shown, the secret rotated.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
let workflowId: string;
beforeAll(async () => {
  h = await startHarness();
  const wf = await api(h.url, 'POST', '/api/workflows', {
    name: 'hooked',
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
  });
  workflowId = wf.body.id;
});
afterEach(() => cleanup());
afterAll(async () => h.close());

const signed = (url: string, secret: string, body: string) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'X-GitHub-Delivery': randomUUID(),
    },
    body,
  });

describe('workflow page, Triggers tab', () => {
  it('creates a GitHub webhook, copies its URL, shows deliveries and failed verifications, rotates the secret', async () => {
    const user = userEvent.setup();
    const view = renderStudio(`/workflows/${workflowId}`);
    await user.click(await screen.findByRole('tab', { name: 'Triggers' }));
    await screen.findByText(/No triggers/);
    const secret = (screen.getByLabelText('Secret') as HTMLInputElement).value;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await user.type(screen.getByLabelText('Name (optional)'), 'github');
    await user.click(screen.getByRole('button', { name: 'Add trigger' }));
    const status = await screen.findByRole('status');
    expect(status.textContent).toContain(secret);
    const url = (await screen.findByText(/\/api\/hooks\/trg_/)).textContent!;
    await user.click(screen.getByRole('button', { name: 'Copy URL of github' }));
    // user-event puts a clipboard stand-in on navigator: what the button wrote is read back from it.
    expect(await navigator.clipboard.readText()).toBe(url);
    await screen.findByRole('button', { name: 'Copy URL of github' });

    expect((await signed(url, secret, '{"n":1}')).status).toBe(202);
    expect((await signed(url, 'a forged secret of some length', '{"n":2}')).status).toBe(401);
    view.unmount();

    renderStudio(`/workflows/${workflowId}`);
    await user.click(await screen.findByRole('tab', { name: 'Triggers' }));
    await screen.findByText(/Failed verifications: 1/);
    await user.click(screen.getByRole('button', { name: 'Recent deliveries of github' }));
    const table = await screen.findByRole('table', { name: 'Recent deliveries of github' });
    await within(table).findByText('signature_mismatch');
    expect(within(table).getByText('started')).toBeTruthy();
    expect(within(table).getAllByRole('link')).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Rotate secret of github' }));
    const rotated = await screen.findByText(/New secret of/);
    const next = rotated.querySelector('code')!.textContent!;
    expect(next).not.toBe(secret);
    expect((await signed(url, next, '{"n":3}')).status).toBe(202);
    // The old one stays valid during the overlap.
    expect((await signed(url, secret, '{"n":4}')).status).toBe(202);
    await waitFor(() => expect(screen.getByText(/previous secret valid until/)).toBeTruthy());
    expect(await axeViolations(document.body)).toEqual([]);
  });
});
