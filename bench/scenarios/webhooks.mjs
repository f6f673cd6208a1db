/**
 * Signed webhook ingest (#17): GitHub-style deliveries (HMAC-SHA256 of the raw body in
 * `X-Hub-Signature-256: sha256=…`, a fresh `X-GitHub-Delivery` id each) sent open loop at a fixed
 * rate for a fixed time to `POST /api/hooks/{triggerId}` while one worker drains the runs. Every
 * delivery is verified, mapped and committed by the pre-flight insert before its 202; afterwards
 * every delivery id is looked up as its run's idempotency key, so a delivery answered 202 without
 * a committed run counts as lost. Deliveries are signed before the clock starts (the load
 * generator's CPU goes to sending), after a short unmeasured warm-up at the same rate.
 *
 * Target (#17): 2,000 deliveries/s for 10 s accepted, none lost.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { openLoop } from '../load-generator.mjs';
import { benchBackendPids, cpuMsPer, postgresCpuSince, postgresCpuSnapshot } from '../processes.mjs';
import { summarize } from '../percentiles.mjs';
import { echoWorkflow } from './drain.mjs';

const SECRET = 'bench-webhook-secret-0123456789';

/** A webhook trigger with GitHub's HMAC verification on a new echo workflow; its id and hook URL path. */
async function hookFor(ctx, name) {
  const workflowId = await ctx.createWorkflow(echoWorkflow(name));
  const res = await fetch(`${ctx.url}/api/workflows/${workflowId}/triggers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'webhook',
      verification: { type: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', encoding: 'hex', secret: SECRET },
      deliveryIdHeader: 'X-GitHub-Delivery',
      input: '{{ { "n": body.n, "order": body.order } }}',
      // The bench measures ingest, not the per-trigger limiter.
      rateLimitPerMinute: 1_000_000,
    }),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`creating the webhook trigger failed (${res.status}): ${JSON.stringify(body)}`);
  return { workflowId, triggerId: body.id, url: `${ctx.url}${new URL(body.url, ctx.url).pathname}` };
}

/** `n` signed deliveries: body, and the headers GitHub sends with it. */
function signedDeliveries(n) {
  return Array.from({ length: n }, (_, i) => {
    const body = JSON.stringify({ n: i, order: { id: `B-${i}`, lines: [{ sku: 'A-1', qty: 1 + (i % 5) }] } });
    return {
      body,
      deliveryId: randomUUID(),
      signature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    };
  });
}

async function send(hook, deliveries, ratePerSec, durationMs) {
  return openLoop({
    url: hook.url,
    ratePerSec,
    durationMs,
    maxSockets: 512,
    bodyFor: (i) => deliveries[i].body,
    headersFor: (i) => ({ 'X-Hub-Signature-256': deliveries[i].signature, 'X-GitHub-Delivery': deliveries[i].deliveryId }),
  });
}

export async function webhooks(ctx, { ratePerSec, seconds, warmUpSeconds = 2, budgetSec = 120 }) {
  const warmHook = await hookFor(ctx, 'bench-webhooks-warm-up');
  const hook = await hookFor(ctx, 'bench-webhooks');
  const total = Math.max(1, Math.round(ratePerSec * seconds));
  const warmDeliveries = signedDeliveries(Math.max(1, Math.round(ratePerSec * warmUpSeconds)));
  const deliveries = signedDeliveries(total);
  const worker = await ctx.startWorker();
  let load;
  let cp;
  let cpu0 = null;
  let cpu;
  let pgCpu;
  try {
    await send(warmHook, warmDeliveries, ratePerSec, warmUpSeconds * 1000);
    cpu0 = worker.cpuSeconds();
    const cp0 = ctx.controlPlaneCpu();
    const own0 = postgresCpuSnapshot(await benchBackendPids(ctx.pg, ctx.env.PGAPPNAME));
    load = await send(hook, deliveries, ratePerSec, seconds * 1000);
    cp = ctx.controlPlaneCpu() - cp0;
    await ctx.waitForRunsWithin(hook.workflowId, load.byStatus[202] ?? 0, budgetSec * 1000);
    pgCpu = postgresCpuSince(own0, postgresCpuSnapshot(await benchBackendPids(ctx.pg, ctx.env.PGAPPNAME)));
  } finally {
    cpu = cpu0 === null ? null : worker.cpuSeconds() - cpu0;
    await worker.stop();
  }
  // Every delivery sent must have its committed run, found by its delivery id (the idempotency key).
  const keys = deliveries.slice(0, load.sent).map((d) => `hook:${hook.triggerId}:${d.deliveryId}`);
  const { rows } = await ctx.pg.query(
    `SELECT count(*)::int AS found, count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded
       FROM workflow_runs WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND idempotency_key = ANY($3::text[])`,
    [ctx.orgId, hook.workflowId, keys],
  );
  const accepted = load.byStatus[202] ?? 0;
  const lost = accepted - rows[0].found;
  return {
    ratePerSec,
    seconds,
    sent: load.sent,
    complete: load.sent === total && accepted === total && lost === 0,
    accepted,
    byStatus: load.byStatus,
    ...(load.firstError ? { firstError: load.firstError.slice(0, 300) } : {}),
    // Over the sending window: at the offered rate when the host keeps up, lower when it lags.
    acceptedPerSec: Math.round(accepted / (load.wallMs / 1000)),
    maxSendLagMs: Math.round(load.maxLagMs * 100) / 100,
    runsFound: rows[0].found,
    lost,
    succeeded: rows[0].succeeded,
    responseMs: summarize(load.latencies),
    controlPlaneCpuMsPerDelivery: cpuMsPer(cp, accepted),
    workerCpuMsPerRun: cpuMsPer(cpu, rows[0].found),
    postgresBackendsCpuMsPerRun: cpuMsPer(pgCpu, rows[0].found),
  };
}
