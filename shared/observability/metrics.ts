/**
 * Metrics: queue depth, claim latency, run duration, failures by code, adapter call latency and
 * rows deleted by the retention purge.
 * Instruments are created when a meter provider is installed (telemetry.ts or a test); before
 * that the record functions return at once, so the hot path costs one check.
 */
import { metrics, type Counter, type Histogram, type MeterProvider, type ObservableGauge } from '@opentelemetry/api';

interface Instruments {
  claimLatency: Histogram;
  runDuration: Histogram;
  runFailures: Counter;
  adapterLatency: Histogram;
  queueDepth: ObservableGauge;
  purgedRows: Counter;
}

/** Anything with a depth: the work queue. */
export interface DepthSource {
  depth(): Promise<number>;
}

let instruments: Instruments | null = null;
const depthSources = new Map<DepthSource, string>();

/** Installs a meter provider and creates the instruments on it. */
export function installMeterProvider(provider: MeterProvider): void {
  metrics.setGlobalMeterProvider(provider);
  const meter = provider.getMeter('demiton');
  const queueDepth = meter.createObservableGauge('demiton.queue.depth', {
    description: 'Run messages waiting in the work queue',
    unit: '{message}',
  });
  queueDepth.addCallback(async (result) => {
    await Promise.all(
      [...depthSources].map(async ([q, backend]) => {
        try {
          result.observe(await q.depth(), { 'demiton.queue.backend': backend });
        } catch {
          // Queue down: no observation this round (health reports the outage).
        }
      }),
    );
  });
  instruments = {
    claimLatency: meter.createHistogram('demiton.run.claim_latency', { description: 'Enqueue to claim by a worker', unit: 'ms' }),
    runDuration: meter.createHistogram('demiton.run.duration', { description: 'Claim to end of a run', unit: 'ms' }),
    runFailures: meter.createCounter('demiton.run.failures', { description: 'Runs that ended FAILED, by error code', unit: '{run}' }),
    adapterLatency: meter.createHistogram('demiton.adapter.call_duration', { description: 'Adapter operation calls', unit: 'ms' }),
    queueDepth,
    purgedRows: meter.createCounter('demiton.retention.purged_rows', {
      description: 'Rows the retention purge deleted, by table',
      unit: '{row}',
    }),
  };
}

/** Drops the instruments and the global provider (tests; shutdown). */
export function uninstallMeterProvider(): void {
  instruments = null;
  metrics.disable();
}

/** Reports `queue`'s depth with every metric collection until the returned function is called. */
export function observeQueueDepth(queue: DepthSource, backend: string): () => void {
  depthSources.set(queue, backend);
  return () => void depthSources.delete(queue);
}

/** Time from enqueue to claim. */
export function recordClaimLatency(enqueuedAt: number): void {
  instruments?.claimLatency.record(Math.max(0, Date.now() - enqueuedAt));
}

/** A run ended: its duration, and a failure by code when it failed. */
export function recordRunEnd(startedAt: number, status: string, errorCode: string | null | undefined): void {
  if (!instruments) return;
  instruments.runDuration.record(Date.now() - startedAt, { 'demiton.run.status': status });
  if (status === 'FAILED') instruments.runFailures.add(1, { 'demiton.error.code': errorCode ?? 'unknown' });
}

/** One adapter operation call. */
export function recordAdapterCall(systemType: string, operation: string, ms: number, outcome: 'ok' | 'error'): void {
  instruments?.adapterLatency.record(ms, { 'demiton.adapter': systemType, 'demiton.operation': operation, 'demiton.outcome': outcome });
}

/** Rows of `table` deleted by the retention purge. */
export function recordPurged(table: string, rows: number): void {
  if (rows > 0) instruments?.purgedRows.add(rows, { 'demiton.table': table });
}

/** True when metrics are recorded somewhere. */
export function metricsActive(): boolean {
  return instruments !== null;
}
