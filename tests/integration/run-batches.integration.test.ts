/**
 * The worker's and the control plane's group commit (store/run-batches.ts; db/statement-batcher.ts and domain/batcher.ts have their unit tests beside them)
 * on real PostgreSQL: a batch claims, ends or commits each run exactly as the single-run statement
 * would, whatever else shares its statement.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ORG_ID } from '../../shared/store/organisations';
import { triggerRun } from '../../shared/engine/preflight';
import { Worker } from '../../shared/engine/worker';
import { claimRun, claimRuns, endRuns, insertRunsIfCurrent, type GuardedRun } from '../../shared/store/run-batches';
import { insertRun } from '../../shared/store/runs';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../helpers/test-platform';

let p: TestPlatform;
let host: { url: string; close(): Promise<void> };
let workflowId: string;
const TASKS = [
  { key: 'a', type: 'atomic' as const },
  { key: 'b', type: 'atomic' as const },
];
const who = { orgId: DEV_ORG_ID, actor: { type: 'user' as const, id: 'tester' }, role: 'admin' as const };

beforeAll(async () => {
  p = await createTestPlatform();
  host = await startTestHost(p);
  const r = await api(host.url, 'POST', '/api/workflows', {
    name: 'batched',
    tasks: [
      { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: 1 } },
      { key: 'b', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: 2 } },
    ],
  });
  expect(r.status).toBe(201);
  workflowId = r.body.id;
});

afterAll(async () => {
  await host.close();
  await p.close();
});

async function pendingRun(): Promise<string> {
  const id = randomUUID();
  await insertRun(p.db, { id, orgId: DEV_ORG_ID, workflowId, workflowVersion: 1, trigger: 'http', input: {}, tasks: TASKS });
  return id;
}

async function runRow(id: string) {
  const { rows } = await p.db.query<{
    status: string;
    lease_owner: string | null;
    workflow_version: number;
    idempotency_key: string | null;
  }>('SELECT status, lease_owner, workflow_version, idempotency_key FROM workflow_runs WHERE id = $1', [id]);
  return rows[0];
}

async function taskRows(id: string) {
  const { rows } = await p.db.query<{ key: string; status: string; attempts: number }>(
    'SELECT key, status, attempts FROM task_runs WHERE run_id = $1 ORDER BY position',
    [id],
  );
  return rows;
}

describe('claimRuns', () => {
  it('claims exactly the claimable runs of a mixed batch, each with its first task started', async () => {
    const pending = await pendingRun();
    const heldElsewhere = await pendingRun();
    expect(await claimRun(p.db, DEV_ORG_ID, heldElsewhere, 'other-worker', 60_000)).not.toBeNull();
    const expired = await pendingRun();
    expect(await claimRun(p.db, DEV_ORG_ID, expired, 'dead-worker', 60_000)).not.toBeNull();
    await p.db.query("UPDATE workflow_runs SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE id = $1", [expired]);
    const forged = await pendingRun();
    const finished = await pendingRun();
    await p.db.query("UPDATE workflow_runs SET status = 'SUCCEEDED' WHERE id = $1", [finished]);
    const never = randomUUID();

    const claimed = await claimRuns(p.db, 'w-batch', 60_000, [
      { orgId: DEV_ORG_ID, runId: pending },
      { orgId: DEV_ORG_ID, runId: heldElsewhere },
      { orgId: DEV_ORG_ID, runId: expired },
      { orgId: randomUUID(), runId: forged },
      { orgId: DEV_ORG_ID, runId: finished },
      { orgId: DEV_ORG_ID, runId: never },
      { orgId: DEV_ORG_ID, runId: pending },
    ]);
    expect([...claimed.keys()].sort()).toEqual([pending, expired].sort());
    expect((await runRow(pending))?.lease_owner).toBe('w-batch');
    expect((await runRow(heldElsewhere))?.lease_owner).toBe('other-worker');
    expect((await runRow(forged))?.status).toBe('PENDING');
    // The claim returns the task rows as they were, and started the first unfinished one.
    const c = claimed.get(pending)!;
    expect(c.tasks.map((t) => t.status)).toEqual(['PENDING', 'PENDING']);
    expect(c.startedTaskId).toBe(c.tasks[0]!.id);
    expect((await taskRows(pending)).map((t) => [t.status, t.attempts])).toEqual([
      ['RUNNING', 1],
      ['PENDING', 0],
    ]);
    // The resumed run starts its first unfinished task again, as a new attempt.
    expect((await taskRows(expired))[0]).toMatchObject({ status: 'RUNNING', attempts: 2 });
  });

  it('lets exactly one of many concurrent batches win each run', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, () => pendingRun()));
    const shuffled = (seed: number) => [...ids].sort((a, b) => ((a.charCodeAt(seed) ^ b.charCodeAt(seed + 1)) % 3) - 1);
    const results = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((w, i) =>
        claimRuns(
          p.db,
          w,
          60_000,
          shuffled(i).map((runId) => ({ orgId: DEV_ORG_ID, runId })),
        ),
      ),
    );
    const winners = results.flatMap((m) => [...m.keys()]);
    expect(winners.sort()).toEqual([...ids].sort());
  });

  it('gives a run reserved twice in one batch to the first request only (the worker executes it once)', async () => {
    const worker = new Worker(p, { concurrency: 4 });
    const id = await pendingRun();
    const [a, b] = await Promise.all([
      worker.claims.submit({ orgId: DEV_ORG_ID, runId: id }),
      worker.claims.submit({ orgId: DEV_ORG_ID, runId: id }),
    ]);
    expect(a?.id).toBe(id);
    expect(b).toBeNull();
    expect(worker.claims.stats).toEqual({ batches: 1, requests: 2 });
  });
});

describe('endRuns', () => {
  it('ends the runs the worker still holds, with their tail tasks, and writes nothing of a run whose lease is gone', async () => {
    const kept = await pendingRun();
    const lost = await pendingRun();
    const claimed = await claimRuns(
      p.db,
      'w-end',
      60_000,
      [kept, lost].map((runId) => ({ orgId: DEV_ORG_ID, runId })),
    );
    await p.db.query("UPDATE workflow_runs SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE id = $1", [lost]);
    const tail = (id: string) => ({
      id: claimed.get(id)!.tasks[0]!.id,
      status: 'FAILED' as const,
      output: null,
      error: { code: 'boom', message: 'it broke', retryable: false },
    });
    const ended = await endRuns(p.db, 'w-end', [
      {
        orgId: DEV_ORG_ID,
        runId: kept,
        status: 'FAILED',
        output: null,
        error: { code: 'boom', message: 'it broke', retryable: false },
        task: tail(kept),
      },
      { orgId: DEV_ORG_ID, runId: lost, status: 'SUCCEEDED', output: { x: 1 }, error: null, task: tail(lost) },
    ]);
    expect([...ended]).toEqual([kept]);
    expect(await runRow(kept)).toMatchObject({ status: 'FAILED', lease_owner: null });
    expect((await taskRows(kept))[0]).toMatchObject({ status: 'FAILED' });
    const { rows } = await p.db.query<{ attempt_log: unknown[] }>('SELECT attempt_log FROM task_runs WHERE id = $1', [tail(kept).id]);
    expect(rows[0]!.attempt_log).toHaveLength(1);
    expect(await runRow(lost)).toMatchObject({ status: 'RUNNING', lease_owner: 'w-end' });
    expect((await taskRows(lost))[0]).toMatchObject({ status: 'RUNNING' });
  });

  it("writes each run's own output and task end in a batch, ends a run with no tail task alone, and nothing for another organisation", async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => pendingRun()));
    const claimed = await claimRuns(
      p.db,
      'w-many',
      60_000,
      ids.map((runId) => ({ orgId: DEV_ORG_ID, runId })),
    );
    const taskOf = (id: string) => claimed.get(id)!.tasks[0]!.id;
    const [wrongOrg, noTask, ...rest] = ids;
    const ended = await endRuns(p.db, 'w-many', [
      ...rest.map((runId, i) => ({
        orgId: DEV_ORG_ID,
        runId,
        status: 'SUCCEEDED' as const,
        output: { i },
        error: null,
        task: { id: taskOf(runId), status: 'SUCCEEDED' as const, output: { task: i }, error: null },
      })),
      { orgId: DEV_ORG_ID, runId: noTask!, status: 'SUCCEEDED', output: 'plain', error: null, task: null },
      {
        orgId: randomUUID(),
        runId: wrongOrg!,
        status: 'SUCCEEDED',
        output: { stolen: true },
        error: null,
        task: { id: taskOf(wrongOrg!), status: 'SUCCEEDED', output: null, error: null },
      },
    ]);
    expect([...ended].sort()).toEqual([noTask!, ...rest].sort());
    for (const [i, runId] of rest.entries()) {
      const { rows } = await p.db.query<{ output: unknown; t_output: unknown; t_status: string }>(
        'SELECT r.output, t.output AS t_output, t.status AS t_status FROM workflow_runs r JOIN task_runs t ON t.id = $2 WHERE r.id = $1',
        [runId, taskOf(runId)],
      );
      expect(rows[0]).toEqual({ output: { i }, t_output: { task: i }, t_status: 'SUCCEEDED' });
    }
    expect(await runRow(noTask!)).toMatchObject({ status: 'SUCCEEDED', lease_owner: null });
    expect((await taskRows(noTask!))[0]).toMatchObject({ status: 'RUNNING' });
    expect(await runRow(wrongOrg!)).toMatchObject({ status: 'RUNNING', lease_owner: 'w-many' });
    expect((await taskRows(wrongOrg!))[0]).toMatchObject({ status: 'RUNNING' });
  });
});

describe('insertRunsIfCurrent and the trigger path', () => {
  const guarded = (over: Partial<GuardedRun> = {}): GuardedRun => ({
    id: randomUUID(),
    orgId: DEV_ORG_ID,
    workflowId,
    version: 1,
    trigger: 'http',
    input: { n: 1 },
    tasks: TASKS,
    idempotencyKey: null,
    inputHash: null,
    audit: { actorType: 'user', actorId: 'tester', action: 'run.trigger', source: null },
    ...over,
  });

  it('commits only runs of the latest version, and one run per idempotency key within a batch', async () => {
    const v2 = await api(host.url, 'PUT', `/api/workflows/${workflowId}`, {
      name: 'batched',
      tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: 3 } }],
    });
    expect(v2.status).toBe(200);
    const stale = guarded({ version: 1 });
    const fresh = guarded({ version: 2, tasks: [{ key: 'a', type: 'atomic' }] });
    const k1 = guarded({ version: 2, tasks: [{ key: 'a', type: 'atomic' }], idempotencyKey: 'same', inputHash: 'h' });
    const k2 = guarded({ version: 2, tasks: [{ key: 'a', type: 'atomic' }], idempotencyKey: 'same', inputHash: 'h' });
    const otherOrg = guarded({ version: 2, orgId: randomUUID() });
    const results = await insertRunsIfCurrent(p.db, [stale, fresh, k1, k2, otherOrg]);
    expect(results).toEqual([
      { current: false, inserted: false },
      { current: true, inserted: true },
      { current: true, inserted: true },
      { current: true, inserted: false },
      { current: false, inserted: false },
    ]);
    expect(await runRow(stale.id)).toBeUndefined();
    expect(await taskRows(fresh.id)).toHaveLength(1);
    // A batch mixing runs with and without a key: both kinds are written with their task rows.
    expect(await taskRows(k1.id)).toHaveLength(1);
    expect((await runRow(k1.id))?.idempotency_key).toBe('same');
    expect((await runRow(fresh.id))?.idempotency_key).toBeNull();
    const { rows } = await p.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'run.trigger' AND target_id = ANY($1::text[])",
      [[stale.id, fresh.id, k1.id, k2.id]],
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('triggers the newest version after an update even though the process knew the older one', async () => {
    const before = await triggerRun(p, who, workflowId, {});
    expect((await runRow(before.id))?.workflow_version).toBe(2);
    const v3 = await api(host.url, 'PUT', `/api/workflows/${workflowId}`, {
      name: 'batched',
      tasks: [
        { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: 4 } },
        { key: 'c', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: 5 } },
      ],
    });
    expect(v3.status).toBe(200);
    const after = await triggerRun(p, who, workflowId, {});
    expect((await runRow(after.id))?.workflow_version).toBe(3);
    expect((await taskRows(after.id)).map((t) => t.key)).toEqual(['a', 'c']);
  });

  it('refuses triggers of a workflow whose digital worker was paused after the process last read it', async () => {
    await triggerRun(p, who, workflowId, {}); // the process now knows the latest version
    const worker = await api(host.url, 'POST', '/api/workers', { name: 'Batcher', owner: 'ops@example.com' });
    expect(worker.status).toBe(201);
    expect((await api(host.url, 'POST', `/api/workers/${worker.body.id}/workflows`, { workflowId })).status).toBe(200);
    expect((await api(host.url, 'PATCH', `/api/workers/${worker.body.id}`, { status: 'paused' })).status).toBe(200);
    const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: {} });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('worker_paused');
    expect(r.body.detail).toContain('Batcher');
    expect((await api(host.url, 'PATCH', `/api/workers/${worker.body.id}`, { status: 'active' })).status).toBe(200);
    expect((await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: {} })).status).toBe(202);
  });

  it('gives up with 409 workflow_changing when the version keeps changing under the trigger, committing nothing', async () => {
    let guarded = 0;
    // The database as the trigger sees it, but every guarded insert finds its version superseded.
    const db = {
      ...p.db,
      query: (async (text: string | { name: string; text: string }, values?: unknown[]) => {
        if (typeof text !== 'string' && text.name === 'demiton_insert_runs_if_current') {
          guarded++;
          return { rows: (values![0] as string[]).map((id) => ({ id, current: false, inserted: false })), rowCount: 0 };
        }
        return p.db.query(text as string, values);
      }) as typeof p.db.query,
    };
    const before = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_runs');
    const err = await triggerRun({ ...p, db } as typeof p, who, workflowId, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'workflow_changing' });
    expect(guarded).toBe(4);
    expect((await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_runs')).rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('commits concurrent triggers in shared statements, each replayed or refused on its own', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => triggerRun(p, who, workflowId, { i: i % 10 }, { idempotencyKey: `key-${i % 10}` })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(10);
    expect(results.filter((r) => !r.replayed)).toHaveLength(10);
  });
});

describe('insertRunsIfCurrent with a webhook delivery', () => {
  it('records the delivery as started in the statement that commits the run; a replay, a stale version or a vanished trigger records none', async () => {
    const t = await api(host.url, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: 'batch-delivery-token-0123' },
    });
    expect(t.status).toBe(201);
    const { rows: wf } = await p.db.query<{ v: number }>('SELECT latest_version AS v FROM workflows WHERE id = $1::uuid', [workflowId]);
    const version = wf[0]!.v;
    const run = (over: Partial<GuardedRun>): GuardedRun => ({
      id: randomUUID(),
      orgId: DEV_ORG_ID,
      workflowId,
      version,
      trigger: 'event',
      input: { n: 1 },
      tasks: [{ key: 'a', type: 'atomic' }],
      idempotencyKey: null,
      inputHash: null,
      audit: null,
      ...over,
    });
    const key = `hook:${t.body.id}:d-1`;
    const started = run({ idempotencyKey: key, inputHash: 'h', delivery: { triggerId: t.body.id, deliveryId: 'd-1' } });
    const replay = run({ idempotencyKey: key, inputHash: 'h', delivery: { triggerId: t.body.id, deliveryId: 'd-1' } });
    const stale = run({ version: version - 1, delivery: { triggerId: t.body.id, deliveryId: 'd-2' } });
    const vanished = run({ delivery: { triggerId: 'trg_no_such_trigger', deliveryId: 'd-3' } });
    const plain = run({});
    expect(await insertRunsIfCurrent(p.db, [started, replay, stale, vanished, plain])).toEqual([
      { current: true, inserted: true },
      { current: true, inserted: false },
      { current: false, inserted: false },
      { current: true, inserted: true },
      { current: true, inserted: true },
    ]);
    const { rows } = await p.db.query<{ trigger_id: string; outcome: string; status_code: number; delivery_id: string; run_id: string }>(
      'SELECT trigger_id, outcome, status_code, delivery_id, run_id FROM trigger_deliveries WHERE run_id = ANY($1::uuid[]) OR trigger_id = $2',
      [[started.id, replay.id, stale.id, vanished.id, plain.id], t.body.id],
    );
    expect(rows).toEqual([{ trigger_id: t.body.id, outcome: 'started', status_code: 202, delivery_id: 'd-1', run_id: started.id }]);
    // The run of a trigger deleted meanwhile is still committed (the delivery was verified), without a record.
    expect(await runRow(vanished.id)).toMatchObject({ status: 'PENDING' });
  });

  it('a trigger deleted while the statement runs is skipped, not a foreign-key failure of the whole batch', async () => {
    const t = await api(host.url, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: 'batch-delivery-token-race' },
    });
    expect(t.status).toBe(201);
    const { rows: wf } = await p.db.query<{ v: number }>('SELECT latest_version AS v FROM workflows WHERE id = $1::uuid', [workflowId]);
    const mk = (delivery: GuardedRun['delivery']): GuardedRun => ({
      id: randomUUID(),
      orgId: DEV_ORG_ID,
      workflowId,
      version: wf[0]!.v,
      trigger: 'event',
      input: { n: 2 },
      tasks: [{ key: 'a', type: 'atomic' }],
      idempotencyKey: null,
      inputHash: null,
      audit: null,
      delivery,
    });
    const hooked = mk({ triggerId: t.body.id, deliveryId: 'race-1' });
    const other = mk(null);
    // The delete is made but not committed when the insert starts; it commits while the insert waits on the row.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let deleting!: () => void;
    const deleted = new Promise<void>((r) => (deleting = r));
    const deleter = p.db.tx(async (q) => {
      await q.query('DELETE FROM workflow_triggers WHERE id = $1', [t.body.id]);
      deleting();
      await released;
    });
    await deleted;
    const inserting = insertRunsIfCurrent(p.db, [hooked, other]);
    await new Promise((r) => setTimeout(r, 200));
    release();
    await deleter;
    expect(await inserting).toEqual([
      { current: true, inserted: true },
      { current: true, inserted: true },
    ]);
    expect(await runRow(hooked.id)).toMatchObject({ status: 'PENDING' });
    expect(await runRow(other.id)).toMatchObject({ status: 'PENDING' });
    const { rows } = await p.db.query('SELECT 1 FROM trigger_deliveries WHERE run_id = ANY($1::uuid[])', [[hooked.id, other.id]]);
    expect(rows).toEqual([]);
  });
});
