/**
 * Deleting a workflow on real PostgreSQL and Redis: only an archived workflow is deleted (409
 * `workflow_not_archived` otherwise, and 409 `workflow_has_live_runs` while a run of its trees is
 * live), with its versions, draft, schedules, triggers and runs (task rows, waits, approval
 * decisions, the child runs its runs started); runs of other workflows stay, a parent of another
 * workflow forgets its child link; the audit log keeps a `workflow.delete` entry; a digital worker
 * that owned only it can be deleted after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../shared/engine/worker';
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

async function finished(id: string): Promise<{ status: string }> {
  return waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : null;
  }, 20_000);
}

/** Row counts of everything a workflow owns, by table. */
async function owned(workflowId: string) {
  const { rows } = await platform.db.query<Record<string, number>>(
    `WITH runs AS (SELECT id FROM workflow_runs WHERE workflow_id = $1::uuid)
     SELECT (SELECT count(*)::int FROM workflows WHERE id = $1::uuid) AS workflows,
            (SELECT count(*)::int FROM workflow_versions WHERE workflow_id = $1::uuid) AS versions,
            (SELECT count(*)::int FROM workflow_drafts WHERE workflow_id = $1::uuid) AS drafts,
            (SELECT count(*)::int FROM schedules WHERE workflow_id = $1::uuid) AS schedules,
            (SELECT count(*)::int FROM workflow_triggers WHERE workflow_id = $1::uuid) AS triggers,
            (SELECT count(*)::int FROM runs) AS runs,
            (SELECT count(*)::int FROM task_runs WHERE run_id IN (SELECT id FROM runs)) AS tasks,
            (SELECT count(*)::int FROM run_waits WHERE run_id IN (SELECT id FROM runs)) AS waits,
            (SELECT count(*)::int FROM approval_decisions d JOIN run_waits w ON w.id = d.wait_id WHERE w.run_id IN (SELECT id FROM runs)) AS decisions`,
    [workflowId],
  );
  return rows[0]!;
}

