/**
 * Scenario 5, fan-out: one run whose ChunkedDispatch task takes N records from the `range`
 * generator and runs `echo` for each, 64 at a time, in a fresh worker process. chunks/s = N /
 * (task finished_at − task started_at); the worker's peak RSS is the kernel's VmHWM.
 */
export async function fanOut(ctx, { records, concurrency, budgetSec }) {
  const workflowId = await ctx.createWorkflow({
    name: `bench-fan-out-${records}`,
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
  const worker = await ctx.startWorker();
  let peak;
  let cpu;
  const cpu0 = worker.cpuSeconds();
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
    peak = worker.peakRssMiB();
    cpu = worker.cpuSeconds() - cpu0;
    await worker.stop();
  }
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
  };
}
