/**
 * The pino → OpenTelemetry log bridge. Every line the process's logger writes (already JSON,
 * already redacted) is also emitted as an OpenTelemetry log record, with its level as severity,
 * `msg` as body, the other fields as attributes, and the trace and span of the operation that
 * wrote it, so Application Insights (or an OTLP collector) receives logs through the same
 * pipeline as the traces and metrics, linked to them. telemetry.ts installs the logger provider;
 * until then, and when telemetry is off, a line costs one boolean check here.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import type { Logger as OtelLogger, LoggerProvider, LogRecord, SeverityNumber } from '@opentelemetry/api-logs';

let otelLogger: OtelLogger | null = null;

/** Routes log lines to `provider` from now on. */
export function installLoggerProvider(provider: LoggerProvider): void {
  otelLogger = provider.getLogger('demiton');
}

/** Stops emitting log records (shutdown; tests). */
export function uninstallLoggerProvider(): void {
  otelLogger = null;
}

/** True when log lines are exported as OpenTelemetry log records. */
export function logBridgeActive(): boolean {
  return otelLogger !== null;
}

// pino's numeric levels → OpenTelemetry severity numbers (TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21).
const SEVERITY: Record<number, { n: SeverityNumber; text: string }> = {
  10: { n: 1, text: 'TRACE' },
  20: { n: 5, text: 'DEBUG' },
  30: { n: 9, text: 'INFO' },
  40: { n: 13, text: 'WARN' },
  50: { n: 17, text: 'ERROR' },
  60: { n: 21, text: 'FATAL' },
};

type AttributeValue = string | number | boolean;

/** A log line's fields as flat attributes: nested objects (an `err`) are kept as JSON text. */
function attributesOf(line: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(line)) {
    if (k === 'msg' || k === 'level' || k === 'time' || k === 'traceId' || k === 'spanId' || v === undefined || v === null) continue;
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}

/** Emits one pino JSON line as a log record (no-op while no provider is installed). */
export function emitLogLine(line: string): void {
  if (!otelLogger) return;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const severity = SEVERITY[Number(parsed['level'])] ?? SEVERITY[30]!;
  const record: LogRecord = {
    severityNumber: severity.n,
    severityText: severity.text,
    body: typeof parsed['msg'] === 'string' ? parsed['msg'] : '',
    attributes: attributesOf(parsed),
    ...(typeof parsed['time'] === 'number' ? { timestamp: parsed['time'] } : {}),
  };
  // The line was written inside the operation's context (pino writes synchronously), so the active
  // span is the one whose ids the line carries; a line with ids but no active span (written from
  // a callback that lost the context) still links to them.
  const traceId = parsed['traceId'];
  const spanId = parsed['spanId'];
  if (!trace.getActiveSpan() && typeof traceId === 'string' && typeof spanId === 'string')
    record.context = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  otelLogger.emit(record);
}

/** A pino destination that writes each line to `inner` and emits it as a log record. */
export function bridgedDestination(inner: { write(s: string): unknown }): { write(s: string): boolean } {
  return {
    write(s: string) {
      inner.write(s);
      emitLogLine(s);
      return true;
    },
  };
}
