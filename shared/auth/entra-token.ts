/**
 * Verifies Microsoft Entra ID v2.0 access tokens with `jose`.
 *
 * - The token's tenant (`tid`, read before verification only to choose the key set) must be one
 *   of the configured tenants; that tenant's metadata comes from
 *   `{authorityHost}/{tid}/v2.0/.well-known/openid-configuration` and pins both the issuer and
 *   the JWKS URL. Keys never come from the token (`jku`, `x5u`, `jwk`, `x5c` headers are refused).
 * - RS256 only: `none`, the HS family (and with it the "public key as HMAC secret" confusion)
 *   and every other algorithm are refused before any key is looked at.
 * - The JWKS is cached; a `kid` it does not hold makes jose fetch it again (at most once per
 *   cooldown), so key rotation works and unknown keys are still refused.
 * - `exp`/`nbf` with a small skew, `aud` equals this API, `iss` equals the tenant's issuer and
 *   `tid` that tenant; v2.0 access tokens only: ID tokens (a `nonce`, no `scp`/`roles`) are refused.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { EntraConfig } from '../config';
import { BoundedCache } from '../domain/bounded-cache';
import { CredentialRejectedError, IdentityUnavailableError } from './errors';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FETCH_TIMEOUT_MS = 5_000;
/** How long a tenant's OpenID metadata (issuer, key location) is used before it is read again. */
export const OPENID_METADATA_TTL_MS = 24 * 3_600_000;

