/** Structured JSON logs. One root logger per process; modules take child loggers with context ids. */
import pino from 'pino';

export type Logger = pino.Logger;

/** Creates the process's root logger. Secrets are redacted wherever they appear under these keys. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { ...bindings },
    redact: {
      paths: ['password', '*.password', 'secret', '*.secret', 'secrets', '*.secrets', 'authorization', '*.authorization', 'apiKey', '*.apiKey'],
      censor: '[redacted]',
    },
  });
}
