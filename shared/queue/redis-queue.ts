/**
 * The Redis work queue. LPUSH onto `{prefix}:queue`; BLMOVE (RIGHT → LEFT) into
 * `{prefix}:processing:<workerId>`; LREM on ack. Blocking reads use a connection of their own
 * per worker so they never stall the commands of the control plane.
 *
 * Keys besides: `{prefix}:workers` (zset worker → heartbeat expiry, ms), `{prefix}:slots:<key>`
 * (zset holder → slot lease expiry), `{prefix}:parked:<key>` (zset of parked runs, FIFO by park
 * time), `{prefix}:parked-messages:<key>` (hash parked run → the message to push when it wakes),
 * `{prefix}:parks` (set of slot keys with parked runs), `{prefix}:slot-limits` (hash slot
 * key → limit) and the pub/sub channel `{prefix}:cancel`. Scripts and BLMOVE touch several keys;
 * the `{prefix}` hash tag (redis-keys.ts) keeps them all in one cluster slot, so the queue runs
 * on a single server, behind Azure Managed Redis' Enterprise proxy, or on a Redis Cluster.
 */
import { Batcher } from '../domain/batcher';
import { ServiceUnavailableError } from '../domain/errors';
import { join } from 'node:path';
import { defineLuaCommand, readLuaScript } from '../redis/lua-scripts';
import { createRedisConnection, scanAll, signInRejection, type RedisClient, type RedisSignIn } from '../redis/redis-connection';
import { redisKeyRoot } from './redis-keys';
import { decodeMessage, encodeMessage, parkedMember, type Reservation, type RunMessage, type WorkQueue } from './work-queue';

// The queue's Lua scripts (lua/*.lua; each file's header names its KEYS and ARGV).
const SCRIPTS = {
  acquireSlot: readLuaScript(join(__dirname, 'lua', 'acquire-slot.lua')),
  releaseSlot: readLuaScript(join(__dirname, 'lua', 'release-slot.lua')),
  reserveMore: readLuaScript(join(__dirname, 'lua', 'reserve-more.lua')),
  ackMany: readLuaScript(join(__dirname, 'lua', 'ack-many.lua')),
};

export interface RedisQueueOptions {
  url: string;
  prefix: string;
  /** How to sign in (see redis-connection.ts); default: what the URL carries. */
  signIn?: RedisSignIn;
  /** Redis Cluster protocol (see redis-connection.ts); default: one endpoint. */
  cluster?: boolean;
}

