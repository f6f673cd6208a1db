/**
 * The pre-flight invariant: no run executes unless its row was committed first. Also: the row
 * and every task row exist before the message is enqueued, a failed enqueue loses nothing, and
 * two workers racing for one run cannot both claim it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { DEV_ORG_ID } from '../../shared/store/organisations';
import { insertRun } from '../../shared/store/runs';
import { claimRun } from '../../shared/store/run-batches';
import { createWorkflow } from '../../shared/engine/workflows-service';
import { triggerRun } from '../../shared/engine/preflight';
import { sweepPendingRuns } from '../../shared/engine/recovery-sweep';
import { Worker } from '../../shared/engine/worker';
import { devPrincipal } from '../../shared/auth/dev-principal';
import { createRedisQueue } from '../../shared/queue/redis-queue';
import type { WorkQueue } from '../../shared/queue/work-queue';
import { createTestPlatform, waitFor, type TestPlatform } from '../helpers/test-platform';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

async function platformWith(opts: Parameters<typeof createTestPlatform>[0] = {}): Promise<TestPlatform> {
  const p = await createTestPlatform(opts);
  cleanups.push(() => p.close());
  return p;
}

const who = devPrincipal();
const echoWorkflow = (p: TestPlatform, name: string, tasks = 1) =>
  createWorkflow(p, who, {
    name,
    tasks: Array.from({ length: tasks }, (_, i) => ({
      key: `t${i}`,
      type: 'atomic',
      connector: 'platform',
      operation: 'echo',
      input: { i },
    })),
  });

describe('pre-flight invariant', () => {
  it('drops a queue message whose run was never committed, and keeps working', async () => {
    const { logger, lines } = captureLogs();
    const p = await platformWith({ overrides: { logger } });
    const wf = await echoWorkflow(p, 'real');
    const ghostId = randomUUID();
    await p.queue.enqueue({ runId: ghostId, orgId: DEV_ORG_ID, enqueuedAt: Date.now() });
    const real = await triggerRun(p, who, wf.id, {});
    const worker = new Worker(p, { concurrency: 2, pollMs: 50 });
    worker.start();
    cleanups.push(() => worker.stop());
    await waitFor(
      async () => (await p.db.query("SELECT 1 FROM workflow_runs WHERE id = $1::uuid AND status = 'SUCCEEDED'", [real.id])).rowCount,
    );
    await waitFor(async () => lines.some((l) => l['runId'] === ghostId));
    const dropped = lines.find((l) => l['runId'] === ghostId)!;
    expect(dropped['msg']).toMatch(/no committed run/);
    const ghostRows = await p.db.query(
      'SELECT 1 FROM workflow_runs WHERE id = $1::uuid UNION ALL SELECT 1 FROM task_runs WHERE run_id = $1::uuid',
      [ghostId],
    );
    expect(ghostRows.rowCount).toBe(0);
    expect(await p.queue.depth()).toBe(0);
  });

  it('never executes a run for a message naming another organisation', async () => {
    const p = await platformWith();
    const wf = await echoWorkflow(p, 'scoped');
    const run = await triggerRun(p, who, wf.id, {});
    // Drain the genuine message first with a claim, then replay it under a forged organisation.
    const forged = randomUUID();
    expect(await claimRun(p.db, forged, run.id, 'w-forged', 60_000)).toBeNull();
    const { rows } = await p.db.query<{ status: string }>('SELECT status FROM workflow_runs WHERE id = $1::uuid', [run.id]);
    expect(rows[0]!.status).toBe('PENDING');
  });

  it('commits the run and every task row before the message is enqueued', async () => {
    const base = await platformWith({ queue: 'embedded' });
    const seen: Array<{ run: number; tasks: number }> = [];
    const inner = base.queue;
    const spy: WorkQueue = {
      ...inner,
      backend: inner.backend,
      async enqueue(m) {
        // A different connection: sees only committed data.
        const r = await base.db.query('SELECT 1 FROM workflow_runs WHERE id = $1::uuid', [m.runId]);
        const t = await base.db.query('SELECT 1 FROM task_runs WHERE run_id = $1::uuid', [m.runId]);
        seen.push({ run: r.rowCount ?? 0, tasks: t.rowCount ?? 0 });
        return inner.enqueue(m);
      },
    };
    const p = Object.assign(Object.create(base), { queue: spy }) as TestPlatform;
    const wf = await echoWorkflow(base, 'three', 3);
    await triggerRun(p, who, wf.id, {});
    expect(seen).toEqual([{ run: 1, tasks: 3 }]);
  });

  it('keeps the run when the enqueue fails, and the sweep gets it to SUCCEEDED', async () => {
    const p = await platformWith();
    const broken = createRedisQueue({ url: 'redis://127.0.0.1:1', prefix: 'nowhere' });
    cleanups.push(() => broken.close());
    const failing = Object.assign(Object.create(p), { queue: broken }) as TestPlatform;
    const wf = await echoWorkflow(p, 'lost-message');
    const run = await triggerRun(failing, who, wf.id, { x: 1 });
    expect(run.status).toBe('PENDING');
    expect(await p.queue.depth()).toBe(0);
    expect(await sweepPendingRuns(p, 0)).toBe(1);
    const worker = new Worker(p, { concurrency: 1, pollMs: 50 });
    worker.start();
    cleanups.push(() => worker.stop());
    await waitFor(
      async () => (await p.db.query("SELECT 1 FROM workflow_runs WHERE id = $1::uuid AND status = 'SUCCEEDED'", [run.id])).rowCount,
    );
  });
});

describe('workers racing for runs', () => {
  it('lets exactly one of many concurrent claims win each run', async () => {
    const p = await platformWith();
    const wf = await echoWorkflow(p, 'race');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = randomUUID();
      await insertRun(p.db, {
        id,
        orgId: DEV_ORG_ID,
        workflowId: wf.id,
        workflowVersion: 1,
        trigger: 'http',
        input: {},
        tasks: [{ key: 't0', type: 'atomic' }],
      });
      ids.push(id);
    }
    const results = await Promise.all(
      ids.flatMap((id) => ['w1', 'w2', 'w3'].map(async (w) => ((await claimRun(p.db, DEV_ORG_ID, id, w, 60_000)) ? id : null))),
    );
    const winners = results.filter(Boolean);
    expect(winners).toHaveLength(40);
    expect(new Set(winners).size).toBe(40);
  });

  it('executes each run once when two workers with their own connections share the queue and every message is duplicated', async () => {
    const p = await platformWith();
    // A second platform (own pool, own Redis connections) on the same schema and queue.
    const p2 = await platformWith({ env: { DATABASE_SCHEMA: p.schema, REDIS_PREFIX: p.redisPrefix } });
    const wf = await echoWorkflow(p, 'dupes', 2);
    const runs = [];
    for (let i = 0; i < 30; i++) runs.push(await triggerRun(p, who, wf.id, { i }));
    await p.queue.enqueueMany(runs.map((r) => ({ runId: r.id, orgId: DEV_ORG_ID, enqueuedAt: Date.now() })));
    const w1 = new Worker(p, { concurrency: 4, pollMs: 50 });
    const w2 = new Worker(p2, { concurrency: 4, pollMs: 50 });
    w1.start();
    w2.start();
    cleanups.push(
      () => w1.stop(),
      () => w2.stop(),
    );
    await waitFor(async () => {
      const { rows } = await p.db.query<{ n: string }>("SELECT count(*)::text AS n FROM workflow_runs WHERE status = 'SUCCEEDED'");
      return rows[0]!.n === '30';
    });
    await waitFor(async () => (await p.queue.depth()) === 0);
    const attempts = await p.db.query<{ attempts: number }>('SELECT attempts FROM task_runs');
    expect(attempts.rows).toHaveLength(60);
    expect(attempts.rows.every((r) => r.attempts === 1)).toBe(true);
    expect(w1.completed + w2.completed).toBe(30);
  });
});
