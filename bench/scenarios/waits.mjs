/**
 * Durable waits (issue #16), in a fresh worker process:
 * 1. N runs parked at once on an event wait (`wait` for `bench.go`, matched by the run's own key):
 *    the worker's resident memory once all wait, against its idle figure before (target: at most
 *    +10 %, waiting costs rows, not processes);
 * 2. M of them resumed by `POST /api/events` (16 clients): resume → task end is the wait's
 *    `resolved_at` (the event's commit) to the waiting task's `finished_at`, both server clock
 *    (targets p50 ≤ 20 ms, p99 ≤ 100 ms), and resumes/s over first resume → last task end (≥ 2,000/s);
 * 3. T runs waiting `until` one and the same instant: the lag of each task end behind that instant
 *    (target: all within 10 s; the local host's timer runs every second).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize, round } from '../percentiles.mjs';
import { procStatusKiB } from '../processes.mjs';
import { commitAndEnqueue } from '../seed-runs.mjs';

const TASKS = [
  { key: 'w', type: 'wait' },
  { key: 'after', type: 'atomic' },
];
const after = { key: 'after', type: 'atomic', connector: 'platform', operation: 'echo', input: { ok: true } };

/** Resident memory of a process now, MiB. */
const rssMiB = (pid) => round((procStatusKiB(pid, 'VmRSS') ?? 0) / 1024, 1);

async function countStatus(ctx, workflowId, status) {
  const { rows } = await ctx.pg.query(`SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_id = $1::uuid AND status = $2::text`, [
    workflowId,
    status,
  ]);
  return rows[0].n;
}

async function until(fn, budgetMs, everyMs = 250) {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

export async function waits(ctx, { runs, resumed, timers, queue, budgetSec }) {
  const budgetMs = budgetSec * 1000;
  const eventWf = await ctx.createWorkflow({
    name: 'bench-waits-event',
    tasks: [{ key: 'w', type: 'wait', event: 'bench.go', match: 'input.k' }, after],
  });
  const timerWf = await ctx.createWorkflow({ name: 'bench-waits-timer', tasks: [{ key: 'w', type: 'wait', until: 'input.at' }, after] });
  const worker = await ctx.startWorker();
  const out = { runs, resumed, timers, workerConcurrency: ctx.workerConcurrency };
  try {
    // 1. Parked at once.
    await sleep(1_000);
    out.idleRssMiB = rssMiB(worker.pid);
    const ids = await commitAndEnqueue({
      pg: ctx.pg,
      distRoot: ctx.distRoot,
      queue,
      orgId: ctx.orgId,
      workflowId: eventWf,
      version: 1,
      tasks: TASKS,
      count: runs,
      inputFor: (i) => ({ k: `k${i}` }),
    });
    const p0 = performance.now();
    out.allWaiting = await until(async () => (await countStatus(ctx, eventWf, 'WAITING')) === runs, budgetMs);
    out.parkSeconds = round((performance.now() - p0) / 1000, 1);
    out.parksPerSec = round(runs / out.parkSeconds, 0);
    // Settled: what the worker keeps while every run waits (no lease, no memory per run).
    await sleep(2_000);
    out.waitingRssMiB = rssMiB(worker.pid);
    out.rssGrowthPct = round(((out.waitingRssMiB - out.idleRssMiB) / out.idleRssMiB) * 100, 1);

    // 2. Resumed by event, 16 clients.
    const keys = Array.from({ length: Math.min(resumed, runs) }, (_, i) => `k${i}`);
    let next = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < keys.length) {
          const key = keys[next++];
          const res = await fetch(`${ctx.url}/api/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'bench.go', key, payload: { key } }),
          });
          if (res.status !== 200) failures++;
          await res.arrayBuffer();
        }
      }),
    );
    const resumedIds = ids.slice(0, keys.length);
    out.eventFailures = failures;
    out.allResumed = await until(async () => {
      const { rows } = await ctx.pg.query(
        `SELECT count(*)::int AS n FROM workflow_runs WHERE id = ANY($1::uuid[]) AND status = 'SUCCEEDED'`,
        [resumedIds],
      );
      return rows[0].n === resumedIds.length;
    }, budgetMs);
    const { rows: lat } = await ctx.pg.query(
      `SELECT extract(epoch FROM t.finished_at - w.resolved_at)::float8 * 1000 AS ms, w.resolved_at, t.finished_at
         FROM run_waits w JOIN task_runs t ON t.id = w.task_run_id
        WHERE w.run_id = ANY($1::uuid[]) AND w.status = 'resumed' AND t.status = 'SUCCEEDED'`,
      [resumedIds],
    );
    out.resumeToTaskEndMs = summarize(lat.map((r) => r.ms));
    if (lat.length) {
      const first = Math.min(...lat.map((r) => r.resolved_at.getTime()));
      const last = Math.max(...lat.map((r) => r.finished_at.getTime()));
      out.resumesPerSec = round(lat.length / Math.max(0.001, (last - first) / 1000), 0);
    }

    // 3. Timers due at one instant: far enough ahead that every run is parked before it (at the
    // park rate measured above, with half again to spare), so the lag measures the timer alone.
    const leadMs = 5_000 + Math.ceil(((timers / Math.max(1, out.parksPerSec ?? 1)) * 1.5 + 1) * 1_000);
    const at = new Date(Date.now() + leadMs).toISOString();
    const timerIds = await commitAndEnqueue({
      pg: ctx.pg,
      distRoot: ctx.distRoot,
      queue,
      orgId: ctx.orgId,
      workflowId: timerWf,
      version: 1,
      tasks: TASKS,
      count: timers,
      inputFor: () => ({ at }),
    });
    out.timersDueAt = at;
    out.timersParkedBeforeDue = await until(async () => (await countStatus(ctx, timerWf, 'WAITING')) === timers, leadMs);
    out.allTimersResumed = await until(async () => (await countStatus(ctx, timerWf, 'SUCCEEDED')) === timers, budgetMs);
    const { rows: lag } = await ctx.pg.query(
      `SELECT extract(epoch FROM t.finished_at - $2::timestamptz)::float8 AS s
         FROM run_waits w JOIN task_runs t ON t.id = w.task_run_id
        WHERE w.run_id = ANY($1::uuid[]) AND t.status = 'SUCCEEDED'`,
      [timerIds, at],
    );
    out.timerLagSec = summarize(lag.map((r) => r.s));
    out.timersWithin10s = lag.filter((r) => r.s <= 10).length;
    out.peakRssMiB = worker.peakRssMiB();
  } finally {
    await worker.stop();
  }
  // The runs still waiting would be resumed by nobody: cancel them so later scenarios' sweeps skip them.
  await ctx.pg.query(
    `WITH ended AS (UPDATE run_waits SET status = 'cancelled', resolved_at = clock_timestamp()
                     WHERE run_id IN (SELECT id FROM workflow_runs WHERE workflow_id = $1::uuid AND status = 'WAITING') AND status = 'waiting')
     UPDATE workflow_runs SET status = 'CANCELLED', finished_at = clock_timestamp() WHERE workflow_id = $1::uuid AND status = 'WAITING'`,
    [eventWf],
  );
  return out;
}
