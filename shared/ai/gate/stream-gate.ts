/**
 * The streaming gate: at most N answers streaming at once per user and per organisation. A slot is
 * a lease with an expiry, renewed while the answer streams; a process that dies mid-stream stops
 * renewing, so its slots free themselves after the lease time instead of leaking forever.
 *
 * Redis backend: two sorted sets (user, organisation) of lease ids scored by expiry in ms,
 * checked and taken atomically by one Lua script using the Redis clock (so processes with skewed
 * clocks agree). An in-process backend with the same rules serves the embedded (no Redis) mode.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../redis/redis-connection';
import { redisKeyRoot } from '../../queue/redis-keys';
import { StreamLimitError } from '../ai-errors';

export interface GateLimits {
  perUser: number;
  perOrg: number;
  leaseSeconds: number;
}

/** A held slot. `release` is idempotent. */
export interface StreamLease {
  readonly id: string;
  release(): Promise<void>;
}

export interface StreamGate {
  /** Takes a slot or throws `StreamLimitError` (429, with the seconds until a slot frees). */
  acquire(orgId: string, userId: string): Promise<StreamLease>;
  /** Slots in use right now (expired leases not counted). */
  inUse(orgId: string, userId: string): Promise<{ user: number; org: number }>;
}

// KEYS: user set, org set. ARGV: lease id, user limit, org limit, lease ms.
// Returns {0} when taken, or {1|2, ms until the earliest lease in the full set expires}.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local limits = { tonumber(ARGV[2]), tonumber(ARGV[3]) }
for i = 1, 2 do
  if redis.call('ZCARD', KEYS[i]) >= limits[i] then
    local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    return { i, tonumber(first[2]) - now }
  end
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease * 2)
redis.call('PEXPIRE', KEYS[2], lease * 2)
return { 0, 0 }`;

// Renews a lease only if it is still held (ZADD XX), so a lease that already expired and was
// counted free is not silently revived past the limit.
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
local held = 0
for i = 1, 2 do
  held = held + redis.call('ZADD', KEYS[i], 'XX', 'CH', now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], lease * 2)
end
return held`;

const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return { redis.call('ZCOUNT', KEYS[1], now, '+inf'), redis.call('ZCOUNT', KEYS[2], now, '+inf') }`;

function leaseWithHeartbeat(id: string, leaseMs: number, renew: () => Promise<unknown>, release: () => Promise<unknown>): StreamLease {
  // Renew at a third of the lease so two missed beats still leave the slot held.
  const timer = setInterval(() => void renew().catch(() => undefined), Math.max(250, Math.floor(leaseMs / 3)));
  timer.unref();
  let released = false;
  return {
    id,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await release();
    },
  };
}

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The Redis gate; keys live under `{prefix}:studio:streams:` (one hash tag, see queue/redis-keys.ts). */
export function createRedisStreamGate(redis: RedisClient, prefix: string, limits: GateLimits): StreamGate {
  const root = redisKeyRoot(prefix);
  const keys = (orgId: string, userId: string) => [`${root}:studio:streams:user:${orgId}:${userId}`, `${root}:studio:streams:org:${orgId}`];
  const leaseMs = limits.leaseSeconds * 1000;
  return {
    async acquire(orgId, userId) {
      const id = randomUUID();
      const k = keys(orgId, userId);
      const [which, waitMs] = (await redis.eval(ACQUIRE, 2, k[0]!, k[1]!, id, limits.perUser, limits.perOrg, leaseMs)) as [number, number];
      if (which === 1) throw new StreamLimitError('user', limits.perUser, retryAfter(waitMs));
      if (which === 2) throw new StreamLimitError('organisation', limits.perOrg, retryAfter(waitMs));
      return leaseWithHeartbeat(
        id,
        leaseMs,
        () => redis.eval(RENEW, 2, k[0]!, k[1]!, id, leaseMs),
        () => redis.multi().zrem(k[0]!, id).zrem(k[1]!, id).exec(),
      );
    },
    async inUse(orgId, userId) {
      const k = keys(orgId, userId);
      const [user, org] = (await redis.eval(COUNT, 2, k[0]!, k[1]!)) as [number, number];
      return { user, org };
    },
  };
}

/** The in-process gate for the embedded mode (one process, so no shared store is needed). */
export function createMemoryStreamGate(limits: GateLimits, now: () => number = Date.now): StreamGate {
  const sets = new Map<string, Map<string, number>>();
  const set = (k: string) => sets.get(k) ?? sets.set(k, new Map()).get(k)!;
  const live = (k: string) => {
    const s = set(k);
    for (const [id, exp] of s) if (exp <= now()) s.delete(id);
    return s;
  };
  const leaseMs = limits.leaseSeconds * 1000;
  return {
    async acquire(orgId, userId) {
      const u = live(`user:${orgId}:${userId}`);
      const o = live(`org:${orgId}`);
      const earliest = (s: Map<string, number>) => Math.min(...s.values()) - now();
      if (u.size >= limits.perUser) throw new StreamLimitError('user', limits.perUser, retryAfter(earliest(u)));
      if (o.size >= limits.perOrg) throw new StreamLimitError('organisation', limits.perOrg, retryAfter(earliest(o)));
      const id = randomUUID();
      u.set(id, now() + leaseMs);
      o.set(id, now() + leaseMs);
      return leaseWithHeartbeat(
        id,
        leaseMs,
        async () => {
          for (const s of [u, o]) if (s.has(id)) s.set(id, now() + leaseMs);
        },
        async () => {
          u.delete(id);
          o.delete(id);
        },
      );
    },
    async inUse(orgId, userId) {
      return { user: live(`user:${orgId}:${userId}`).size, org: live(`org:${orgId}`).size };
    },
  };
}
