/**
 * Scenario 3, latency at a fixed rate: an open-loop load of R triggers/s for S seconds while one
 * worker process drains. trigger→start = the task's started_at − the run's created_at;
 * trigger→finish = the run's finished_at − created_at; all three are clock_timestamp() values
 * written by PostgreSQL, created_at during the trigger request's pre-flight commit.
 */
import { openLoop } from '../load-generator.mjs';
import { summarize } from '../percentiles.mjs';
import { echoWorkflow } from './drain.mjs';

export async function latency(ctx, { ratePerSec, seconds }) {
  const workflowId = await ctx.createWorkflow(echoWorkflow('bench-latency'));
  const worker = await ctx.startWorker();
  let load;
  try {
    // A short warm-up at the same rate (not counted) so JIT and connection pools are steady.
    const warmWorkflow = await ctx.createWorkflow(echoWorkflow('bench-latency-warm-up'));
    await openLoop({
      url: `${ctx.url}/api/workflows/${warmWorkflow}/runs`,
      ratePerSec,
      durationMs: Math.min(2_000, seconds * 1000),
      bodyFor: (i) => JSON.stringify({ input: { n: i } }),
    });
    load = await openLoop({
      url: `${ctx.url}/api/workflows/${workflowId}/runs`,
      ratePerSec,
      durationMs: seconds * 1000,
      bodyFor: (i) => JSON.stringify({ input: { n: i } }),
    });
    await ctx.waitForRuns(workflowId, load.byStatus[202] ?? 0, 120_000);
  } finally {
    await worker.stop();
  }
  const { rows } = await ctx.pg.query(
    `SELECT extract(epoch FROM t.started_at - r.created_at)::float8 * 1000 AS start_ms,
            extract(epoch FROM r.finished_at - r.created_at)::float8 * 1000 AS finish_ms
       FROM workflow_runs r JOIN task_runs t ON t.run_id = r.id AND t.org_id = r.org_id AND t.position = 0
      WHERE r.org_id = $1::uuid AND r.workflow_id = $2::uuid AND r.status = 'SUCCEEDED'`,
    [ctx.orgId, workflowId],
  );
  return {
    ratePerSec,
    seconds,
    sent: load.sent,
    byStatus: load.byStatus,
    succeeded: rows.length,
    maxSendLagMs: Math.round(load.maxLagMs * 100) / 100,
    triggerToStartMs: summarize(rows.map((r) => r.start_ms)),
    triggerToFinishMs: summarize(rows.map((r) => r.finish_ms)),
    responseMs: summarize(load.latencies),
  };
}
