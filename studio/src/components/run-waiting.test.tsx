// @vitest-environment jsdom
/** The run page says why a PENDING run waits, from the control plane's explanation (no worker runs here). */
import { cleanup, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => cleanup());
afterAll(async () => {
  await h.close();
});

describe('run waiting', () => {
  it('shows the queue position of a PENDING run', async () => {
    const wf = await api(h.url, 'POST', '/api/workflows', {
      name: 'waits-in-queue',
      tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }],
    });
    expect(wf.status).toBe(201);
    await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    const second = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    renderStudio(`/runs/${second.body.id}`);
    const line = await screen.findByTestId('run-waiting', {}, { timeout: 10_000 });
    expect(line.dataset['reason']).toBe('queued');
    expect(line.textContent).toContain('Waiting in the queue.');
    expect(line.textContent).toMatch(/Queued: \d+ older runs? (is|are) waiting before it\./);
  });
});
