/**
 * Scenario 4, deep sequential: a workflow of T no-op steps (platform `echo`, constant input) run
 * one after another; end to end = finished_at − created_at, median of N runs triggered one at a
 * time over HTTP (each after the previous one ended). One unmeasured run first warms the worker.
 */
import { summarize } from '../percentiles.mjs';

export async function sequential(ctx, { tasks, runs }) {
  const workflowId = await ctx.createWorkflow({
    name: 'bench-sequential',
    tasks: Array.from({ length: tasks }, (_, i) => ({
      key: `step_${i + 1}`,
      type: 'atomic',
      connector: 'platform',
      operation: 'echo',
      input: { step: i + 1 },
    })),
  });
  const worker = await ctx.startWorker();
  const ids = [];
  try {
    await ctx.waitForRun(await ctx.trigger(workflowId), 60_000);
    for (let i = 0; i < runs; i++) {
      const id = await ctx.trigger(workflowId, { n: i });
      await ctx.waitForRun(id, 60_000);
      ids.push(id);
    }
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
    tasks,
    runs: rows.length,
    succeeded: rows.filter((r) => r.status === 'SUCCEEDED').length,
    endToEndMedianMs: e2e.p50,
    endToEndMs: e2e,
    claimToFinishMedianMs: summarize(rows.map((r) => r.exec_ms)).p50,
  };
}
