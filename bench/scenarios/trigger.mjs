/**
 * Scenario 2, trigger throughput: N runs triggered over HTTP (POST /api/workflows/{id}/runs) by a
 * closed-loop generator on 64 keep-alive connections while one worker process drains. Reports
 * triggers accepted per second (client wall time), runs completed per second (first created_at
 * to last finished_at, server clock) and the trigger response time p50/p99.
 *
 * As in the latency and sequential scenarios, the processes are warmed up first, unmeasured: a
 * closed loop of `warmUp` triggers on a workflow of its own, drained before the measured triggers
 * start. A freshly started worker and a control plane that has not yet served a trigger spend
 * their first second compiling (the rate climbs from about half to its steady value), which a
 * long-running deployment pays once; the warm-up's own rate is reported beside the measured one.
 */
import { closedLoop } from '../load-generator.mjs';
import { benchBackendPids, cpuMsPer, postgresCpuSince, postgresCpuSnapshot } from '../processes.mjs';
import { summarize } from '../percentiles.mjs';
import { echoWorkflow } from './drain.mjs';

export async function trigger(ctx, { runs, warmUp = 0, connections, budgetSec }) {
  const workflowId = await ctx.createWorkflow(echoWorkflow('bench-trigger'));
  const warmWorkflowId = warmUp > 0 ? await ctx.createWorkflow(echoWorkflow('bench-trigger-warm-up')) : null;
  const worker = await ctx.startWorker();
  let peak;
  let cpu;
  let load;
  let warm = null;
  let cpu0 = null;
  let cp0;
  let cp;
  let pgCpu;
  let loadCpu;
  let pg0;
  let ownPgCpu;
  let own0;
  try {
    if (warmWorkflowId) {
      warm = await closedLoop({
        url: `${ctx.url}/api/workflows/${warmWorkflowId}/runs`,
        total: warmUp,
        connections,
        budgetMs: budgetSec * 1000,
        bodyFor: (i) => JSON.stringify({ input: { n: i } }),
      });
      await ctx.waitForRunsWithin(warmWorkflowId, warm.byStatus[202] ?? 0, budgetSec * 1000);
    }
    cpu0 = worker.cpuSeconds();
    cp0 = ctx.controlPlaneCpu();
    pg0 = postgresCpuSnapshot();
    own0 = postgresCpuSnapshot(await benchBackendPids(ctx.pg, ctx.env.PGAPPNAME));
    const load0 = process.cpuUsage();
    // No new trigger after the time budget; the runs accepted by then are all drained.
    load = await closedLoop({
      url: `${ctx.url}/api/workflows/${workflowId}/runs`,
      total: runs,
      connections,
      budgetMs: budgetSec * 1000,
      bodyFor: (i) => JSON.stringify({ input: { n: i } }),
    });
    const l = process.cpuUsage(load0);
    loadCpu = (l.user + l.system) / 1e6;
    cp = ctx.controlPlaneCpu() - cp0;
    await ctx.waitForRunsWithin(workflowId, load.byStatus[202] ?? 0, budgetSec * 1000);
    // Before the worker stops: its PostgreSQL backends take their CPU time with them when they exit.
    const pg1 = postgresCpuSnapshot();
    pgCpu = postgresCpuSince(pg0, pg1);
    ownPgCpu = postgresCpuSince(own0, postgresCpuSnapshot(await benchBackendPids(ctx.pg, ctx.env.PGAPPNAME)));
  } finally {
    peak = worker.peakRssMiB();
    cpu = cpu0 === null ? null : worker.cpuSeconds() - cpu0;
    await worker.stop();
  }
  const { rows } = await ctx.pg.query(
    `SELECT count(*) FILTER (WHERE finished_at IS NOT NULL)::int AS runs, count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
            extract(epoch FROM max(finished_at) - min(created_at))::float8 AS seconds
       FROM workflow_runs WHERE org_id = $1::uuid AND workflow_id = $2::uuid`,
    [ctx.orgId, workflowId],
  );
  const r = rows[0];
  const accepted = load.byStatus[202] ?? 0;
  return {
    requests: load.sent,
    complete: load.sent === runs && r.runs === accepted,
    accepted,
    byStatus: load.byStatus,
    ...(load.firstError ? { firstError: load.firstError.slice(0, 300) } : {}),
    connections,
    warmUpTriggers: warm ? warm.sent : 0,
    ...(warm ? { warmUpTriggersPerSec: Math.round((warm.byStatus[202] ?? 0) / (warm.wallMs / 1000)) } : {}),
    triggersPerSec: Math.round(accepted / (load.wallMs / 1000)),
    runsPerSec: Math.round(r.runs / r.seconds),
    succeeded: r.succeeded,
    responseMs: summarize(load.latencies),
    workerPeakRssMiB: peak,
    controlPlaneCpuMsPerTrigger: cpuMsPer(cp, accepted),
    workerCpuMsPerRun: cpuMsPer(cpu, r.runs),
    // Every PostgreSQL process of the machine while the runs were triggered and drained (the
    // inserts, the worker's claims and ends, the bench's progress polls), per run.
    postgresCpuMsPerRun: cpuMsPer(pgCpu, r.runs),
    // Only the backends of the control plane and the worker (no WAL writer, checkpointer or other
    // clients of the server): the figure to compare on a shared machine.
    postgresBackendsCpuMsPerRun: cpuMsPer(ownPgCpu, r.runs),
    // The load generator (this process) while it sent the triggers.
    loadGeneratorCpuMsPerTrigger: cpuMsPer(loadCpu, accepted),
  };
}
