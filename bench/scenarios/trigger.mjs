/**
 * Scenario 2, trigger throughput: N runs triggered over HTTP (POST /api/workflows/{id}/runs) by a
 * closed-loop generator on 64 keep-alive connections while one worker process drains. Reports
 * triggers accepted per second (client wall time), runs completed per second (first created_at
 * to last finished_at, server clock) and the trigger response time p50/p99.
 */
import { closedLoop } from '../load-generator.mjs';
import { summarize } from '../percentiles.mjs';
import { echoWorkflow } from './drain.mjs';

export async function trigger(ctx, { runs, connections }) {
  const workflowId = await ctx.createWorkflow(echoWorkflow('bench-trigger'));
  const worker = await ctx.startWorker();
  let peak = null;
  let load;
  try {
    load = await closedLoop({ url: `${ctx.url}/api/workflows/${workflowId}/runs`, total: runs, connections, bodyFor: (i) => JSON.stringify({ input: { n: i } }) });
    await ctx.waitForRuns(workflowId, load.byStatus[202] ?? 0, 600_000);
  } finally {
    peak = worker.peakRssMiB();
    await worker.stop();
  }
  const { rows } = await ctx.pg.query(
    `SELECT count(*)::int AS runs, count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
            extract(epoch FROM max(finished_at) - min(created_at))::float8 AS seconds
       FROM workflow_runs WHERE org_id = $1::uuid AND workflow_id = $2::uuid`,
    [ctx.orgId, workflowId],
  );
  const r = rows[0];
  const accepted = load.byStatus[202] ?? 0;
  return {
    requests: runs,
    accepted,
    byStatus: load.byStatus,
    ...(load.firstError ? { firstError: load.firstError.slice(0, 300) } : {}),
    connections,
    triggersPerSec: Math.round(accepted / (load.wallMs / 1000)),
    runsPerSec: Math.round(r.runs / r.seconds),
    succeeded: r.succeeded,
    responseMs: summarize(load.latencies),
    workerPeakRssMiB: peak,
  };
}