/** What Demiton takes from a verified access token. */
export interface VerifiedToken {
  tenantId: string;
  /** The user's (or application's) object id: with the tenant id, the identity. */
  objectId: string;
  /** True for app-only (client credentials) tokens. */
  isApp: boolean;
  displayName: string | null;
  /** For display only (`preferred_username`); never used to identify. */
  username: string | null;
  /** Group object ids carried in the token (empty when `groupsOverage`). */
  groups: string[];
  /** The token says the user has more groups than fit in it (`_claim_names`): ask Microsoft Graph. */
  groupsOverage: boolean;
  appRoles: string[];
  scopes: string[];
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

interface TenantKeys {
  issuer: string;
  jwks: ReturnType<typeof createRemoteJWKSet>;
}

/** OpenID metadata of a tenant, as fetched from the authority. */
export interface OpenIdMetadata {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  authorization_endpoint?: string;
  [k: string]: unknown;
}

/** Fetches `{host}/{tenant}/v2.0/.well-known/openid-configuration`; IdentityUnavailableError when it cannot. */
export async function fetchOpenIdMetadata(authorityHost: string, tenantId: string): Promise<OpenIdMetadata> {
  const url = `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`;
  let body: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (err) {
    throw new IdentityUnavailableError('identity_provider', `The identity provider's metadata for tenant ${tenantId} could not be read.`, {
      cause: err,
    });
  }
  const m = body as Partial<OpenIdMetadata>;
  if (
    typeof m.issuer !== 'string' ||
    typeof m.jwks_uri !== 'string' ||
    typeof m.token_endpoint !== 'string' ||
    !m.jwks_uri.startsWith('https://')
  ) {
    throw new IdentityUnavailableError('identity_provider', `The identity provider's metadata for tenant ${tenantId} is incomplete.`);
  }
  // The tenant-specific document names the tenant in its issuer; anything else is not that tenant.
  if (!m.issuer.toLowerCase().includes(tenantId)) {
    throw new IdentityUnavailableError(
      'identity_provider',
      `The identity provider's metadata for tenant ${tenantId} names another issuer (${m.issuer}).`,
    );
  }
  return m as OpenIdMetadata;
}

function reject(reason: ConstructorParameters<typeof CredentialRejectedError>[0], message: string, cause?: unknown): never {
  throw new CredentialRejectedError(reason, message, cause ? { cause } : undefined);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Builds a verifier for the configured tenants; metadata and keys are fetched on first use and cached. */
export function createTokenVerifier(cfg: EntraConfig, metadata: (tenantId: string) => Promise<OpenIdMetadata>): TokenVerifier {
  const tenants = new Set(cfg.tenants.map((t) => t.toLowerCase()));
  // One entry per configured tenant, rebuilt daily with the metadata it comes from (jose refreshes the key set itself).
  const keysByTenant = new BoundedCache<string, Promise<TenantKeys>>(Math.max(1, tenants.size), OPENID_METADATA_TTL_MS);

  const keysFor = (tid: string): Promise<TenantKeys> => {
    let p = keysByTenant.get(tid);
    if (!p) {
      p = metadata(tid).then((m) => ({
        issuer: m.issuer,
        jwks: createRemoteJWKSet(new URL(m.jwks_uri), {
          cooldownDuration: cfg.jwksCooldownSeconds * 1000,
          cacheMaxAge: 10 * 60_000,
          timeoutDuration: FETCH_TIMEOUT_MS,
        }),
      }));
      // A failed fetch is not cached: the next request tries again.
      const fetched = p;
      fetched.catch(() => keysByTenant.get(tid) === fetched && keysByTenant.delete(tid));
      keysByTenant.set(tid, fetched);
    }
    return p;
  };

  return {
    async verify(token) {
      let header: ReturnType<typeof decodeProtectedHeader>;
      let unverified: JWTPayload;
      try {
        header = decodeProtectedHeader(token);
        unverified = decodeJwt(token);
      } catch (err) {
        reject('malformed_token', 'The bearer token is not a well-formed JWT.', err);
      }
      if (header.alg !== 'RS256') reject('algorithm_not_allowed', `Token algorithm '${String(header.alg)}' is not allowed; only RS256 is.`);
      for (const h of ['jku', 'x5u', 'jwk', 'x5c'] as const) {
        if (h in header)
          reject('forbidden_header', `Tokens carrying a '${h}' header are refused: keys come only from the tenant's published key set.`);
      }
      const tid = typeof unverified['tid'] === 'string' ? unverified['tid'].toLowerCase() : '';
      if (!GUID.test(tid)) reject('missing_claim', "The token has no valid 'tid' (tenant id) claim.");
      if (!tenants.has(tid)) reject('unknown_tenant', `Tokens from tenant ${tid} are not accepted here.`);

      const keys = await keysFor(tid);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys.jwks, {
          algorithms: ['RS256'],
          issuer: keys.issuer,
          audience: cfg.audience,
          clockTolerance: cfg.clockSkewSeconds,
          requiredClaims: ['exp', 'iss', 'aud', 'tid', 'oid'],
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) reject('expired', 'The token has expired.', err);
        if (err instanceof errors.JWTClaimValidationFailed) {
          if (err.claim === 'nbf') reject('not_yet_valid', 'The token is not valid yet.', err);
          if (err.claim === 'aud') reject('wrong_audience', `The token is not for this API (expected audience ${cfg.audience}).`, err);
          if (err.claim === 'iss') reject('wrong_issuer', `The token's issuer is not the issuer of tenant ${tid}.`, err);
          reject('missing_claim', `The token's '${err.claim}' claim is missing or invalid.`, err);
        }
        if (err instanceof errors.JWKSNoMatchingKey)
          reject('unknown_key', "The token's signing key is not in the tenant's published key set.", err);
        if (err instanceof errors.JWSSignatureVerificationFailed) reject('bad_signature', 'The token signature is invalid.', err);
        if (err instanceof errors.JOSEAlgNotAllowed) reject('algorithm_not_allowed', 'The token algorithm is not allowed.', err);
        if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err instanceof TypeError) {
          throw new IdentityUnavailableError('identity_provider', "The identity provider's key set could not be read.", { cause: err });
        }
        // jose reports a non-200 key-set response as a generic error: the provider, not the token.
        if (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC') {
          throw new IdentityUnavailableError('identity_provider', "The identity provider's key set could not be read.", { cause: err });
        }
        if (err instanceof errors.JOSEError) reject('malformed_token', `The token was refused: ${err.message}`, err);
        throw new IdentityUnavailableError('identity_provider', "The identity provider's key set could not be read.", { cause: err });
      }

      // Consistency and token type, after the signature is known good.
      if (String(payload['tid']).toLowerCase() !== tid) reject('wrong_issuer', "The token's tenant does not match its issuer.");
      if (payload['ver'] !== '2.0')
        reject(
          'not_an_access_token',
          "Only v2.0 access tokens are accepted (set accessTokenAcceptedVersion to 2 in the API's app registration).",
        );
      if ('nonce' in payload) reject('not_an_access_token', 'This is an ID token; call the API with an access token issued for it.');
      const scopes = typeof payload['scp'] === 'string' ? payload['scp'].split(' ').filter(Boolean) : [];
      const appRoles = strings(payload['roles']);
      if (!scopes.length && !appRoles.length)
        reject('not_an_access_token', "The token carries neither 'scp' nor 'roles', so it is not an access token for this API.");
      const oid = typeof payload['oid'] === 'string' ? payload['oid'].toLowerCase() : '';
      if (!GUID.test(oid)) reject('missing_claim', "The token has no valid 'oid' (object id) claim.");

      const claimNames = payload['_claim_names'] as Record<string, unknown> | undefined;
      const groupsOverage = !!(claimNames && typeof claimNames === 'object' && 'groups' in claimNames) || payload['hasgroups'] === true;
      return {
        tenantId: tid,
        objectId: oid,
        isApp: payload['idtyp'] === 'app' || (!scopes.length && appRoles.length > 0),
        displayName: typeof payload['name'] === 'string' ? payload['name'] : null,
        username: typeof payload['preferred_username'] === 'string' ? payload['preferred_username'] : null,
        groups: groupsOverage ? [] : strings(payload['groups']).map((g) => g.toLowerCase()),
        groupsOverage,
        appRoles,
        scopes,
      };
    },
  };
}
