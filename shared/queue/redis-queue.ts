/**
 * The Redis work queue. LPUSH onto `<prefix>:queue`; BLMOVE (RIGHT → LEFT) into
 * `<prefix>:processing:<workerId>`; LREM on ack. Blocking reads use a connection of their own
 * per worker so they never stall the commands of the control plane.
 */
import { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../domain/errors';
import { decodeMessage, encodeMessage, type Reservation, type RunMessage, type WorkQueue } from './work-queue';

export interface RedisQueueOptions {
  url: string;
  prefix: string;
}

function unavailable(err: unknown): never {
  throw new ServiceUnavailableError('queue', 'The queue (Redis) is unavailable; try again shortly.', { cause: err });
}

/** Connects to Redis; connections are lazy and reconnect with backoff. */
export function createRedisQueue(opts: RedisQueueOptions): WorkQueue {
  const connect = () =>
    new Redis(opts.url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    });
  const cmd = connect();
  cmd.on('error', () => undefined); // reconnects on its own; callers see command errors
  const blocking = new Map<string, Redis>();
  const queueKey = `${opts.prefix}:queue`;
  const processingKey = (workerId: string) => `${opts.prefix}:processing:${workerId}`;
  let closed = false;

  const blockingFor = (workerId: string): Redis => {
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
        await cmd.lpush(queueKey, encodeMessage(message));
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
    async ack(workerId, reservation) {
      try {
        await cmd.lrem(processingKey(workerId), 1, reservation.raw);
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
    async close() {
      closed = true;
      for (const r of blocking.values()) r.disconnect();
      blocking.clear();
      await cmd.quit().catch(() => cmd.disconnect());
    },
  };
}
