/**
 * Errors of the AI studio. Each carries its HTTP status as `httpStatus` (read by
 * shared/http/problem.ts) so the one error-mapping module needs no entry per class.
 */
import { DemitonError, demitonCause } from '../domain/errors';

/** Too many answers are streaming at once for this user or organisation. */
export class StreamLimitError extends DemitonError {
  readonly code = 'too_many_streams';
  readonly httpStatus = 429;
  override readonly retryable = true;
  constructor(
    readonly scope: 'user' | 'organisation',
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`At most ${limit} answers may stream at once per ${scope}; wait for one to finish and try again.`);
  }
}

/** The uploaded file's type has no text extractor. */
export class UnsupportedDocumentTypeError extends DemitonError {
  readonly code = 'unsupported_document_type';
  readonly httpStatus = 415;
  constructor(
    readonly contentType: string,
    readonly fileName: string,
  ) {
    super(`Cannot read '${fileName}' (${contentType}); upload plain text, Markdown, HTML or PDF.`);
  }
}

/** The file claims a supported type but its text cannot be extracted (corrupt, encrypted, or empty). */
export class DocumentUnreadableError extends DemitonError {
  readonly code = 'document_unreadable';
  readonly httpStatus = 422;
  constructor(
    readonly fileName: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot extract text from '${fileName}': ${reason}`, options);
  }
}

/** The uploaded file is larger than DOCUMENT_MAX_BYTES. */
export class DocumentTooLargeError extends DemitonError {
  readonly code = 'document_too_large';
  readonly httpStatus = 413;
  constructor(readonly limitBytes: number) {
    super(`Documents may be at most ${limitBytes} bytes.`);
  }
}

/** The organisation's stored model API key cannot be decrypted (the key-encryption key changed, or the row was tampered with). */
export class ModelProviderKeyError extends DemitonError {
  readonly code = 'model_provider_key_undecryptable';
  readonly httpStatus = 500;
  constructor(
    readonly orgId: string,
    options?: { cause?: unknown },
  ) {
    super("The organisation's model API key cannot be decrypted; an admin must enter it again in HQ → Model provider.", options);
  }
}

/**
 * A model or AI service call failed. `rate_limited` and unavailable upstreams are retryable;
 * a rejected request (bad key, unknown deployment) is not.
 */
export class AiServiceError extends DemitonError {
  override readonly retryable: boolean;
  readonly httpStatus: number;
  constructor(
    readonly code:
      'model_rate_limited' | 'model_unavailable' | 'model_rejected' | 'embedding_failed' | 'search_unavailable' | 'storage_unavailable',
    readonly service: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean; upstreamStatus?: number },
  ) {
    super(message, options);
    this.retryable = options?.retryable ?? code !== 'model_rejected';
    this.upstreamStatus = options?.upstreamStatus;
    this.httpStatus = code === 'model_rate_limited' ? 429 : code === 'model_rejected' ? 502 : 503;
  }
  readonly upstreamStatus: number | undefined;
  /** Seconds to wait before retrying (for 429s). */
  readonly retryAfterSeconds = 5;
}

/** Turns an SDK error (openai / @anthropic-ai/sdk / Azure REST) into an `AiServiceError`. */
export function toAiServiceError(
  err: unknown,
  service: string,
  code: 'model' | 'embedding' | 'search' | 'storage' = 'model',
): AiServiceError | Error {
  if (err instanceof DemitonError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  // The SDKs wrap transport errors (APIConnectionError); a refusal by the outbound policy keeps its own code.
  const own = demitonCause(err);
  if (own) return own;
  const status = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  const s = typeof status === 'number' ? status : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'embedding')
    return new AiServiceError('embedding_failed', service, `The embedding service failed: ${detail}`, {
      cause: err,
      upstreamStatus: s,
      retryable: s === undefined || s === 429 || s >= 500,
    });
  if (code === 'search')
    return new AiServiceError('search_unavailable', service, `The search service failed: ${detail}`, { cause: err, upstreamStatus: s });
  if (code === 'storage')
    return new AiServiceError('storage_unavailable', service, `Storage failed: ${detail}`, { cause: err, upstreamStatus: s });
  if (s === 429)
    return new AiServiceError('model_rate_limited', service, `The model service is rate-limiting requests: ${detail}`, {
      cause: err,
      upstreamStatus: s,
    });
  if (s !== undefined && s < 500)
    return new AiServiceError('model_rejected', service, `The model service rejected the request: ${detail}`, {
      cause: err,
      upstreamStatus: s,
    });
  return new AiServiceError('model_unavailable', service, `The model service is unavailable: ${detail}`, { cause: err, upstreamStatus: s });
}
