/**
 * Structured JSON logs. One root logger per process; modules take child loggers with context ids
 * (`orgId`, `runId`, `taskKey`, `workerId`), and every line written inside a traced operation
 * carries `traceId` and `spanId`, so a log line finds its trace in Application Insights. With
 * telemetry on, every line is also exported as an OpenTelemetry log record (observability/logs.ts).
 */
import pino from 'pino';
import { bridgedDestination } from './observability/logs';
import { activeTraceIds } from './observability/tracing';

export type Logger = pino.Logger;

/** Keys whose values are never written, at the top level or one object down. */
const SECRET_KEYS = [
  'password',
  'secret',
  'secrets',
  'authorization',
  'apiKey',
  'api_key',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'clientSecret',
  'connectionString',
  'privateKey',
  'sharedAccessKey',
  'cookie',
  'x-functions-key',
];

/** The redaction paths: each key at the top level, one level down, and in logged request headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? [k, `*.${k}`] : [`["${k}"]`, `*["${k}"]`])),
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

// user:password@ in URLs (database and Redis URLs end up in driver error messages).
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]*):([^@/\s]+)@/gi;

/** Removes credentials embedded in URLs. */
export function scrubUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:[redacted]@');
}

/** Creates the process's root logger. Secrets are redacted wherever they appear under these keys. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { ...bindings },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // A fresh object per line: pino merges the line's fields into what the mixin returns.
    mixin: () => activeTraceIds() ?? {},
    serializers: {
      err: (err: unknown) => {
        const s = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
        if (typeof s['message'] === 'string') s['message'] = scrubUrlCredentials(s['message']);
        if (typeof s['stack'] === 'string') s['stack'] = scrubUrlCredentials(s['stack']);
        return s;
      },
    },
  };
  // Lines go to standard output (or `destination`) and, once telemetry installs a logger provider,
  // to OpenTelemetry as well (observability/logs.ts).
  return pino(options, bridgedDestination(destination ?? pino.destination(1)));
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const noop = () => undefined;

/**
 * A child logger made on first use: a call at a level the parent does not write costs nothing,
 * and so does a child nobody logs to. pino builds (and redacts) a child's bindings when it is
 * made, which took 8 % of a draining worker's CPU for one child per run.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | null = null;
  const bound = (target: Logger, prop: string | symbol) => {
    const v = Reflect.get(target, prop) as unknown;
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
  };
  return new Proxy(parent, {
    get(_t, prop) {
      if (!child) {
        if (typeof prop === 'string' && LEVELS.has(prop) && !parent.isLevelEnabled(prop)) return noop;
        if (prop === 'isLevelEnabled' || prop === 'level' || prop === 'levelVal') return bound(parent, prop);
        child = parent.child(bindings);
      }
      return bound(child, prop);
    },
  });
}
