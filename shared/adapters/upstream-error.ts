/**
 * Errors an adapter raises about the system it talks to. The server's own message is kept (the
 * connection test shows it); whether a retry may help follows the failure (HTTP 429/5xx, network
 * resets yes; 4xx, authentication, bad SQL no).
 */
import { DemitonError } from '../domain/errors';

/** An external system answered with an error, or could not be reached. */
export class UpstreamError extends DemitonError {
  override readonly retryable: boolean;
  constructor(
    readonly code: string,
    readonly systemType: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean; status?: number },
  ) {
    super(message, options);
    this.retryable = options?.retryable ?? false;
    this.status = options?.status;
  }
  /** The HTTP status the server gave, when it spoke HTTP. */
  readonly status: number | undefined;
}

// Socket-level failures a later attempt may not meet.
const TRANSIENT = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ESOCKET',
  'ECONNECTION',
]);

/** Wraps a client library's error as an `UpstreamError`, keeping its message and cause. */
export function upstream(systemType: string, err: unknown, what: string): DemitonError {
  if (err instanceof DemitonError) return err;
  const e = err as { code?: unknown; message?: unknown; errno?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  return new UpstreamError(`${systemType.replace(/[^a-z0-9]+/gi, '_')}_error`, systemType, `${what}: ${message}`, {
    cause: err,
    retryable: code !== undefined && TRANSIENT.has(code),
  });
}
