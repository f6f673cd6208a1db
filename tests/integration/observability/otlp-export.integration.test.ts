/**
 * `startTelemetry` with TELEMETRY_EXPORTER=otlp sends spans, metrics and logs over OTLP/HTTP (JSON)
 * to the configured endpoint (a loopback collector here), and shutdown flushes them: for a real
 * run (HTTP trigger, Redis queue, worker, PostgreSQL), the collector receives the run's spans in
 * one trace with the caller's traceparent, and the pino lines written inside it as log records
 * linked to that trace.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { Worker } from '../../../shared/engine/worker';
import { createLogger } from '../../../shared/logger';
import { logBridgeActive } from '../../../shared/observability/logs';
import { recordAdapterCall } from '../../../shared/observability/metrics';
import { startTelemetry } from '../../../shared/observability/telemetry';
import { tracingActive, withSpan } from '../../../shared/observability/tracing';
import { api, createTestPlatform, startTestHost, waitFor } from '../../helpers/test-platform';

const requests: Array<{ path: string; contentType: string; bytes: number; body: Buffer }> = [];
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    requests.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), bytes: body.length, body });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let endpoint = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('OTLP export', () => {
  it('is off with no destination configured', async () => {
    const t = await startTelemetry(loadConfig({}), 'test');
    expect(t.exporter).toBe('none');
    expect(tracingActive()).toBe(false);
  });

  it('exports spans and metrics to OTEL_EXPORTER_OTLP_ENDPOINT and flushes on shutdown', async () => {
    const t = await startTelemetry(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), 'test');
    expect(t.exporter).toBe('otlp');
    expect(tracingActive()).toBe(true);
    await withSpan('exported work', { 'demiton.task': 't' }, async () => recordAdapterCall('platform', 'echo', 3, 'ok'));
    await t.shutdown();
    expect(tracingActive()).toBe(false);
    const traces = requests.filter((r) => r.path === '/v1/traces');
    const metrics = requests.filter((r) => r.path === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]!.bytes).toBeGreaterThan(0);
    expect(traces[0]!.contentType).toMatch(/protobuf|json/);
    expect(metrics.length).toBeGreaterThan(0);
  });
});

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: OtlpAttribute[];
}
interface OtlpLog {
  severityText?: string;
  body?: OtlpValue;
  traceId?: string;
  spanId?: string;
  attributes?: OtlpAttribute[];
}

/** OTLP/JSON ids are hex; a base64 id (protobuf-style JSON) is turned into hex too. */
const hex = (id: string | undefined) => (!id ? '' : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));
const attr = (a: OtlpAttribute[] | undefined, key: string) => {
  const v = a?.find((x) => x.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? String(v.intValue) : v?.boolValue);
};
const bodies = (path: string) =>
  requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>);

describe('a real run exported to a loopback OTLP collector', () => {
  it("receives the run and task spans in the caller's trace, and the run's log lines as log records in that trace", async () => {
    requests.length = 0;
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const telemetry = await startTelemetry(config, 'test');
    expect(logBridgeActive()).toBe(true);
    // Lines go nowhere locally; the bridge still exports them (it sits behind any destination).
    const platform = await createTestPlatform({ overrides: { logger: createLogger('debug', { service: 'test' }, { write: () => true }) } });
    const host = await startTestHost(platform);
    const worker = new Worker(platform, { concurrency: 2, pollMs: 100 });
    worker.start();
    const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
    let runId = '';
    try {
      const wf = await api(host.url, 'POST', '/api/workflows', {
        name: 'exported',
        tasks: [
          { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'hi' } },
          { key: 'fail', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'exported failure' } },
        ],
      });
      expect(wf.status, JSON.stringify(wf.body)).toBe(201);
      const r = await api(
        host.url,
        'POST',
        `/api/workflows/${wf.body.id}/runs`,
        { input: {} },
        { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` },
      );
      expect(r.status).toBe(202);
      runId = r.body.id as string;
      await waitFor(async () => ['SUCCEEDED', 'FAILED'].includes((await api(host.url, 'GET', `/api/runs/${runId}`)).body.status));
    } finally {
      await worker.stop();
      await host.close();
      await platform.close();
      // Flushes the batches to the collector.
      await telemetry.shutdown();
    }
    expect(logBridgeActive()).toBe(false);

    const spans = bodies('/v1/traces').flatMap((b) =>
      (b['resourceSpans'] as Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
    );
    const inTrace = spans.filter((s) => hex(s.traceId) === TRACE_ID);
    const run = inTrace.find((s) => s.name === 'run' && attr(s.attributes, 'demiton.run.id') === runId);
    expect(run, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    const greet = inTrace.find((s) => s.name === 'task greet');
    const fail = inTrace.find((s) => s.name === 'task fail');
    expect(hex(greet?.parentSpanId)).toBe(hex(run!.spanId));
    expect(hex(fail?.parentSpanId)).toBe(hex(run!.spanId));
    expect(attr(fail!.attributes, 'demiton.error.code')).toBe('platform_fail');
    expect(inTrace.some((s) => s.name === 'adapter platform.echo' && hex(s.parentSpanId) === hex(greet!.spanId))).toBe(true);

    const records = bodies('/v1/logs').flatMap((b) =>
      (b['resourceLogs'] as Array<{ scopeLogs: Array<{ logRecords: OtlpLog[] }> }>).flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) => sl.logRecords),
      ),
    );
    const runLines = records.filter((l) => attr(l.attributes, 'runId') === runId);
    expect(runLines.length, JSON.stringify(records.map((l) => l.body?.stringValue))).toBeGreaterThan(0);
    // Every line the run wrote is in its trace, under one of its spans.
    const runSpanIds = new Set(inTrace.map((s) => hex(s.spanId)));
    for (const l of runLines) {
      expect(hex(l.traceId)).toBe(TRACE_ID);
      expect(runSpanIds.has(hex(l.spanId))).toBe(true);
    }
    const failed = runLines.find((l) => l.body?.stringValue === 'task failed');
    expect(failed).toMatchObject({ severityText: 'INFO' });
    expect(attr(failed!.attributes, 'code')).toBe('platform_fail');
  }, 60_000);
});
