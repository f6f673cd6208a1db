// @vitest-environment jsdom
/**
 * The Inbox and the run page's waits against a real control plane and a worker: an approval the
 * signed-in person may decide is listed with its details and counted in the navigation, approved
 * with a comment (the run then ends); a run waiting for a signal shows what it waits for, and an
 * operator sends the signal from the run page.
 */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
let worker: Worker;
beforeAll(async () => {
  h = await startHarness();
  worker = new Worker(h.platform, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
  worker.start();
});
afterEach(() => cleanup());
afterAll(async () => {
  await worker.stop();
  await h.close();
});

async function waitingRun(def: Record<string, unknown>, input: Record<string, unknown> = {}): Promise<string> {
  const wf = await api(h.url, 'POST', '/api/workflows', def);
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  const run = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input });
  await waitFor(async () => expect((await api(h.url, 'GET', `/api/runs/${run.body.id}`)).body.status).toBe('WAITING'), { timeout: 15_000 });
  return run.body.id;
}

describe('inbox', () => {
  it('lists an approval with its details and count, and approves it with a comment', async () => {
    const id = await waitingRun(
      {
        name: 'inbox-purchase',
        tasks: [
          {
            key: 'approve',
            type: 'approval',
            title: 'Laptop for Ada',
            details: { amount: '{{ input.amount }}' },
            approvers: { roles: ['admin'] },
            allowRequester: true,
          },
        ],
      },
      { amount: 1499 },
    );
    const user = userEvent.setup();
    const view = renderStudio('/inbox');
    await screen.findByRole('heading', { name: 'Laptop for Ada' });
    expect(screen.getByText(/1499/)).toBeTruthy();
    expect(await screen.findByLabelText('1 waiting')).toBeTruthy();
    expect(await axeViolations(view.container)).toEqual([]);
    await user.type(screen.getByLabelText('Comment'), 'within budget');
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    await screen.findByText('Nothing to decide.');
    await waitFor(async () => expect((await api(h.url, 'GET', `/api/runs/${id}`)).body.status).toBe('SUCCEEDED'), { timeout: 15_000 });
    const out = (await api(h.url, 'GET', `/api/runs/${id}`)).body.tasks[0].output;
    expect(out.decisions[0]).toMatchObject({ decision: 'approve', comment: 'within budget', actorId: 'dev-admin' });
  });
});

describe('run page waits', () => {
  it('shows what a waiting task waits for and sends a signal', async () => {
    const id = await waitingRun({ name: 'page-signal', tasks: [{ key: 'callback', type: 'wait', signal: 'supplier' }] });
    const user = userEvent.setup();
    renderStudio(`/runs/${id}`);
    await screen.findByText(/callback: signal “supplier”/);
    await user.type(screen.getByLabelText('Signal name'), 'supplier');
    fireEvent.change(screen.getByLabelText('Payload (JSON)'), { target: { value: '{ "ok": ' } });
    expect(screen.getByText('Not valid JSON.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Payload (JSON)'), { target: { value: '{ "ok": 1 }' } });
    await user.click(screen.getByRole('button', { name: 'Send signal' }));
    await screen.findByText('Delivered: the wait ends.');
    await waitFor(async () => expect((await api(h.url, 'GET', `/api/runs/${id}`)).body.status).toBe('SUCCEEDED'), { timeout: 15_000 });
    expect((await api(h.url, 'GET', `/api/runs/${id}`)).body.tasks[0].output).toEqual({ ok: 1 });
  });
});