describe('delete a workflow', () => {
  it('is refused unless archived, then deletes it with its versions, draft, schedules, triggers and run trees, audited', async () => {
    const worker = new Worker(platform, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
    worker.start();
    try {
      const def = {
        name: 'to-delete',
        tasks: [
          { key: 'ok', type: 'approval', title: 'Delete test', approvers: { roles: ['admin'] }, allowRequester: true },
          { key: 'call', type: 'workflow', workflow: 'kept-child' },
        ],
      };
      const kept = await createWorkflow({
        name: 'kept-child',
        tasks: [{ key: 'x', type: 'atomic', connector: 'platform', operation: 'echo' }],
      });
      const wf = await createWorkflow(def);
      expect((await api(host.url, 'PUT', `/api/workflows/${wf}`, def)).status).toBe(200);
      expect((await api(host.url, 'PUT', `/api/workflows/${wf}/draft`, def)).status).toBe(200);
      expect((await api(host.url, 'POST', `/api/workflows/${wf}/schedules`, { cron: '0 3 * * *' })).status).toBe(201);
      const trigger = await api(host.url, 'POST', `/api/workflows/${wf}/triggers`, {
        type: 'webhook',
        verification: { type: 'hmac', header: 'X-Signature', secret: 'a-secret-of-enough-length-1234' },
      });
      expect(trigger.status, JSON.stringify(trigger.body)).toBe(201);
      // A digital worker owning the workflow cannot be deleted while it does.
      const owner = await api(host.url, 'POST', '/api/workers', { name: 'deleter', owner: 'ops' });
      expect(owner.status).toBe(201);
      expect((await api(host.url, 'POST', `/api/workers/${owner.body.id}/workflows`, { workflowId: wf })).status).toBeLessThan(300);
      expect((await api(host.url, 'DELETE', `/api/workers/${owner.body.id}`)).body.code).toBe('worker_has_workflows');

      // A run through an approval (a wait and a decision) that starts a child run of another workflow.
      const run = (await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
      const approval = await waitFor(async () =>
        (await api(host.url, 'GET', '/api/approvals')).body.items.find((a: { runId: string }) => a.runId === run),
      );
      expect((await api(host.url, 'POST', `/api/approvals/${approval.id}/decision`, { decision: 'approve' })).status).toBe(200);
      expect((await finished(run)).status).toBe('SUCCEEDED');
      // A run of the kept workflow on its own, and a parent of another workflow that starts the doomed one.
      const keptRun = (await api(host.url, 'POST', `/api/workflows/${kept}/runs`, { input: {} })).body.id as string;
      expect((await finished(keptRun)).status).toBe('SUCCEEDED');

      const before = await owned(wf);
      expect(before).toEqual({
        workflows: 1,
        versions: 2,
        drafts: 1,
        schedules: 1,
        triggers: 1,
        runs: 1,
        tasks: 2,
        waits: 1,
        decisions: 1,
      });
      const { rows: childRows } = await platform.db.query<{ id: string }>('SELECT id FROM workflow_runs WHERE parent_run_id = $1::uuid', [
        run,
      ]);
      expect(childRows).toHaveLength(1);

      // Not archived: refused, nothing changed.
      const refused = await api(host.url, 'DELETE', `/api/workflows/${wf}`);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('workflow_not_archived');
      expect(await owned(wf)).toEqual(before);

      expect((await api(host.url, 'POST', `/api/workflows/${wf}/archive`)).status).toBe(200);
      const deleted = await api(host.url, 'DELETE', `/api/workflows/${wf}`);
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
      expect(await owned(wf)).toEqual({
        workflows: 0,
        versions: 0,
        drafts: 0,
        schedules: 0,
        triggers: 0,
        runs: 0,
        tasks: 0,
        waits: 0,
        decisions: 0,
      });
      // The child run it started went with it; the kept workflow's own run stays.
      const { rows: gone } = await platform.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM workflow_runs WHERE id = ANY($1::uuid[])',
        [[run, childRows[0]!.id]],
      );
      expect(gone[0]!.n).toBe(0);
      expect((await api(host.url, 'GET', `/api/runs/${keptRun}`)).body.status).toBe('SUCCEEDED');
      expect((await api(host.url, 'GET', `/api/workflows/${wf}`)).status).toBe(404);
      expect((await api(host.url, 'GET', `/api/runs/${run}`)).status).toBe(404);
      expect((await api(host.url, 'DELETE', `/api/workflows/${wf}`)).status).toBe(404);

      const { rows: audit } = await platform.db.query<{ action: string; diff: Record<string, unknown> }>(
        "SELECT action, diff FROM audit_log WHERE target_id = $1::text AND action LIKE 'workflow.%' ORDER BY id",
        [wf],
      );
      expect(audit.at(-1)).toEqual({
        action: 'workflow.delete',
        diff: { name: 'to-delete', runs: 2, versions: 2, schedules: 1, triggers: 1 },
      });
      // The audit log keeps the run's entries too (append-only).
      const { rows: kept_entries } = await platform.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1::text',
        [wf],
      );
      expect(kept_entries[0]!.n).toBeGreaterThan(1);
      // Its digital worker owns nothing now and can be deleted.
      expect((await api(host.url, 'DELETE', `/api/workers/${owner.body.id}`)).status).toBe(204);
    } finally {
      await worker.stop();
    }
  });

  it('deleting a workflow another run started as a child clears that parent task link and keeps the parent', async () => {
    const worker = new Worker(platform, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
    worker.start();
    let parentRun: string;
    let child: string;
    try {
      child = await createWorkflow({
        name: 'doomed-child',
        tasks: [{ key: 'x', type: 'atomic', connector: 'platform', operation: 'echo' }],
      });
      const parent = await createWorkflow({
        name: 'surviving-parent',
        tasks: [{ key: 'call', type: 'workflow', workflow: 'doomed-child' }],
      });
      parentRun = (await api(host.url, 'POST', `/api/workflows/${parent}/runs`, { input: {} })).body.id as string;
      expect((await finished(parentRun)).status).toBe('SUCCEEDED');
    } finally {
      await worker.stop();
    }
    const { rows: linked } = await platform.db.query<{ child: string | null }>(
      "SELECT child_run_id AS child FROM task_runs WHERE run_id = $1::uuid AND key = 'call'",
      [parentRun],
    );
    expect(linked[0]!.child).not.toBeNull();
    expect((await api(host.url, 'POST', `/api/workflows/${child}/archive`)).status).toBe(200);
    expect((await api(host.url, 'DELETE', `/api/workflows/${child}`)).status).toBe(204);
    const { rows: after } = await platform.db.query<{ child: string | null }>(
      "SELECT child_run_id AS child FROM task_runs WHERE run_id = $1::uuid AND key = 'call'",
      [parentRun],
    );
    expect(after[0]!.child).toBeNull();
    const read = await api(host.url, 'GET', `/api/runs/${parentRun}`);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('SUCCEEDED');
  });

  it('is refused while a run of its trees is live (a child start that raced the archive), and changes nothing', async () => {
    const wf = await createWorkflow({
      name: 'live-at-delete',
      tasks: [{ key: 'x', type: 'atomic', connector: 'platform', operation: 'echo' }],
    });
    // No worker: the run stays PENDING. Archiving would be refused, so mark it archived the way a
    // child start racing the archive leaves it (the start read the workflow before the archive).
    const run = (await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
    await platform.db.query('UPDATE workflows SET archived_at = clock_timestamp() WHERE id = $1::uuid', [wf]);
    const before = await owned(wf);
    const refused = await api(host.url, 'DELETE', `/api/workflows/${wf}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('workflow_has_live_runs');
    expect(await owned(wf)).toEqual(before);
    expect((await api(host.url, 'GET', `/api/runs/${run}`)).body.status).toBe('PENDING');
    expect((await api(host.url, 'POST', `/api/runs/${run}/cancel`)).status).toBe(200);
    expect((await api(host.url, 'DELETE', `/api/workflows/${wf}`)).status).toBe(204);
    expect((await api(host.url, 'DELETE', '/api/workflows/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
