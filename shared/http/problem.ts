/**
 * The one place that maps errors to HTTP: RFC 9457 problem+json bodies with a stable `code`.
 * Unknown errors become a 500 whose body reveals nothing; the caller logs them.
 */
import {
  BodyTooLargeError,
  ConflictError,
  DemitonError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  MalformedBodyError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthenticatedError,
  ValidationError,
} from '../domain/errors';

export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: {
    type: string;
    title: string;
    status: number;
    code: string;
    detail?: string;
    instance?: string;
    errors?: ReadonlyArray<{ path: string; message: string }>;
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://demiton.dev/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Builds a problem response. */
export function problem(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<ProblemResponse['body']> = {},
  headers: Record<string, string> = {},
): ProblemResponse {
  return {
    status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...headers },
    body: { type: `${TYPE_BASE}${code}`, title: TITLES[status] ?? 'Error', status, code, ...(detail ? { detail } : {}), ...extra },
  };
}

function statusOf(err: DemitonError): number {
  if (err instanceof ValidationError)
    return ['invalid_cursor', 'invalid_query', 'invalid_path_parameter', 'invalid_time_range', 'invalid_filter'].includes(err.code)
      ? 400
      : 422;
  if (err instanceof MalformedBodyError) return 400;
  if (err instanceof BodyTooLargeError) return 413;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError || err instanceof IdempotencyKeyReusedError) return 409;
  if (err instanceof UnauthenticatedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof ServiceUnavailableError) return 503;
  const s = (err as { httpStatus?: unknown }).httpStatus;
  return typeof s === 'number' ? s : 500;
}

/** Maps anything thrown to a problem response; `isInternal` tells the caller to log it. */
export function toProblem(err: unknown, instance?: string): ProblemResponse & { isInternal: boolean } {
  if (err instanceof DemitonError) {
    const status = statusOf(err);
    const headers: Record<string, string> = {};
    if (err instanceof ServiceUnavailableError) headers['Retry-After'] = String(err.retryAfterSeconds);
    const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
    if (err instanceof UnauthenticatedError) headers['WWW-Authenticate'] = 'Bearer';
    const extra: Partial<ProblemResponse['body']> = instance ? { instance } : {};
    if (err instanceof ValidationError) extra.errors = err.issues;
    return {
      ...problem(status, err.code, err.message, extra, headers),
      isInternal: status >= 500 && !(err instanceof ServiceUnavailableError),
    };
  }
  return { ...problem(500, 'internal_error', 'An unexpected error occurred.', instance ? { instance } : {}), isInternal: true };
}
