/**
 * `startTelemetry` with TELEMETRY_EXPORTER=otlp sends spans and metrics over OTLP/HTTP to the
 * configured endpoint (a loopback HTTP receiver here), and shutdown flushes them.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { recordAdapterCall } from '../../../shared/observability/metrics';
import { startTelemetry } from '../../../shared/observability/telemetry';
import { tracingActive, withSpan } from '../../../shared/observability/tracing';

const requests: Array<{ path: string; contentType: string; bytes: number }> = [];
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), bytes: Buffer.concat(chunks).length });
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
