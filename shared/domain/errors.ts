/**
 * Typed errors with stable codes. Every error the platform raises on purpose is a
 * `DemitonError`: `code` is stable (clients and tests match on it), `retryable` says whether
 * trying the same thing again may succeed, and the values the error is about are readonly
 * fields. `shared/http/problem.ts` is the one place that maps codes to HTTP responses.
 */

/** One problem with one field of an input, addressed by a JSON path such as `tasks[2].key`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export abstract class DemitonError extends Error {
  abstract readonly code: string;
  /** True when the same operation may succeed if tried again later. */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The first `DemitonError` in an error's `cause` chain (itself included), or null: a typed error wrapped by a library keeps its code. */
export function demitonCause(err: unknown): DemitonError | null {
  let e: unknown = err;
  for (let i = 0; i < 8 && e; i++) {
    if (e instanceof DemitonError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** Input failed validation; `issues` names each failing path. */
export class ValidationError extends DemitonError {
  readonly code: string;
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[],
    code = 'validation_failed',
  ) {
    super(message);
    this.code = code;
  }
}

/** The request body is not parseable JSON. */
export class MalformedBodyError extends DemitonError {
  readonly code = 'malformed_json';
}

/** The request body is larger than the configured limit. */
export class BodyTooLargeError extends DemitonError {
  readonly code = 'body_too_large';
  constructor(readonly limitBytes: number) {
    super(`Request body is larger than ${limitBytes} bytes.`);
  }
}

/** A JSON route was sent another media type (a form or text/plain: what a cross-site page can send without asking). */
export class UnsupportedMediaTypeError extends DemitonError {
  readonly code = 'unsupported_media_type';
  readonly httpStatus = 415;
  constructor(readonly contentType: string | null) {
    super(
      contentType
        ? `Expected Content-Type application/json, got '${contentType}'.`
        : 'Expected Content-Type application/json; the request has none.',
    );
  }
}

/** Development mode answers only requests addressed to a loopback name (a DNS-rebound page sends its own). */
export class NotLoopbackError extends DemitonError {
  readonly code = 'host_not_loopback';
  readonly httpStatus = 421;
  constructor(readonly hostname: string) {
    super(`Development mode answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]), not '${hostname}'.`);
  }
}

/** A resource does not exist in the caller's organisation. */
export class NotFoundError extends DemitonError {
  readonly code: string;
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} '${id}' was not found.`);
    this.code = `${resource.replace(/[^a-z]+/gi, '_').toLowerCase()}_not_found`;
  }
}

/** A resource with the same unique name already exists. */
export class ConflictError extends DemitonError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The same Idempotency-Key was reused for a different request. */
export class IdempotencyKeyReusedError extends DemitonError {
  readonly code = 'idempotency_key_reused';
  constructor(readonly key: string) {
    super(`Idempotency-Key '${key}' was already used for a run with a different input.`);
  }
}

/** A dependency (database, queue) is unavailable; the caller should try again later. */
export class ServiceUnavailableError extends DemitonError {
  readonly code: string;
  override readonly retryable = true;
  constructor(
    readonly dependency: 'database' | 'queue',
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.code = `${dependency}_unavailable`;
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
  readonly retryAfterSeconds: number;
}

/**
 * No Microsoft Entra access token could be had for signing in to a dependency (the managed
 * identity endpoint is down, refuses, or the identity is not assigned). Code
 * `database_token_unavailable` or `queue_token_unavailable`; 503 like any unavailable dependency.
 */
export class AccessTokenUnavailableError extends ServiceUnavailableError {
  override readonly code: string;
  constructor(
    dependency: 'database' | 'queue',
    readonly scope: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(dependency, message, options);
    this.code = `${dependency}_token_unavailable`;
  }
}

/**
 * The dependency refused the credential it was given: a wrong password or access key, or an Entra
 * token for an identity it does not know. Code `database_credential_rejected` or
 * `queue_credential_rejected`; retryable (a role or access policy being created takes effect later).
 */
export class DependencyCredentialRejectedError extends ServiceUnavailableError {
  override readonly code: string;
  constructor(
    dependency: 'database' | 'queue',
    readonly user: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(dependency, message, options);
    this.code = `${dependency}_credential_rejected`;
  }
}

/** The caller is not authenticated. */
export class UnauthenticatedError extends DemitonError {
  readonly code = 'unauthenticated';
}

/** The caller is authenticated but lacks the role a route needs. */
export class ForbiddenError extends DemitonError {
  readonly code = 'forbidden';
  constructor(
    readonly requiredRole: string,
    message = `This action needs the '${requiredRole}' role.`,
  ) {
    super(message);
  }
}

/** The database schema was written by a newer Demiton than this one. */
export class SchemaTooNewError extends DemitonError {
  readonly code = 'schema_too_new';
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `The database schema is at migration ${databaseVersion}, but this build only knows migrations up to ${codeVersion}. ` +
        'Upgrade Demiton before starting it against this database.',
    );
  }
}

/** Configuration is missing or invalid; `issues` names each environment variable. */
export class ConfigError extends DemitonError {
  readonly code = 'config_invalid';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/**
 * A task failed. `retryable` follows the cause: an adapter marks errors it knows will fail again
 * (bad input, the platform `fail` operation) as non-retryable.
 */
export class TaskFailedError extends DemitonError {
  override readonly retryable: boolean;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options);
    this.retryable = options?.retryable ?? true;
  }
}

/** An input-mapping expression could not be parsed or evaluated. */
export class ExpressionError extends DemitonError {
  readonly code = 'expression_failed';
  constructor(
    readonly taskKey: string,
    readonly expression: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Task '${taskKey}': expression '${expression}' failed: ${reason}`, options);
  }
}

/**
 * An expression ran past its bounds (time, nesting, sequence or string size; see
 * `EXPRESSION_LIMITS` in expressions.ts). Not retryable: the same definition on the same data
 * overruns again.
 */
export class ExpressionLimitError extends DemitonError {
  readonly code = 'expression_limit';
  constructor(
    readonly taskKey: string,
    readonly expression: string,
    readonly limit: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Task '${taskKey}': expression '${expression.length > 200 ? `${expression.slice(0, 200)}…` : expression}' exceeded a limit: ${limit}`,
      options,
    );
  }
}

/** The serialisable shape of an error stored on a run, task or chunk. */
export interface StoredError {
  code: string;
  message: string;
  retryable: boolean;
  taskKey?: string;
}

/** Turns anything thrown into the shape stored in the database. */
export function toStoredError(err: unknown, taskKey?: string): StoredError {
  if (err instanceof DemitonError) {
    return { code: err.code, message: err.message, retryable: err.retryable, ...(taskKey ? { taskKey } : {}) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal_error', message, retryable: true, ...(taskKey ? { taskKey } : {}) };
}
