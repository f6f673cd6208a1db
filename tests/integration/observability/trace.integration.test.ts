/**
 * One trace from the HTTP trigger, through the Redis queue message, to the worker's run, each
 * task and each adapter call (in-memory span exporter, real PostgreSQL and Redis); the metrics
 * the issue names are recorded; log lines written inside the run carry its trace id.
 */
import { Writable } from 'node:stream';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { createLogger } from '../../../shared/logger';
import { installMeterProvider, uninstallMeterProvider } from '../../../shared/observability/metrics';
import { installTracerProvider, uninstallTracerProvider } from '../../../shared/observability/tracing';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';

/** Collects on demand (no timer): `collect()` returns what the instruments hold. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const spans = new InMemorySpanExporter();
const reader = new OnDemandReader();
const logLines: Array<Record<string, unknown>> = [];
let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;

beforeAll(async () => {
  installTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  installMeterProvider(new MeterProvider({ readers: [reader] }));
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      cb();
    },
  });
  platform = await createTestPlatform({ overrides: { logger: createLogger('debug', { service: 'test' }, sink) } });
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 4, pollMs: 100 });
  worker.start();
});

afterAll(async () => {
  await host?.close();
  await worker?.stop();
  await platform?.close();
  uninstallTracerProvider();
  uninstallMeterProvider();
});

const finished = (id: string) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED'].includes(r.body.status) ? r.body : null;
  });

const byName = (all: ReadableSpan[], name: string) => all.filter((s) => s.name === name);
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

async function metric(name: string): Promise<ResourceMetrics['scopeMetrics'][number]['metrics'][number] | undefined> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
}

describe('tracing and metrics across trigger → queue → worker → adapter', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const CALLER_SPAN = '00f067aa0ba902b7';
  let runId: string;

  it('one trace id spans the HTTP trigger, the run, each task and each adapter call', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'traced',
      tasks: [
        { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Hello {{ input.name }}' } },
        {
          key: 'shout',
          type: 'atomic',
          connector: 'platform',
          operation: 'transform',
          input: { expression: '$uppercase(steps.greet.message)' },
        },
      ],
    });
    expect(wf.status).toBe(201);
    spans.reset();
    const trig = await api(
      host.url,
      'POST',
      `/api/workflows/${wf.body.id}/runs`,
      { input: { name: 'Ada' } },
      { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    );
    expect(trig.status).toBe(202);
    runId = trig.body.id;
    expect((await finished(runId)).status).toBe('SUCCEEDED');

    const all = await waitFor(async () => {
      const s = spans.getFinishedSpans();
      return s.some((x) => x.name === 'run') ? s : null;
    });
    const trace = all.filter((s) => s.spanContext().traceId === TRACE_ID);
    const [http] = byName(trace, 'POST /api/workflows/{id}/runs');
    const [run] = byName(trace, 'run');
    const [greet] = byName(trace, 'task greet');
    const [shout] = byName(trace, 'task shout');
    const [echo] = byName(trace, 'adapter platform.echo');
    const [transform] = byName(trace, 'adapter platform.transform');
    for (const s of [http, run, greet, shout, echo, transform]) expect(s, 'span missing from the trace').toBeDefined();
    // The chain: caller → HTTP trigger → (queue message) → run → task → adapter call.
    expect(parentOf(http!)).toBe(CALLER_SPAN);
    expect(parentOf(run!)).toBe(http!.spanContext().spanId);
    expect(parentOf(greet!)).toBe(run!.spanContext().spanId);
    expect(parentOf(shout!)).toBe(run!.spanContext().spanId);
    expect(parentOf(echo!)).toBe(greet!.spanContext().spanId);
    expect(parentOf(transform!)).toBe(shout!.spanContext().spanId);
    expect(run!.attributes['demiton.run.id']).toBe(runId);
    expect(echo!.attributes['demiton.adapter']).toBe('platform');
  });

  it('log lines written inside the run carry its trace id with the run id', () => {
    const inRun = logLines.filter((l) => l['runId'] === runId && l['traceId'] === TRACE_ID);
    expect(inRun.length).toBeGreaterThan(0);
    expect(inRun[0]!['spanId']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a failing task marks its spans as errors and counts the failure by code', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'fails',
      tasks: [{ key: 'boom', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'no' } }],
    });
    expect(wf.status).toBe(201);
    const trig = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    expect((await finished(trig.body.id)).status).toBe('FAILED');
    const failed = await waitFor(async () => spans.getFinishedSpans().find((s) => s.name === 'adapter platform.fail') ?? null);
    expect(failed.status.code).toBe(2); // SpanStatusCode.ERROR
    const failures = await metric('demiton.run.failures');
    const points = failures!.dataPoints as Array<{ attributes: Record<string, unknown>; value: number }>;
    expect(points.find((p) => p.attributes['demiton.error.code'] === 'platform_fail')?.value).toBeGreaterThanOrEqual(1);
  });

  it('records claim latency, run duration, adapter latency and queue depth', async () => {
    for (const name of ['demiton.run.claim_latency', 'demiton.run.duration', 'demiton.adapter.call_duration']) {
      const m = await metric(name);
      expect(m, name).toBeDefined();
      const count = (m!.dataPoints as Array<{ value: Histogram }>).reduce((n, p) => n + p.value.count, 0);
      expect(count, name).toBeGreaterThan(0);
    }
    const adapter = await metric('demiton.adapter.call_duration');
    expect(adapter!.dataPoints.map((p) => p.attributes['demiton.operation'])).toEqual(expect.arrayContaining(['echo', 'transform']));
    const depth = await metric('demiton.queue.depth');
    expect(depth!.dataPoints.find((p) => p.attributes['demiton.queue.backend'] === 'redis')?.value).toBe(0);
  });
});
