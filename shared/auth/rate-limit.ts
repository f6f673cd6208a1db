/**
 * Sliding-window rate limits, per caller (user or API key) and per organisation. Each window is
 * a sorted set of request timestamps in Redis; one Lua script trims both sets, refuses if either
 * is full (counting nothing), else records the request in both. Time comes from Redis (`TIME`),
 * so instances with skewed clocks share one window. With the embedded queue (no Redis) the same
 * algorithm runs in memory, per process.
 *
 * If Redis cannot be reached the request is let through and a warning logged: these limits
 * protect against abuse, they do not decide who may do what, and reads from PostgreSQL should
 * not fail because Redis is down (triggers fail on the queue anyway).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { defineLuaCommand, readLuaScript } from '../redis/lua-scripts';
import type { Logger } from '../logger';
import { createRedisConnection, type RedisSignIn } from '../redis/redis-connection';
import { redisKeyRoot } from '../queue/redis-keys';
import type { Principal } from '../domain/principal';
import { RateLimitedError } from './errors';

export interface RateLimits {
  windowSeconds: number;
  perCaller: number;
  perOrg: number;
}

interface Bucket {
  key: string;
  limit: number;
  scope: 'caller' | 'org';
}

export interface RateLimiter {
  /** Counts one request of the principal; throws RateLimitedError when a window is full. */
  check(principal: Principal): Promise<void>;
  close(): Promise<void>;
}

// The limiter's Lua script (its header names KEYS and ARGV).
const SCRIPT = readLuaScript(join(__dirname, 'lua', 'rate-limit.lua'));

// `root` is the hash-tagged key root (queue/redis-keys.ts): the script's keys share one cluster slot.
function buckets(root: string, limits: RateLimits, p: Principal): Bucket[] {
  const out: Bucket[] = [];
  if (limits.perCaller > 0)
    out.push({ key: `${root}:rl:caller:${p.orgId}:${p.actor.type}:${p.actor.id}`, limit: limits.perCaller, scope: 'caller' });
  if (limits.perOrg > 0) out.push({ key: `${root}:rl:org:${p.orgId}`, limit: limits.perOrg, scope: 'org' });
  return out;
}

function refused(b: Bucket, limits: RateLimits, retryAfterMs: number): RateLimitedError {
  return new RateLimitedError(b.scope, b.limit, limits.windowSeconds, Math.max(1, Math.ceil(retryAfterMs / 1000)));
}

/** A limiter on Redis (shared by every instance). */
export function createRedisRateLimiter(opts: {
  url: string;
  signIn?: RedisSignIn;
  cluster?: boolean;
  prefix: string;
  limits: RateLimits;
  logger: Logger;
}): RateLimiter {
  const root = redisKeyRoot(opts.prefix);
  const redis = createRedisConnection(opts, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: (n) => Math.min(100 * n, 2_000),
  });
  redis.on('error', () => undefined); // reconnects on its own; check() logs the failures it sees
  const windowMs = opts.limits.windowSeconds * 1000;
  const limitScript = defineLuaCommand<[number, number]>(redis, 'demitonRateLimit', SCRIPT);
  // Connect on first use (a process with limits off never opens the connection), once.
  let connecting: Promise<void> | null = null;
  return {
    async check(p) {
      const bs = buckets(root, opts.limits, p);
      if (!bs.length) return;
      let result: [number, number];
      try {
        // Settled either way, the promise is dropped: after a failed first connect ioredis keeps
        // reconnecting on its own, and checks fail open until it is ready.
        if (redis.status === 'wait') connecting ??= redis.connect().finally(() => (connecting = null));
        if (connecting) await connecting;
        result = await limitScript(bs.length, ...bs.map((b) => b.key), windowMs, randomBytes(8).toString('hex'), ...bs.map((b) => b.limit));
      } catch (err) {
        opts.logger.warn({ err }, 'rate limiter unavailable (Redis); request let through');
        return;
      }
      const [hit, retryMs] = result;
      if (hit > 0) throw refused(bs[hit - 1]!, opts.limits, retryMs);
    },
    async close() {
      redis.disconnect();
    },
  };
}

/** The same algorithm in process memory (embedded mode, one process). */
export function createMemoryRateLimiter(opts: { limits: RateLimits; now?: () => number }): RateLimiter {
  const windows = new Map<string, number[]>();
  const now = opts.now ?? Date.now;
  const windowMs = opts.limits.windowSeconds * 1000;
  return {
    async check(p) {
      const t = now();
      const bs = buckets('mem', opts.limits, p);
      for (const b of bs) {
        const w = (windows.get(b.key) ?? []).filter((x) => x > t - windowMs);
        windows.set(b.key, w);
        if (w.length >= b.limit) throw refused(b, opts.limits, w[0]! + windowMs - t);
      }
      for (const b of bs) windows.get(b.key)!.push(t);
    },
    async close() {
      windows.clear();
    },
  };
}
