/**
 * Scenario 8, scale beyond one worker: for 1, 2 and 4 worker processes on the same PostgreSQL and
 * queue, N single-task runs are committed while the workers idle, then enqueued at once and
 * drained. runs/s over first start → last end (server clock); CPU per run of every PostgreSQL
 * process and of the workers together, from /proc, over the drain. On a machine of two cores the
 * ceiling is the database: the figure to watch is PostgreSQL CPU per run staying flat as workers
 * are added (what the Azure estimate in docs/benchmarks.md divides by).
 */
import { cpuMsPer, postgresCpuSince, postgresCpuSnapshot } from '../processes.mjs';
import { commitAndEnqueue } from '../seed-runs.mjs';
import { echoWorkflow } from './drain.mjs';

export async function scale(ctx, { workerCounts, runs, queue, budgetSec }) {
  const cells = [];
  for (const n of workerCounts) {
    try {
      cells.push(await cell(ctx, { n, runs, queue, budgetSec }));
    } catch (err) {
      cells.push({ workers: n, committed: runs, error: String(err?.message ?? err).slice(0, 500) });
    }
    const c = cells.at(-1);
    ctx.log(`  scale: ${n} worker(s): ${c.error ? 'error' : `${c.runsPerSec} runs/s`}`);
  }
  return { workerConcurrency: ctx.workerConcurrency, cells };
}

async function cell(ctx, { n, runs, queue, budgetSec }) {
  const workflowId = await ctx.createWorkflow(echoWorkflow(`bench-scale-${n}`));
  // One after another: processes starting together on a loaded machine of two cores can each take
  // longer than the start timeout.
  const workers = [];
  try {
    for (let i = 0; i < n; i++) workers.push(await ctx.startWorker());
  } catch (err) {
    await Promise.all(workers.map((w) => w.stop()));
    throw err;
  }
  let pg0 = null;
  let cpu0 = null;
  let pgCpu;
  let workerCpu;
  let ids;
  try {
    ids = await commitAndEnqueue({
      pg: ctx.pg,
      distRoot: ctx.distRoot,
      queue,
      orgId: ctx.orgId,
      workflowId,
      version: 1,
      tasks: [{ key: 'echo', type: 'atomic' }],
      count: runs,
      inputFor: (i) => ({ n: i }),
      beforeEnqueue: () => {
        pg0 = postgresCpuSnapshot();
        cpu0 = workers.map((w) => w.cpuSeconds());
      },
    });
    await ctx.waitForIds(ids, budgetSec * 1000);
    // Before the workers stop: their backends take their CPU time with them when they exit.
    pgCpu = postgresCpuSince(pg0, postgresCpuSnapshot());
    workerCpu = workers.reduce((a, w, i) => a + ((w.cpuSeconds() ?? 0) - (cpu0[i] ?? 0)), 0);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  const span = await ctx.spanOf(ids);
  return {
    workers: n,
    committed: runs,
    complete: span.runs === runs,
    ...span,
    postgresCpuMsPerRun: cpuMsPer(pgCpu, span.runs),
    workerCpuMsPerRun: cpuMsPer(workerCpu, span.runs),
  };
}
