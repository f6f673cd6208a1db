/**
 * The identity services of one process: the Entra token verifier and Graph group resolver (when
 * ENTRA_TENANT_ID is set) and the rate limiter. Built once by the composition root; tenant
 * metadata is fetched lazily, once per tenant, and shared by the verifier and the resolver.
 */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { BoundedCache } from '../domain/bounded-cache';
import { createTokenVerifier, fetchOpenIdMetadata, OPENID_METADATA_TTL_MS, type OpenIdMetadata, type TokenVerifier } from './entra-token';
import { createGraphGroupResolver, type GroupResolver } from './graph-groups';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limit';
import { redisTargetFor } from '../redis/redis-connection';

export interface Identity {
  /** Null in development mode. */
  tokens: TokenVerifier | null;
  /** Null in development mode. */
  groups: GroupResolver | null;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

/** Builds the identity services for a configuration. */
export function createIdentity(config: Config, logger: Logger): Identity {
  const rateLimiter =
    config.queue.kind === 'redis'
      ? createRedisRateLimiter({ ...redisTargetFor(config.queue), prefix: config.queue.prefix, limits: config.rateLimit, logger })
      : createMemoryRateLimiter({ limits: config.rateLimit });
  const entra = config.entra;
  let tokens: TokenVerifier | null = null;
  let groups: GroupResolver | null = null;
  if (entra) {
    // One entry per configured tenant, read again daily (a tenant's issuer or key location can move).
    const metadataCache = new BoundedCache<string, Promise<OpenIdMetadata>>(Math.max(1, entra.tenants.length), OPENID_METADATA_TTL_MS);
    const metadata = (tenantId: string): Promise<OpenIdMetadata> => {
      let m = metadataCache.get(tenantId);
      if (!m) {
        const fetched = fetchOpenIdMetadata(entra.authorityHost, tenantId);
        // A failed fetch is not kept: the next request tries again.
        fetched.catch(() => metadataCache.get(tenantId) === fetched && metadataCache.delete(tenantId));
        metadataCache.set(tenantId, (m = fetched));
      }
      return m;
    };
    tokens = createTokenVerifier(entra, metadata);
    groups = createGraphGroupResolver(entra, metadata, logger);
  }
  return {
    tokens,
    groups,
    rateLimiter,
    close: () => rateLimiter.close(),
  };
}
