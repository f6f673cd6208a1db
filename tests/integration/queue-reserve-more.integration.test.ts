/**
 * `reserveMore`, the batch half of reserving (a worker with free slots takes the waiting messages
 * in one round trip after a blocking reserve): the same behaviour from the Redis queue (real
 * Redis, random prefix) and the embedded queue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryQueue } from '../../shared/queue/memory-queue';
import type { RedisClient } from '../../shared/redis/redis-connection';
import { redisKeyRoot } from '../../shared/queue/redis-keys';
import { createRedisQueue } from '../../shared/queue/redis-queue';
import type { RunMessage, WorkQueue } from '../../shared/queue/work-queue';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster';
import { deleteKeys, randomId, TEST_REDIS_URL } from '../helpers/test-platform';

// The same contract on a 3-node Redis Cluster (thrown away after the file, so no key clean-up).
let cluster: TestRedisCluster;
beforeAll(async () => void (cluster = await startRedisCluster()));
afterAll(async () => cluster?.stop());

const msg = (i = 0): RunMessage => ({ runId: randomUUID(), orgId: randomUUID(), enqueuedAt: 1_700_000_000_000 + i });

// `raw`: a client on the same Redis and the queue's key prefix, to plant what enqueue never writes.
const backends: Array<[string, () => { queue: WorkQueue; prefix: string; raw?: { client: () => RedisClient; prefix: string } }]> = [
  [
    'redis',
    () => {
      const prefix = `test:${randomId()}`;
      return { queue: createRedisQueue({ url: TEST_REDIS_URL, prefix }), prefix, raw: { client: () => new Redis(TEST_REDIS_URL), prefix } };
    },
  ],
  [
    'redis cluster',
    () => {
      const prefix = `test:${randomId()}`;
      return {
        queue: createRedisQueue({ url: cluster.url, prefix, cluster: true }),
        prefix: '',
        raw: { client: () => cluster.client(), prefix },
      };
    },
  ],
  ['embedded', () => ({ queue: createMemoryQueue(), prefix: '' })],
];

describe.each(backends)('reserveMore: %s', (_name, make) => {
  let env: ReturnType<typeof make>;
  afterEach(async () => {
    await env.queue.close();
    if (env.prefix) await deleteKeys(`${env.prefix}:*`);
  });

  it('takes up to max waiting messages in FIFO order into the processing list, without waiting', async () => {
    env = make();
    const q = env.queue;
    const ms = [msg(1), msg(2), msg(3), msg(4), msg(5)];
    await q.enqueueMany(ms);
    expect((await q.reserve('w', 100))!.message).toEqual(ms[0]);
    const more = await q.reserveMore!('w', 3);
    expect(more.map((r) => r.message)).toEqual(ms.slice(1, 4));
    expect(await q.depth()).toBe(1);
    // Past the end of the queue: what there is, at once.
    const started = Date.now();
    expect((await q.reserveMore!('w', 10)).map((r) => r.message)).toEqual([ms[4]]);
    expect(await q.reserveMore!('w', 10)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Held like any reservation: acked ones leave, the rest are handed back.
    await q.ack('w', more[0]!);
    expect(await q.requeueProcessing('w')).toBe(4);
    expect(await q.depth()).toBe(4);
  });

  it('drops a malformed message instead of returning or holding it', async () => {
    env = make();
    const q = env.queue;
    const good = msg(1);
    if (env.raw) {
      const r = env.raw.client();
      await r.lpush(`${redisKeyRoot(env.raw.prefix)}:queue`, 'not json');
      r.disconnect();
      await q.enqueue(good);
    } else {
      // The embedded queue only ever holds what enqueue encoded; there is nothing malformed to drop.
      await q.enqueue(good);
    }
    expect((await q.reserveMore!('w', 5)).map((r) => r.message)).toEqual([good]);
    expect(await q.requeueProcessing('w')).toBe(1);
  });

  it('takes nothing for max 0', async () => {
    env = make();
    await env.queue.enqueue(msg());
    expect(await env.queue.reserveMore!('w', 0)).toEqual([]);
    expect(await env.queue.depth()).toBe(1);
  });
});
