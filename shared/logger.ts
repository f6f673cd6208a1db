/**
 * Structured JSON logs. One root logger per process; modules take child loggers with context ids
 * (`orgId`, `runId`, `taskKey`, `workerId`), and every line written inside a traced operation
 * carries `traceId` and `spanId`, so a log line finds its trace in Application Insights.
 */
import pino from 'pino';
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
  return destination ? pino(options, destination) : pino(options);
}
