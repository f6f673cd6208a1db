/**
 * One contract, three backends: the Redis queue on one server and on a 3-node Redis Cluster (real
 * servers, random key prefix) and the embedded in-process queue must behave the same.
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

let cluster: TestRedisCluster;
beforeAll(async () => void (cluster = await startRedisCluster()));
afterAll(async () => cluster?.stop());

const msg = (i = 0): RunMessage => ({ runId: randomUUID(), orgId: randomUUID(), enqueuedAt: 1_700_000_000_000 + i });

const backends: Array<[string, () => { queue: WorkQueue; prefix: string; raw?: RedisClient; rawPrefix?: string }]> = [
  [
    'redis',
    () => {
      const prefix = `test:${randomId()}`;
      return { queue: createRedisQueue({ url: TEST_REDIS_URL, prefix }), prefix, raw: new Redis(TEST_REDIS_URL) };
    },
  ],
  [
    'redis cluster',
    () => {
      // The cluster is thrown away after the file: no key clean-up (prefix '').
      const prefix = `test:${randomId()}`;
      return { queue: createRedisQueue({ url: cluster.url, prefix, cluster: true }), prefix: '', raw: cluster.client(), rawPrefix: prefix };
    },
  ],
  ['embedded', () => ({ queue: createMemoryQueue(), prefix: '' })],
];

describe.each(backends)('RunQueue contract: %s', (_name, make) => {
  let env: ReturnType<typeof make>;
  afterEach(async () => {
    await env.queue.close();
    env.raw?.disconnect();
    if (env.prefix) await deleteKeys(`${env.prefix}:*`);
  });

  it('delivers in FIFO order and counts depth', async () => {
    env = make();
    const a = msg(1);
    const b = msg(2);
    await env.queue.enqueue(a);
    await env.queue.enqueueMany([b, msg(3)]);
    expect(await env.queue.depth()).toBe(3);
    expect((await env.queue.reserve('w1', 100))?.message).toEqual(a);
    expect((await env.queue.reserve('w1', 100))?.message).toEqual(b);
    expect(await env.queue.depth()).toBe(1);
  });

  it('returns null after the timeout when empty, and wakes a waiting reserve on enqueue', async () => {
    env = make();
    expect(await env.queue.reserve('w1', 50)).toBeNull();
    const waiting = env.queue.reserve('w1', 5_000);
    const m = msg();
    setTimeout(() => void env.queue.enqueue(m), 30);
    expect((await waiting)?.message).toEqual(m);
  });

  it('holds a reserved message until ack, and hands back unacked ones', async () => {
    env = make();
    const [a, b] = [msg(1), msg(2)];
    await env.queue.enqueueMany([a, b]);
    const ra = (await env.queue.reserve('dead-worker', 100))!;
    const rb = (await env.queue.reserve('dead-worker', 100))!;
    await env.queue.ack('dead-worker', ra);
    expect(await env.queue.depth()).toBe(0);
    // The worker dies holding b: handing back its processing list makes b available again.
    expect(await env.queue.requeueProcessing('dead-worker')).toBe(1);
    expect(await env.queue.requeueProcessing('dead-worker')).toBe(0);
    const again = await env.queue.reserve('w2', 100);
    expect(again?.message).toEqual(rb.message);
    expect(await env.queue.reserve('w2', 30)).toBeNull();
  });

  it('never gives one message to two concurrent reservers', async () => {
    env = make();
    const messages = Array.from({ length: 200 }, (_, i) => msg(i));
    await env.queue.enqueueMany(messages);
    const got: string[] = [];
    await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map(async (w) => {
        for (;;) {
          const r = await env.queue.reserve(w, 50);
          if (!r) return;
          got.push(r.message.runId);
          await env.queue.ack(w, r);
        }
      }),
    );
    expect(got.length).toBe(200);
    expect(new Set(got).size).toBe(200);
  });

  it('skips messages that are not run messages', async () => {
    env = make();
    const root = env.raw ? redisKeyRoot(env.rawPrefix ?? env.prefix) : '';
    if (env.raw) await env.raw.lpush(`${root}:queue`, 'not json', '{"runId":1}');
    else await env.queue.enqueue({ runId: 42 } as unknown as RunMessage);
    const good = msg();
    await env.queue.enqueue(good);
    expect((await env.queue.reserve('w1', 200))?.message).toEqual(good);
    if (env.raw) expect(await env.raw.llen(`${root}:processing:w1`)).toBe(1);
  });

  it('resolves a waiting reserve to null on close', async () => {
    env = make();
    const waiting = env.queue.reserve('w1', 10_000);
    await new Promise((r) => setTimeout(r, 20));
    await env.queue.close();
    expect(await waiting).toBeNull();
  });

  it('answers ping', async () => {
    env = make();
    expect(await env.queue.ping()).toBeGreaterThanOrEqual(0);
  });
});
