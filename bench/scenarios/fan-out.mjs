/**
 * Scenario 5, fan-out: one run whose ChunkedDispatch task takes N records from the `range`
 * generator and runs `echo` for each, 64 at a time, in a fresh worker process. chunks/s = N /
 * (task finished_at − task started_at); the worker's peak RSS is the kernel's VmHWM. With
 * `workers` > 1 that many worker processes are up during the fan-out and the line also gives each
 * one's share of the workers' CPU: how far the fan-out spread over them (#24).
 */
export async function fanOut(ctx, { records, concurrency, budgetSec, workers = 1 }) {
  const workflowId = await ctx.createWorkflow({
    name: `bench-fan-out-${records}${workers > 1 ? `-${workers}-workers` : ''}`,
    tasks: [
      {
        key: 'fan_out',
        type: 'chunked',
        generator: { connector: 'platform', operation: 'range', input: { count: records } },
        each: { connector: 'platform', operation: 'echo', input: { i: '{{ record.index }}' } },
        concurrency,
      },
    ],
  });
  const started = [];
  for (let i = 0; i < workers; i++) started.push(await ctx.startWorker());
  let peak;
  let cpus;
  const cpu0 = started.map((w) => w.cpuSeconds());
  let runId;
  try {
    runId = await ctx.trigger(workflowId);
    try {
      await ctx.waitForRun(runId, budgetSec * 1000, 250);
    } catch {
      // Past the time budget: cancel, and take the figures over the chunks written by then.
      await ctx.cancel(runId);
      await ctx.waitForRun(runId, 60_000, 250);
    }
  } finally {
    peak = Math.max(...started.map((w) => w.peakRssMiB()));
    cpus = started.map((w, i) => (w.cpuSeconds() ?? 0) - (cpu0[i] ?? 0));
    await Promise.all(started.map((w) => w.stop()));
  }
  const cpu = cpus.reduce((a, b) => a + b, 0);
  const { rows } = await ctx.pg.query(
    `SELECT r.status, t.output, t.chunks_succeeded::int AS succeeded,
            extract(epoch FROM coalesce(t.finished_at, r.finished_at) - t.started_at)::float8 AS seconds
       FROM workflow_runs r JOIN task_runs t ON t.run_id = r.id AND t.org_id = r.org_id
      WHERE r.org_id = $1::uuid AND r.id = $2::uuid`,
    [ctx.orgId, runId],
  );
  const r = rows[0];
  return {
    records,
    concurrency,
    status: r.status,
    chunksSucceeded: r.succeeded,
    seconds: Math.round(r.seconds * 1000) / 1000,
    complete: r.status === 'SUCCEEDED' && r.succeeded === records,
    chunksPerSec: Math.round((r.status === 'SUCCEEDED' ? records : r.succeeded) / r.seconds),
    workerPeakRssMiB: peak,
    workerCpuUsPerChunk: Math.round((cpu * 1e6) / Math.max(1, r.succeeded ?? 0)),
    ...(workers > 1 ? { workers, workerCpuShares: cpus.map((c) => (cpu > 0 ? Math.round((c / cpu) * 100) / 100 : null)) } : {}),
  };
}
