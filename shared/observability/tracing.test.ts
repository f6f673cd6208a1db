import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../queue/work-queue';
import { currentTraceParent, installTracerProvider, tracingActive, uninstallTracerProvider, withSpan, withTraceParent } from './tracing';

afterEach(() => uninstallTracerProvider());

describe('tracing helpers', () => {
  it('are plain calls while no provider is installed', async () => {
    expect(tracingActive()).toBe(false);
    expect(await withSpan('x', {}, async () => 42)).toBe(42);
    expect(currentTraceParent()).toBeUndefined();
  });

  it('carry a traceparent from one span to a remote child and record errors', async () => {
    const spans = new InMemorySpanExporter();
    installTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    const carried = await withSpan('producer', {}, async () => currentTraceParent());
    expect(carried).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await expect(
      withTraceParent(carried, 'consumer', async () => Promise.reject(Object.assign(new Error('no'), { code: 'nope' }))),
    ).rejects.toThrow('no');
    const [producer, consumer] = spans.getFinishedSpans();
    expect(consumer!.spanContext().traceId).toBe(producer!.spanContext().traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
    expect(consumer!.status.code).toBe(2);
    expect(consumer!.attributes['demiton.error.code']).toBe('nope');
  });
});

describe('run message trace context', () => {
  const base = { runId: 'r', orgId: 'o', enqueuedAt: 1 };
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('keeps the old encoding when there is no traceparent', () => {
    expect(encodeMessage(base)).toBe('{"runId":"r","orgId":"o","enqueuedAt":1}');
    expect(decodeMessage('{"runId":"r","orgId":"o","enqueuedAt":1}')).toEqual(base);
  });

  it('round-trips a traceparent and drops a malformed one', () => {
    expect(decodeMessage(encodeMessage({ ...base, traceparent: tp }))).toEqual({ ...base, traceparent: tp });
    expect(decodeMessage(JSON.stringify({ ...base, traceparent: 'not-a-trace' }))).toEqual(base);
  });
});
