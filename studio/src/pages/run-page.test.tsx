// @vitest-environment jsdom
/**
 * The run page against a real control plane with a worker: tasks that will not run show "Not
 * run" after a failure and after a cancel alike; Retry says what it will do; a newer version is
 * offered as a new run with the same input; cancelling asks first; an unknown run says not found.
 */
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, waitFor as until } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';
import { shownTaskStatus } from './run-page';

let h: Harness;
let worker: Worker;
beforeAll(async () => {
  h = await startHarness();
  worker = new Worker(h.platform, { concurrency: 2, pollMs: 50 });
  worker.start();
});
afterEach(() => cleanup());
afterAll(async () => {
  await worker.stop();
  await h.close();
});

const finished = async (id: string) =>
  until(
    async () =>
      (await api(h.url, 'GET', `/api/runs/${id}`)).body.status !== 'PENDING' && (await api(h.url, 'GET', `/api/runs/${id}`)).body.finishedAt
        ? true
        : null,
    30_000,
    100,
  );
const shown = (key: string) => document.querySelector(`[data-task="${key}"] .badge`)?.textContent;

describe('run page', () => {
  it('after a failure shows later tasks as Not run, explains Retry, and offers the newer version with the same input', async () => {
    const user = userEvent.setup();
    const def = {
      name: 'import-one',
      tasks: [
        { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'hi {{ input.name }}' } },
        {
          key: 'store',
          type: 'atomic',
          connector: 'platform',
          operation: 'upsertBusinessObject',
          input: { type: 'nowhere', record: { id: 'x' } },
        },
        { key: 'after', type: 'atomic', connector: 'platform', operation: 'echo' },
      ],
    };
    const wf = await api(h.url, 'POST', '/api/workflows', def);
    const run = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { name: 'Ada' } });
    await finished(run.body.id);
    const view = renderStudio(`/runs/${run.body.id}`);
    await screen.findByText('Failed', { selector: '[data-testid="run-status"] .badge' });
    expect(shown('greet')).toBe('Succeeded');
    expect(shown('store')).toBe('Failed');
    expect(shown('after')).toBe('Not run');
    const note = await screen.findByText(/starts attempt 2 of this run/);
    expect(note.id).toBe('retry-explained');
    expect(note.textContent).toMatch(/attempt 2 of this run: the same version \(1\) and the same input, from task store/);
    expect(screen.getByRole('button', { name: 'Retry' }).getAttribute('aria-describedby')).toBe('retry-explained');
    expect(screen.queryByText(/is newer/)).toBeNull();
    expect(await axeViolations(view.container)).toEqual([]);
    view.unmount();

    // A fixed version 2: the page offers a new run of it with the same input.
    const v2 = await api(h.url, 'PUT', `/api/workflows/${wf.body.id}`, { ...def, tasks: [def.tasks[0], def.tasks[2]] });
    expect(v2.status).toBe(200);
    renderStudio(`/runs/${run.body.id}`);
    await screen.findByText(/Version 2 of this workflow is newer; a retry keeps version 1/);
    await user.click(screen.getByRole('button', { name: 'start a new run of version 2 with the same input' }));
    await screen.findByText('Succeeded', { selector: '[data-testid="run-status"] .badge' }, { timeout: 30_000 });
    const runs = (await api(h.url, 'GET', `/api/runs?workflowId=${wf.body.id}`)).body.items as Array<{
      id: string;
      workflowVersion: number;
    }>;
    const fresh = runs.find((r) => r.id !== run.body.id)!;
    expect(fresh.workflowVersion).toBe(2);
    expect((await api(h.url, 'GET', `/api/runs/${fresh.id}`)).body.input).toEqual({ name: 'Ada' });
  }, 60_000);

  it('asks before cancelling, and then shows tasks that will not run as Not run, as after a failure', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', {
      name: 'slow-then-more',
      tasks: [
        { key: 'wait', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 30_000 } },
        { key: 'next', type: 'atomic', connector: 'platform', operation: 'echo' },
      ],
    });
    const run = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, {});
    renderStudio(`/runs/${run.body.id}`);
    await screen.findByText('Running', { selector: '[data-task="wait"] .badge' }, { timeout: 15_000 });
    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    const ask = screen.getByRole('alertdialog', { name: 'Cancel this run?' });
    expect(document.activeElement).toBe(within(ask).getByRole('button', { name: 'Keep running' }));
    await user.click(within(ask).getByRole('button', { name: 'Keep running' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect((await api(h.url, 'GET', `/api/runs/${run.body.id}`)).body.status).toBe('RUNNING');
    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel run' }));
    await screen.findByText('Cancelled', { selector: '[data-testid="run-status"] .badge' }, { timeout: 20_000 });
    await waitFor(() => expect(shown('next')).toBe('Not run'));
  }, 60_000);

  it('after a retry shows the current attempt’s duration, and the total since attempt 1', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', {
      name: 'store-later',
      tasks: [
        {
          key: 'store',
          type: 'atomic',
          connector: 'platform',
          operation: 'upsertBusinessObject',
          input: { type: 'later', record: { id: 'x' } },
        },
      ],
    });
    const run = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, {});
    await finished(run.body.id);
    await api(h.url, 'POST', '/api/business-object-types', {
      name: 'later',
      keyField: 'id',
      schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    });
    renderStudio(`/runs/${run.body.id}`);
    await screen.findByText('Failed', { selector: '[data-testid="run-status"] .badge' });
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByText('Succeeded', { selector: '[data-testid="run-status"] .badge' }, { timeout: 30_000 });
    cleanup();
    // The first attempt started an hour ago: the total says so, the attempt's own duration does not.
    await h.platform.db.query(`UPDATE workflow_runs SET first_started_at = now() - interval '1 hour' WHERE id = $1::uuid`, [run.body.id]);
    renderStudio(`/runs/${run.body.id}`);
    const cell = await screen.findByTestId('run-duration');
    expect(screen.getByText('Duration of this attempt')).toBeTruthy();
    expect(cell.textContent).toMatch(/^\d+(\.\d+)? m?s · (59|60) min \d+ s in all, since attempt 1 started$/);
  }, 60_000);

  it('says an unknown run was not found, not that something went wrong', async () => {
    renderStudio('/runs/4b1f0c55-0d0c-4a7e-9a55-000000000000');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/This run was not found/);
    expect(alert.textContent).not.toMatch(/Something went wrong/);
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });
});

describe('shownTaskStatus', () => {
  it('shows unstarted tasks of a failed or cancelled run as not run, and leaves started or live ones alone', () => {
    expect(shownTaskStatus('FAILED', { status: 'PENDING', startedAt: null })).toBe('NOT_RUN');
    expect(shownTaskStatus('CANCELLED', { status: 'CANCELLED', startedAt: null })).toBe('NOT_RUN');
    expect(shownTaskStatus('CANCELLED', { status: 'CANCELLED', startedAt: '2026-01-01T00:00:00Z' })).toBe('CANCELLED');
    expect(shownTaskStatus('RUNNING', { status: 'PENDING', startedAt: null })).toBe('PENDING');
  });
});

describe('formatMs', () => {
  it('never shows 60 seconds', async () => {
    const { formatMs } = await import('../components/format');
    expect(formatMs(3_599_600)).toBe('60 min 0 s');
    expect(formatMs(61_000)).toBe('1 min 1 s');
  });
});