/** Connects to Redis; connections are lazy and reconnect with backoff. */
export function createRedisQueue(opts: RedisQueueOptions): WorkQueue {
  const connect = () =>
    createRedisConnection(opts, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    });
  const cmd = connect();
  cmd.on('error', () => undefined); // reconnects on its own; callers see command errors
  const acquireSlotScript = defineLuaCommand<number>(cmd, 'demitonAcquireSlot', SCRIPTS.acquireSlot);
  const releaseSlotScript = defineLuaCommand<number>(cmd, 'demitonReleaseSlot', SCRIPTS.releaseSlot);
  const reserveMoreScript = defineLuaCommand<string[]>(cmd, 'demitonReserveMore', SCRIPTS.reserveMore);
  const ackManyScript = defineLuaCommand<number>(cmd, 'demitonAckMany', SCRIPTS.ackMany);
  // A refused sign-in and a missing token keep their own codes; anything else is 'queue_unavailable'.
  const unavailable: (err: unknown) => never = (err) => {
    if (err instanceof ServiceUnavailableError) throw err;
    throw (
      signInRejection(err, cmd) ??
      new ServiceUnavailableError('queue', 'The queue (Redis) is unavailable; try again shortly.', { cause: err })
    );
  };
  const blocking = new Map<string, RedisClient>();
  const root = redisKeyRoot(opts.prefix);
  const queueKey = `${root}:queue`;
  const processingKey = (workerId: string) => `${root}:processing:${workerId}`;
  const workersKey = `${root}:workers`;
  const slotsKey = (key: string) => `${root}:slots:${key}`;
  const parkedKey = (key: string) => `${root}:parked:${key}`;
  const parkedMessagesKey = (key: string) => `${root}:parked-messages:${key}`;
  const parksKey = `${root}:parks`;
  const limitsKey = `${root}:slot-limits`;
  const cancelChannel = `${root}:cancel`;
  // The enqueues of one event-loop phase (triggers answered together) are one LPUSH, and a
  // worker's acks of one phase (runs that ended together) one script call: one command and one
  // socket write for many messages, where ioredis' auto-pipelining built a Pipeline object per
  // phase even for a lone command. No in-flight bound: commands on one connection are pipelined,
  // so a batch need not wait for the one before it; any failure is the connection's, so a failed
  // batch fails all its submitters alike.
  const phaseBatch = (flush: (raws: string[]) => Promise<unknown>) =>
    new Batcher<string, void>(
      async (raws) => {
        await flush(raws);
        return raws.map(() => undefined);
      },
      { maxBatch: 1_000, maxInFlight: Number.POSITIVE_INFINITY, gather: 'phase' },
    );
  const pushes = phaseBatch((raws) => cmd.lpush(queueKey, ...raws));
  const ackers = new Map<string, Batcher<string, void>>();
  const ackerFor = (workerId: string) => {
    let a = ackers.get(workerId);
    if (!a) {
      const key = processingKey(workerId);
      a = phaseBatch((raws) => ackManyScript(key, ...raws));
      ackers.set(workerId, a);
    }
    return a;
  };
  let subscriber: RedisClient | null = null;
  const cancelListeners = new Set<(runId: string) => void>();
  let closed = false;

  const blockingFor = (workerId: string): RedisClient => {
    let r = blocking.get(workerId);
    if (!r) {
      r = connect();
      r.on('error', () => undefined);
      blocking.set(workerId, r);
    }
    return r;
  };

  return {
    backend: 'redis',
    async enqueue(message) {
      try {
        await pushes.submit(encodeMessage(message));
      } catch (err) {
        unavailable(err);
      }
    },
    async enqueueMany(messages: readonly RunMessage[]) {
      if (messages.length === 0) return;
      try {
        await cmd.lpush(queueKey, ...messages.map(encodeMessage));
      } catch (err) {
        unavailable(err);
      }
    },
    async reserve(workerId, timeoutMs): Promise<Reservation | null> {
      if (closed) return null;
      let raw: string | null;
      try {
        raw = await blockingFor(workerId).blmove(queueKey, processingKey(workerId), 'RIGHT', 'LEFT', Math.max(timeoutMs, 1) / 1000);
      } catch (err) {
        if (closed) return null;
        unavailable(err);
      }
      if (raw === null) return null;
      const message = decodeMessage(raw);
      if (!message) {
        // Not ours to execute: drop it from processing so it is never retried forever.
        await cmd.lrem(processingKey(workerId), 1, raw);
        return this.reserve(workerId, 0);
      }
      return { message, raw };
    },
    async reserveMore(workerId, max) {
      if (closed || max <= 0) return [];
      let raws: string[] = [];
      try {
        // One script moves up to `max` messages and stops at the end of the queue: one command
        // however many slots are free (a pipeline of `max` LMOVEs cost 63 null replies per message
        // on a worker that is mostly idle).
        raws = await reserveMoreScript(queueKey, processingKey(workerId), max);
      } catch (err) {
        unavailable(err);
      }
      const out: Reservation[] = [];
      for (const raw of raws) {
        const message = decodeMessage(raw);
        if (message) out.push({ message, raw });
        else await cmd.lrem(processingKey(workerId), 1, raw).catch(() => undefined);
      }
      return out;
    },
    async ack(workerId, reservation) {
      try {
        await ackerFor(workerId).submit(reservation.raw);
      } catch (err) {
        unavailable(err);
      }
    },
    async requeueProcessing(workerId) {
      let n = 0;
      try {
        while ((await cmd.lmove(processingKey(workerId), queueKey, 'RIGHT', 'RIGHT')) !== null) n++;
      } catch (err) {
        unavailable(err);
      }
      return n;
    },
    async depth() {
      try {
        return await cmd.llen(queueKey);
      } catch (err) {
        unavailable(err);
      }
    },
    async ping() {
      const t = performance.now();
      try {
        await cmd.ping();
      } catch (err) {
        unavailable(err);
      }
      return performance.now() - t;
    },
    async heartbeat(workerId, ttlMs) {
      try {
        await cmd.zadd(workersKey, Date.now() + ttlMs, workerId);
      } catch (err) {
        unavailable(err);
      }
    },
    async workersSeen(since) {
      try {
        const flat = await cmd.zrangebyscore(workersKey, since, '+inf', 'WITHSCORES');
        const out: Array<{ workerId: string; heartbeatExpiresAt: number }> = [];
        for (let i = 0; i + 1 < flat.length; i += 2) out.push({ workerId: flat[i]!, heartbeatExpiresAt: Number(flat[i + 1]) });
        return out;
      } catch (err) {
        unavailable(err);
      }
    },
    async forgetWorker(workerId) {
      try {
        await cmd.zrem(workersKey, workerId);
      } catch (err) {
        unavailable(err);
      }
      ackers.delete(workerId);
    },
    async requeueDeadWorkers() {
      let workers = 0;
      let messages = 0;
      try {
        const now = Date.now();
        const dead = new Set(await cmd.zrangebyscore(workersKey, '-inf', now));
        // Processing lists with no live worker at all (killed before its first heartbeat, or its
        // heartbeat entry lost with a flushed Redis) are as dead as expired ones.
        const live = new Set(await cmd.zrangebyscore(workersKey, `(${now}`, '+inf'));
        const prefix = processingKey('');
        for (const k of await scanAll(cmd, `${prefix}*`)) {
          const id = k.slice(prefix.length);
          if (!live.has(id)) dead.add(id);
        }
        for (const id of dead) {
          messages += await this.requeueProcessing(id);
          await cmd.zrem(workersKey, id);
          workers++;
        }
      } catch (err) {
        if (err instanceof ServiceUnavailableError) throw err;
        unavailable(err);
      }
      return { workers, messages };
    },
    async acquireSlot(req) {
      try {
        const now = Date.now();
        const r = await acquireSlotScript(
          slotsKey(req.key),
          parkedKey(req.key),
          parksKey,
          limitsKey,
          parkedMessagesKey(req.key),
          req.holder,
          req.limit,
          now + req.ttlMs,
          now,
          req.park ? parkedMember(req.park) : '',
          req.key,
          // Woken, the run goes back to the queue as the message it came with (trace context and
          // all), marked enqueued when it was parked.
          req.park ? encodeMessage({ ...req.park, enqueuedAt: now }) : '',
        );
        return r === 1;
      } catch (err) {
        unavailable(err);
      }
    },
    async releaseSlot(key, holder, limit) {
      try {
        await releaseSlotScript(slotsKey(key), parkedKey(key), queueKey, parksKey, parkedMessagesKey(key), holder, limit, Date.now(), key);
      } catch (err) {
        unavailable(err);
      }
    },
    async renewSlots(slots, ttlMs) {
      if (!slots.length) return;
      try {
        const expiry = Date.now() + ttlMs;
        const p = cmd.pipeline();
        // XX: a slot that expired and was taken by someone else is not resurrected. GT: a slot held
        // for a waiting run (leased far longer, execute-run.ts) is never shortened by a late beat.
        for (const s of slots) p.zadd(slotsKey(s.key), 'XX', 'GT', expiry, s.holder);
        await p.exec();
      } catch (err) {
        unavailable(err);
      }
    },
    async slotHolders(key) {
      try {
        return await cmd.zrangebyscore(slotsKey(key), `(${Date.now()}`, '+inf');
      } catch (err) {
        unavailable(err);
      }
    },
    async wakeParked() {
      let woken = 0;
      try {
        const keys = await cmd.smembers(parksKey);
        for (const key of keys) {
          const limit = Number((await cmd.hget(limitsKey, key)) ?? 1);
          woken += Number(
            await releaseSlotScript(slotsKey(key), parkedKey(key), queueKey, parksKey, parkedMessagesKey(key), '', limit, Date.now(), key),
          );
        }
      } catch (err) {
        unavailable(err);
      }
      return woken;
    },
    async publishCancel(runIds) {
      if (!runIds.length) return;
      try {
        await cmd.publish(cancelChannel, JSON.stringify(runIds));
      } catch (err) {
        unavailable(err);
      }
    },
    onCancel(fn) {
      cancelListeners.add(fn);
      if (!subscriber) {
        subscriber = connect();
        subscriber.on('error', () => undefined);
        // ioredis re-subscribes on reconnect by itself.
        void subscriber.subscribe(cancelChannel).catch(() => undefined);
        subscriber.on('message', (_channel: string, text: string) => {
          let ids: unknown;
          try {
            ids = JSON.parse(text);
          } catch {
            return;
          }
          if (!Array.isArray(ids)) return;
          for (const id of ids) if (typeof id === 'string') for (const l of cancelListeners) l(id);
        });
      }
      return () => void cancelListeners.delete(fn);
    },
    async close() {
      closed = true;
      subscriber?.disconnect();
      subscriber = null;
      for (const r of blocking.values()) r.disconnect();
      blocking.clear();
      await cmd.quit().catch(() => cmd.disconnect());
    },
  };
}
