/**
 * Microsoft Entra access tokens for signing in to PostgreSQL and Redis as the managed identity.
 * A token is reused until `refreshMarginMs` before it expires (5 minutes: Azure's own SDKs
 * refresh then too, and a connection opened with it still has minutes to sign in); concurrent
 * callers share one request. The credential caches as well, but the margin here is what
 * guarantees a connection opened after expiry never signs in with an expired token.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { AccessTokenUnavailableError } from '../domain/errors';

/** The scope Azure Database for PostgreSQL accepts tokens for. */
export const POSTGRES_TOKEN_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';
/** The scope Azure Managed Redis and Azure Cache for Redis accept tokens for. */
export const REDIS_TOKEN_SCOPE = 'https://redis.azure.com/.default';

/** Refresh a token this long before it expires. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export interface AccessTokenSource {
  readonly scope: string;
  /** A token valid for at least the refresh margin, or the cached one while it is still valid and a refresh fails. */
  get(): Promise<AccessToken>;
  /** When the token last returned should be replaced (its expiry minus the margin), ms since the epoch; 0 before the first. */
  refreshAt(): number;
}

export interface AccessTokenSourceOptions {
  credential: TokenCredential;
  scope: string;
  /** Which dependency the token signs in to; names the error code (`database_token_unavailable`). */
  dependency: 'database' | 'queue';
  refreshMarginMs?: number;
  now?: () => number;
}

export function createAccessTokenSource(opts: AccessTokenSourceOptions): AccessTokenSource {
  const margin = opts.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const now = opts.now ?? Date.now;
  let cached: AccessToken | null = null;
  let inFlight: Promise<AccessToken> | null = null;

  const fetchToken = async (): Promise<AccessToken> => {
    let token: AccessToken | null;
    try {
      token = await opts.credential.getToken(opts.scope);
    } catch (err) {
      // A blip of the identity endpoint inside the margin: the token in hand still signs in.
      if (cached && cached.expiresOnTimestamp > now()) return cached;
      const reason = err instanceof Error ? err.message : String(err);
      throw new AccessTokenUnavailableError(
        opts.dependency,
        opts.scope,
        `Could not get a Microsoft Entra access token for the ${opts.dependency} (scope ${opts.scope}) from the managed identity: ${reason}`,
        { cause: err },
      );
    }
    if (!token?.token) {
      if (cached && cached.expiresOnTimestamp > now()) return cached;
      throw new AccessTokenUnavailableError(
        opts.dependency,
        opts.scope,
        `The managed identity returned no access token for the ${opts.dependency} (scope ${opts.scope}).`,
      );
    }
    cached = token;
    return token;
  };

  return {
    scope: opts.scope,
    get() {
      if (cached && now() < cached.expiresOnTimestamp - margin) return Promise.resolve(cached);
      inFlight ??= fetchToken().finally(() => (inFlight = null));
      return inFlight;
    },
    refreshAt: () => (cached ? cached.expiresOnTimestamp - margin : 0),
  };
}
