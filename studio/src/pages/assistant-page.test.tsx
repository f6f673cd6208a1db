// @vitest-environment jsdom
/**
 * The assistant without a model (a control plane with no LLM configured): asking says so, and
 * says how to configure one, linking to HQ → Model provider.
 */
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ LLM_PROVIDER: 'none' });
});
afterEach(() => cleanup());
afterAll(async () => h.close());

describe('assistant without a model', () => {
  it('says how to configure one and links to HQ → Model provider', async () => {
    const user = userEvent.setup();
    const view = renderStudio('/studio');
    await user.click(await screen.findByRole('button', { name: 'Start one' }));
    await user.type(await screen.findByLabelText('Ask the assistant'), 'Why did the import fail?');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    const help = await screen.findByRole('note', { name: 'No model configured' }, { timeout: 15_000 });
    expect(help.textContent).toMatch(/An administrator of the organisation chooses one in HQ → Model provider/);
    expect(screen.getByRole('link', { name: 'HQ → Model provider' }).getAttribute('href')).toBe('/hq#model-provider');
    expect(await axeViolations(view.container)).toEqual([]);
  });
});
