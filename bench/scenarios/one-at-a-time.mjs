/**
 * End to end of a workflow's runs triggered one at a time over HTTP (each after the previous one
 * ended), after one unmeasured run that warms the worker: finished_at − created_at, server clock.
 * Shared by the 40-task chain and the parallel-branches scenarios. CPU per run is read over the
 * measured runs only: the worker's and the control plane's own, and every PostgreSQL process's
 * (the bench's polls included, so compare it between builds, not with the drain).
 */
import { summarize } from '../percentiles.mjs';
import { cpuMsPer, postgresCpuSince, postgresCpuSnapshot } from '../processes.mjs';

export async function oneAtATime(ctx, { definition, runs }) {
  const workflowId = await ctx.createWorkflow(definition);
  const worker = await ctx.startWorker();
  const ids = [];
  let cpu;
  try {
    await ctx.waitForRun(await ctx.trigger(workflowId), 60_000);
    const worker0 = worker.cpuSeconds();
    const control0 = ctx.controlPlaneCpu();
    const pg0 = postgresCpuSnapshot();
    for (let i = 0; i < runs; i++) {
      const id = await ctx.trigger(workflowId, { n: i });
      await ctx.waitForRun(id, 60_000);
      ids.push(id);
    }
    // Before the worker stops: its PostgreSQL backends take their CPU time with them when they exit.
    cpu = {
      workerCpuMsPerRun: cpuMsPer(worker.cpuSeconds() - worker0, runs),
      controlPlaneCpuMsPerRun: cpuMsPer(ctx.controlPlaneCpu() - control0, runs),
      postgresCpuMsPerRun: cpuMsPer(postgresCpuSince(pg0, postgresCpuSnapshot()), runs),
    };
  } finally {
    await worker.stop();
  }
  const { rows } = await ctx.pg.query(
    `SELECT status, extract(epoch FROM finished_at - created_at)::float8 * 1000 AS total_ms,
            extract(epoch FROM finished_at - started_at)::float8 * 1000 AS exec_ms
       FROM workflow_runs WHERE org_id = $1::uuid AND id = ANY($2::uuid[])`,
    [ctx.orgId, ids],
  );
  const e2e = summarize(rows.map((r) => r.total_ms));
  return {
    tasks: definition.tasks.length,
    runs: rows.length,
    succeeded: rows.filter((r) => r.status === 'SUCCEEDED').length,
    endToEndMedianMs: e2e.p50,
    endToEndMs: e2e,
    claimToFinishMedianMs: summarize(rows.map((r) => r.exec_ms)).p50,
    ...cpu,
  };
}
