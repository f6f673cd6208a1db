/**
 * Tracing with the OpenTelemetry API. Spans go wherever the installed tracer provider sends them
 * (telemetry.ts installs one from the configuration; tests install an in-memory one). Until a
 * provider is installed every helper here is a plain function call: the worker's hot path pays
 * for a boolean check, not for no-op span objects and context switches.
 *
 * Trace context crosses the Redis queue as a W3C `traceparent` string on the run message, so one
 * trace spans the HTTP (or Service Bus) trigger, the worker that runs it, each task and each
 * adapter call.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const TRACER = 'demiton';
const propagator = new W3CTraceContextPropagator();
let active = false;
let contextManager: AsyncLocalStorageContextManager | null = null;

/** Installs a tracer provider (with an async-hooks context manager) and turns the helpers on. */
export function installTracerProvider(provider: TracerProvider): void {
  if (!contextManager) {
    contextManager = new AsyncLocalStorageContextManager();
    contextManager.enable();
    context.setGlobalContextManager(contextManager);
  }
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(propagator);
  active = true;
}

/** Turns tracing off again and forgets the global provider (tests; shutdown). */
export function uninstallTracerProvider(): void {
  active = false;
  trace.disable();
  propagation.disable();
  context.disable();
  contextManager = null;
}

/** True when spans are recorded somewhere. */
export function tracingActive(): boolean {
  return active;
}

function finish<T>(span: Span, p: Promise<T>): Promise<T> {
  return p.then(
    (v) => {
      span.end();
      return v;
    },
    (err: unknown) => {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      const code = (err as { code?: unknown })?.code;
      if (typeof code === 'string') span.setAttribute('demiton.error.code', code);
      span.end();
      throw err;
    },
  );
}

/** Runs `fn` inside a child span of the active one (or directly, when tracing is off). */
export function withSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  if (!active) return fn();
  return trace.getTracer(TRACER).startActiveSpan(name, { kind, attributes }, (span) => finish(span, Promise.resolve().then(fn)));
}

/**
 * Runs `fn` in a span whose parent is the remote context in `traceparent` (a queue message, an
 * HTTP header, the Functions host's invocation); a new trace when there is none.
 */
export function withTraceParent<T>(
  traceparent: string | undefined | null,
  name: string,
  fn: () => Promise<T>,
  attributes: Attributes = {},
  kind: SpanKind = SpanKind.CONSUMER,
): Promise<T> {
  if (!active) return fn();
  const parent = traceparent
    ? propagator.extract(context.active(), { traceparent }, { get: (c, k) => c[k as 'traceparent'], keys: (c) => Object.keys(c) })
    : context.active();
  return context.with(parent, () => withSpan(name, attributes, fn, kind));
}

/** The active span's context as a W3C traceparent, to carry across the queue; undefined when off. */
export function currentTraceParent(): string | undefined {
  if (!active) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(context.active(), carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier['traceparent'];
}

/** Trace and span id of the active span, for log lines; undefined when there is none. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  if (!active) return undefined;
  const s = trace.getActiveSpan()?.spanContext();
  return s && s.traceId !== '00000000000000000000000000000000' ? { traceId: s.traceId, spanId: s.spanId } : undefined;
}

export { SpanKind };
