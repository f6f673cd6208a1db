/**
 * Errors of authentication and abuse limits. Each carries its HTTP status as `httpStatus`, which
 * shared/http/problem.ts maps; token rejections are `UnauthenticatedError`s (401 with
 * `WWW-Authenticate: Bearer`) whose `reason` names the failed check.
 */
import { DemitonError, UnauthenticatedError } from '../domain/errors';

/** Why a bearer token or API key was refused (stable; tests and logs match on it). */
export type RejectReason =
  | 'missing_credentials'
  | 'ambiguous_credentials'
  | 'malformed_token'
  | 'algorithm_not_allowed'
  | 'forbidden_header'
  | 'unknown_tenant'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'not_an_access_token'
  | 'missing_claim'
  | 'invalid_api_key'
  | 'revoked_api_key'
  | 'expired_api_key';

/** A credential was presented and refused, or none was presented where one is required. */
export class CredentialRejectedError extends UnauthenticatedError {
  constructor(
    readonly reason: RejectReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Signed in, but neither groups, app roles nor a direct grant give a role in the organisation. */
export class NoRoleError extends DemitonError {
  readonly code = 'no_role';
  readonly httpStatus = 403;
  constructor(readonly orgId: string) {
    super('You are signed in but have no role in this organisation; ask an administrator to map one of your groups to a role.');
  }
}

/** The token's tenant is configured but no organisation is mapped to it. */
export class TenantNotOnboardedError extends DemitonError {
  readonly code = 'tenant_not_onboarded';
  readonly httpStatus = 403;
  constructor(readonly tenantId: string) {
    super(`Tenant '${tenantId}' is not mapped to an organisation.`);
  }
}

/**
 * The identity provider or Microsoft Graph could not be reached or answered wrongly, so the
 * caller's identity or groups cannot be established. Fails closed: the request is refused.
 */
export class IdentityUnavailableError extends DemitonError {
  readonly code: string;
  readonly httpStatus = 503;
  override readonly retryable = true;
  readonly retryAfterSeconds = 5;
  constructor(
    readonly dependency: 'identity_provider' | 'graph',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = `${dependency}_unavailable`;
  }
}

/** Too many requests in the window; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends DemitonError {
  readonly code = 'rate_limited';
  readonly httpStatus = 429;
  override readonly retryable = true;
  constructor(
    readonly scope: 'caller' | 'org',
    readonly limit: number,
    readonly windowSeconds: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Rate limit exceeded: at most ${limit} requests per ${windowSeconds} s per ${scope === 'org' ? 'organisation' : 'caller'}; retry in ${retryAfterSeconds} s.`,
    );
  }
}

/** An API key limited to some workflows was used on another workflow or on a route that is not per workflow. */
export class WorkflowScopeError extends DemitonError {
  readonly code = 'outside_key_scope';
  readonly httpStatus = 403;
  constructor(message: string) {
    super(message);
  }
}

/** The organisation turned off access grants (API keys, role mappings, member roles) by API keys. */
export class KeyGrantsDisabledError extends DemitonError {
  readonly code = 'api_key_grants_disabled';
  readonly httpStatus = 403;
  constructor() {
    super('This organisation does not let API keys create API keys, role mappings or member roles (/hq settings: apiKeysMayGrantAccess).');
  }
}
