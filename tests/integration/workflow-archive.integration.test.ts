/**
 * Archiving workflows on real PostgreSQL and Redis: refused while runs are live, then archived
 * with its runs kept; an archived workflow starts no run (HTTP trigger, even from a process that
 * cached its version, and schedules), is hidden from lists unless asked for, and can be restored.
 * Its failed runs are not retried (single, from a task, bulk) and no task starts it as a child.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../shared/engine/worker';
import { fireDueSchedules } from '../../shared/schedules/fire-schedules';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
});

afterAll(async () => {
  await host.close();
  await platform.close();
});

async function createWorkflow(def: Record<string, unknown>): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

async function finished(id: string): Promise<{ status: string; error: { code: string } | null }> {
  return waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : null;
  }, 20_000);
}

describe('archive and restore a workflow', () => {
  it('is refused while runs are live, then keeps the runs, refuses triggers, hides from lists, and restores', async () => {
    const wf = (
      await api(host.url, 'POST', '/api/workflows', {
        name: 'to-archive',
        tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }],
      })
    ).body.id as string;
    // No worker runs here: the run stays PENDING, so archiving is refused.
    const run = (await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
    const refused = await api(host.url, 'POST', `/api/workflows/${wf}/archive`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('workflow_has_live_runs');

    expect((await api(host.url, 'POST', `/api/runs/${run}/cancel`)).status).toBe(200);
    const archived = await api(host.url, 'POST', `/api/workflows/${wf}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ id: wf, archived: true });
    // Again: no-op.
    expect((await api(host.url, 'POST', `/api/workflows/${wf}/archive`)).body).toEqual({ id: wf, archived: true });

    // The run is kept; no new run starts, even though this process cached the version before.
    expect((await api(host.url, 'GET', `/api/runs/${run}`)).body.status).toBe('CANCELLED');
    const trigger = await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} });
    expect(trigger.status).toBe(409);
    expect(trigger.body.code).toBe('workflow_archived');
    const schedule = await api(host.url, 'POST', `/api/workflows/${wf}/schedules`, { cron: '* * * * *' });
    expect(schedule.status).toBe(201);
    await platform.db.query("UPDATE schedules SET next_fire_at = clock_timestamp() - interval '10 seconds' WHERE id = $1::uuid", [
      schedule.body.id,
    ]);
    await fireDueSchedules(platform);
    const { rows: runs } = await platform.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_id = $1::uuid',
      [wf],
    );
    expect(runs[0]!.n).toBe(1);

    const listed = (await api(host.url, 'GET', '/api/workflows')).body.items.map((w: { id: string }) => w.id);
    expect(listed).not.toContain(wf);
    const all = (await api(host.url, 'GET', '/api/workflows?includeArchived=true')).body.items;
    expect(all.find((w: { id: string }) => w.id === wf)).toMatchObject({ archived: true });

    const restored = await api(host.url, 'POST', `/api/workflows/${wf}/restore`);
    expect(restored.body).toEqual({ id: wf, archived: false });
    expect((await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).status).toBe(202);
    expect((await api(host.url, 'GET', '/api/workflows')).body.items.map((w: { id: string }) => w.id)).toContain(wf);

    const { rows: audit } = await platform.db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_id = $1::text AND action LIKE 'workflow.%' ORDER BY id",
      [wf],
    );
    expect(audit.map((a) => a.action)).toEqual(['workflow.create', 'workflow.archive', 'workflow.restore']);
    expect((await api(host.url, 'POST', '/api/workflows/00000000-0000-4000-8000-000000000000/archive')).status).toBe(404);
  });
});

describe('an archived workflow is not retried and not started as a child', () => {
  it('refuses a rerun, a rerun from a task and a bulk retry naming it; bulk retries leave its runs out; a parent task fails with workflow_archived', async () => {
    const worker = new Worker(platform, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
    worker.start();
    try {
      const wf = await createWorkflow({
        name: 'archived-retry',
        tasks: [
          { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' },
          { key: 'b', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'boom' } },
        ],
      });
      const child = await createWorkflow({
        name: 'archived-child',
        tasks: [{ key: 'x', type: 'atomic', connector: 'platform', operation: 'echo' }],
      });
      const parent = await createWorkflow({
        name: 'archived-parent',
        tasks: [{ key: 'call', type: 'workflow', workflow: 'archived-child' }],
      });
      const failed = (await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
      expect((await finished(failed)).status).toBe('FAILED');
      const before = (await api(host.url, 'POST', '/api/runs/retry', { filter: {}, preview: true })).body.matched as number;
      expect(before).toBeGreaterThanOrEqual(1);

      expect((await api(host.url, 'POST', `/api/workflows/${wf}/archive`)).status).toBe(200);
      expect((await api(host.url, 'POST', `/api/workflows/${child}/archive`)).status).toBe(200);

      for (const options of [{}, { fromTask: 'b' }, { version: 'latest' }, { input: { edited: true } }]) {
        const r = await api(host.url, 'POST', `/api/runs/${failed}/retry`, options);
        expect(r.status, JSON.stringify(options)).toBe(409);
        expect(r.body.code).toBe('workflow_archived');
      }
      const named = await api(host.url, 'POST', '/api/runs/retry', { filter: { workflowId: wf }, preview: true });
      expect(named.status).toBe(409);
      expect(named.body.code).toBe('workflow_archived');
      const start = await api(host.url, 'POST', '/api/runs/retry', { filter: { workflowId: wf }, expectedCount: 1 });
      expect(start.status).toBe(409);
      expect(start.body.code).toBe('workflow_archived');
      // Without a workflow in the filter, its runs are simply not selected.
      expect((await api(host.url, 'POST', '/api/runs/retry', { filter: {}, preview: true })).body.matched).toBe(before - 1);
      // Nothing changed: the run is still FAILED on its first attempt, and no retry was audited.
      const { rows } = await platform.db.query<{ status: string; attempt: number }>(
        'SELECT status, attempt FROM workflow_runs WHERE id = $1::uuid',
        [failed],
      );
      expect(rows[0]).toEqual({ status: 'FAILED', attempt: 1 });
      const { rows: audits } = await platform.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_log WHERE action IN ('run.retry', 'run.bulk_retry')",
      );
      expect(audits[0]!.n).toBe(0);

      // A task that would start the archived workflow as a child fails, not retried, with the code.
      const p = (await api(host.url, 'POST', `/api/workflows/${parent}/runs`, { input: {} })).body.id as string;
      const ended = await finished(p);
      expect(ended.status).toBe('FAILED');
      expect(ended.error?.code).toBe('workflow_archived');
      const { rows: children } = await platform.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_id = $1::uuid',
        [child],
      );
      expect(children[0]!.n).toBe(0);

      // Restored, both work again: the rerun is accepted and the parent's rerun starts the child.
      expect((await api(host.url, 'POST', `/api/workflows/${wf}/restore`)).status).toBe(200);
      expect((await api(host.url, 'POST', `/api/runs/${failed}/retry`, {})).status).toBe(202);
      expect((await api(host.url, 'POST', `/api/workflows/${child}/restore`)).status).toBe(200);
      expect((await api(host.url, 'POST', `/api/runs/${p}/retry`, {})).status).toBe(202);
      expect((await finished(p)).status).toBe('SUCCEEDED');
    } finally {
      await worker.stop();
    }
  });
});
