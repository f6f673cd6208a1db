/**
 * Bulk retry on real PostgreSQL and Redis through the HTTP handlers: 1,000 runs of a workflow fail
 * on a closed gate, other runs fail with another error code or belong to another workflow; the gate
 * is opened (the fix), the filter is previewed, then the bulk retry runs as one audited action
 * whose progress is readable, and exactly the selected runs succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { processBulkAction } from '../../../shared/engine/bulk-retry';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { probeOverrides, probeState, type ProbeState } from './probe-adapter';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let state: ProbeState;

beforeAll(async () => {
  state = probeState();
  platform = await createTestPlatform({ overrides: probeOverrides(state) });
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 32, pollMs: 50, leaseMs: 10_000 });
  worker.start();
});

afterAll(async () => {
  await host.close();
  await worker.stop();
  await platform.close();
});

async function workflow(def: Record<string, unknown>): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function statusCounts(workflowId: string): Promise<Record<string, number>> {
  const { rows } = await platform.db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM workflow_runs WHERE workflow_id = $1::uuid GROUP BY status',
    [workflowId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

async function triggerMany(workflowId: string, n: number, input: Record<string, unknown> = {}): Promise<void> {
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async () => {
        const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input });
        expect(r.status).toBe(202);
      }),
    );
  }
}

describe('bulk retry', () => {
  it('previews, then reruns 1,000 failed runs as one audited action with visible progress', async () => {
    state.closed.add('bulk-gate');
    const gate = { key: 'g', type: 'atomic', connector: 'probe', operation: 'gate', input: { name: 'bulk-gate' } };
    const wf = await workflow({ name: 'bulk-target', tasks: [gate] });
    const other = await workflow({ name: 'bulk-other', tasks: [gate] });
    const fatal = await workflow({ name: 'bulk-fatal', tasks: [{ key: 'f', type: 'atomic', connector: 'probe', operation: 'fatal' }] });
    const from = new Date(Date.now() - 1_000).toISOString();
    await triggerMany(wf, 1_000);
    await triggerMany(other, 20);
    await triggerMany(fatal, 10);
    await waitFor(async () => ((await statusCounts(wf))['FAILED'] === 1_000 ? true : null), 120_000, 250);
    await waitFor(async () => ((await statusCounts(other))['FAILED'] === 20 ? true : null), 30_000, 250);
    await waitFor(async () => ((await statusCounts(fatal))['FAILED'] === 10 ? true : null), 30_000, 250);
    state.closed.delete('bulk-gate');

    // Refusals change nothing: a start without a preview count, a stale count, an empty window.
    const filter = { status: ['FAILED'], errorCode: 'gate_closed', createdAfter: from };
    const noCount = await api(host.url, 'POST', '/api/runs/retry', { filter });
    expect(noCount.status).toBe(422);
    expect(noCount.body.code).toBe('bulk_preview_required');
    const backwards = await api(host.url, 'POST', '/api/runs/retry', {
      filter: { createdAfter: new Date().toISOString(), createdBefore: from },
      preview: true,
    });
    expect(backwards.body.code).toBe('invalid_time_range');

    // The error code selects the gate failures of both workflows, not the fatal ones.
    const preview = await api(host.url, 'POST', '/api/runs/retry', { filter, preview: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ matched: 1_020, overLimit: false, limit: 10_000 });
    const onlyWf = { ...filter, workflowId: wf };
    const stale = await api(host.url, 'POST', '/api/runs/retry', { filter: onlyWf, expectedCount: 1_020 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('bulk_preview_stale');
    const { rows: before } = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM bulk_run_actions');
    expect(before[0]!.n).toBe(0);
    expect(await statusCounts(wf)).toEqual({ FAILED: 1_000 });

    const p2 = await api(host.url, 'POST', '/api/runs/retry', { filter: onlyWf, preview: true });
    expect(p2.body.matched).toBe(1_000);
    const started = await api(host.url, 'POST', '/api/runs/retry', { filter: onlyWf, expectedCount: 1_000 });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ kind: 'retry', total: 1_000, options: { version: 'same' } });
    expect(started.headers.get('location')).toBe(`/api/runs/retry/${started.body.id}`);

    const seen = new Set<number>();
    const done = await waitFor(
      async () => {
        const r = (await api(host.url, 'GET', `/api/runs/retry/${started.body.id}`)).body;
        seen.add(r.done);
        return r.status !== 'RUNNING' ? r : null;
      },
      60_000,
      20,
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', total: 1_000, done: 1_000, retried: 1_000, skipped: 0 });
    expect(seen.size).toBeGreaterThan(1);
    await waitFor(async () => ((await statusCounts(wf))['SUCCEEDED'] === 1_000 ? true : null), 120_000, 250);
    expect(await statusCounts(wf)).toEqual({ SUCCEEDED: 1_000 });
    // Untouched: the other workflow's gate failures and the fatal runs.
    expect(await statusCounts(other)).toEqual({ FAILED: 20 });
    expect(await statusCounts(fatal)).toEqual({ FAILED: 10 });

    // One audit entry for the action; each run's rerun points at it.
    const audit = await platform.db.query<{ action: string; diff: { total: number } }>(
      "SELECT action, diff FROM audit_log WHERE action IN ('run.bulk_retry', 'run.retry') AND (target_id = $1::text OR action = 'run.retry')",
      [started.body.id],
    );
    expect(audit.rows.map((r) => [r.action, r.diff.total])).toEqual([['run.bulk_retry', 1_000]]);
    const attempts = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM run_attempts WHERE bulk_action_id = $1::uuid', [
      started.body.id,
    ]);
    expect(attempts.rows[0]!.n).toBe(1_000);
  }, 300_000);

  it('skips runs retried meanwhile, and a second process never doubles a batch', async () => {
    state.closed.add('bulk-gate-2');
    const wf = await workflow({
      name: 'bulk-skip',
      tasks: [{ key: 'g', type: 'atomic', connector: 'probe', operation: 'gate', input: { name: 'bulk-gate-2' } }],
    });
    await triggerMany(wf, 30);
    await waitFor(async () => ((await statusCounts(wf))['FAILED'] === 30 ? true : null), 30_000, 100);
    state.closed.delete('bulk-gate-2');
    const { rows } = await platform.db.query<{ id: string }>('SELECT id FROM workflow_runs WHERE workflow_id = $1::uuid LIMIT 5', [wf]);
    const filter = { workflowId: wf };
    const started = await api(host.url, 'POST', '/api/runs/retry', { filter, expectedCount: 30 });
    expect(started.status).toBe(202);
    // Meanwhile: five runs retried one by one (those still FAILED at their turn); a second process works on the same action.
    const single = await Promise.all(rows.map((r) => api(host.url, 'POST', `/api/runs/${r.id}/retry`)));
    await processBulkAction(platform, started.body.id);
    const done = await waitFor(async () => {
      const r = (await api(host.url, 'GET', `/api/runs/retry/${started.body.id}`)).body;
      return r.status !== 'RUNNING' ? r : null;
    });
    const singleOk = single.filter((r) => r.status === 202).length;
    expect(done).toMatchObject({ status: 'SUCCEEDED', done: 30 });
    // Every run was rerun exactly once, by the action or on its own.
    expect(done.retried + singleOk).toBe(30);
    expect(done.skipped).toBe(singleOk);
    await waitFor(async () => ((await statusCounts(wf))['SUCCEEDED'] === 30 ? true : null), 30_000, 100);
    const attempts = await platform.db.query<{ attempt: number }>(
      'SELECT DISTINCT attempt FROM workflow_runs WHERE workflow_id = $1::uuid',
      [wf],
    );
    expect(attempts.rows).toEqual([{ attempt: 2 }]);
  }, 120_000);
});
