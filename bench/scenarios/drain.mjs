/**
 * Scenario 1, drain throughput: N single-task runs (platform `echo`) are committed and enqueued
 * before any worker exists; then one worker process drains them. runs/s = N / (last run's
 * finished_at − first run's started_at), both recorded by PostgreSQL.
 */
import { cpuMsPer, postgresCpuSince, postgresCpuSnapshot } from '../processes.mjs';
import { commitAndEnqueue } from '../seed-runs.mjs';

export const echoWorkflow = (name) => ({
  name,
  tasks: [{ key: 'echo', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: '{{ input.n }}' } }],
});

/** Runs the drain scenario; `queue` is a work queue on the bench prefix. */
export async function drain(ctx, { runs, queue, budgetSec }) {
  const workflowId = await ctx.createWorkflow(echoWorkflow('bench-drain'));
  const seedStart = performance.now();
  await commitAndEnqueue({
    pg: ctx.pg,
    distRoot: ctx.distRoot,
    queue,
    orgId: ctx.orgId,
    workflowId,
    version: 1,
    tasks: [{ key: 'echo', type: 'atomic' }],
    count: runs,
    inputFor: (i) => ({ n: i }),
  });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const worker = await ctx.startWorker();
  let peak;
  let cpu;
  const cpu0 = worker.cpuSeconds();
  const pg0 = postgresCpuSnapshot();
  let pgCpu;
  try {
    // Past the time budget the figure is taken over the runs that ended (complete: false).
    await ctx.waitForRunsWithin(workflowId, runs, budgetSec * 1000);
    // Before the worker stops: its PostgreSQL backends take their CPU time with them when they exit.
    const pg1 = postgresCpuSnapshot();
    pgCpu = postgresCpuSince(pg0, pg1);
  } finally {
    peak = worker.peakRssMiB();
    cpu = worker.cpuSeconds() - cpu0;
    await worker.stop();
  }
  const { rows } = await ctx.pg.query(
    `SELECT count(*) FILTER (WHERE finished_at IS NOT NULL)::int AS runs, count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
            extract(epoch FROM max(finished_at) - min(started_at))::float8 AS seconds
       FROM workflow_runs WHERE org_id = $1::uuid AND workflow_id = $2::uuid`,
    [ctx.orgId, workflowId],
  );
  const r = rows[0];
  return {
    committed: runs,
    complete: r.runs === runs,
    runs: r.runs,
    succeeded: r.succeeded,
    seconds: round3(r.seconds),
    runsPerSec: Math.round(r.runs / r.seconds),
    seedSeconds: round3(seedSeconds),
    workerConcurrency: ctx.workerConcurrency,
    workerPeakRssMiB: peak,
    workerCpuMsPerRun: cpuMsPer(cpu, r.runs),
    // Every PostgreSQL process of the machine while the worker drained (its claims and ends, the
    // bench's progress polls), per run.
    postgresCpuMsPerRun: cpuMsPer(pgCpu, r.runs),
  };
}

const round3 = (v) => Math.round(v * 1000) / 1000;
