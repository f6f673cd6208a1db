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
import { join } from 'node:path';
import { defineLuaCommand, readLuaScript } from '../../redis/lua-scripts';
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

// The gate's Lua scripts (lua/*.lua; each file's header names its KEYS and ARGV).
const SCRIPTS = {
  acquire: readLuaScript(join(__dirname, 'lua', 'acquire.lua')),
  renew: readLuaScript(join(__dirname, 'lua', 'renew.lua')),
  count: readLuaScript(join(__dirname, 'lua', 'count.lua')),
};

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
  const acquireScript = defineLuaCommand<[number, number]>(redis, 'demitonStreamAcquire', SCRIPTS.acquire);
  const renewScript = defineLuaCommand<number>(redis, 'demitonStreamRenew', SCRIPTS.renew);
  const countScript = defineLuaCommand<[number, number]>(redis, 'demitonStreamCount', SCRIPTS.count);
  const leaseMs = limits.leaseSeconds * 1000;
  return {
    async acquire(orgId, userId) {
      const id = randomUUID();
      const k = keys(orgId, userId);
      const [which, waitMs] = await acquireScript(k[0]!, k[1]!, id, limits.perUser, limits.perOrg, leaseMs);
      if (which === 1) throw new StreamLimitError('user', limits.perUser, retryAfter(waitMs));
      if (which === 2) throw new StreamLimitError('organisation', limits.perOrg, retryAfter(waitMs));
      return leaseWithHeartbeat(
        id,
        leaseMs,
        () => renewScript(k[0]!, k[1]!, id, leaseMs),
        () => redis.multi().zrem(k[0]!, id).zrem(k[1]!, id).exec(),
      );
    },
    async inUse(orgId, userId) {
      const k = keys(orgId, userId);
      const [user, org] = await countScript(k[0]!, k[1]!);
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
