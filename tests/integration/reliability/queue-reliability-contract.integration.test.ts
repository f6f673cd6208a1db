/**
 * The reliability half of the work queue contract, on both queues (real Redis with a random
 * prefix, and the embedded queue): worker heartbeats and dead-worker hand-back, leased
 * concurrency slots with parking and waking, and the cancel channel.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryQueue } from '../../../shared/queue/memory-queue';
import { createRedisQueue } from '../../../shared/queue/redis-queue';
import {
  encodeMessage,
  type CancelBus,
  type ConcurrencySlots,
  type RunMessage,
  type RunQueue,
  type WorkerLiveness,
  type WorkQueue,
} from '../../../shared/queue/work-queue';
import { startRedisCluster, type TestRedisCluster } from '../../helpers/redis-cluster';
import { deleteKeys, randomId, TEST_REDIS_URL, waitFor } from '../../helpers/test-platform';

// The same contract on a 3-node Redis Cluster (thrown away after the file, so no key clean-up).
let cluster: TestRedisCluster;
beforeAll(async () => void (cluster = await startRedisCluster()));
afterAll(async () => cluster?.stop());

const msg = (): RunMessage => ({ runId: randomUUID(), orgId: randomUUID(), enqueuedAt: Date.now() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const backends: Array<[string, () => { queue: WorkQueue; prefix: string }]> = [
  [
    'redis',
    () => {
      const prefix = `test:${randomId()}`;
      return { queue: createRedisQueue({ url: TEST_REDIS_URL, prefix }), prefix };
    },
  ],
  ['redis cluster', () => ({ queue: createRedisQueue({ url: cluster.url, prefix: `test:${randomId()}`, cluster: true }), prefix: '' })],
  ['embedded', () => ({ queue: createMemoryQueue(), prefix: '' })],
];

describe.each(backends)('work queue contracts: %s', (_name, make) => {
  let env: ReturnType<typeof make>;
  afterEach(async () => {
    await env.queue.close();
    if (env.prefix) await deleteKeys(`${env.prefix}:*`);
  });

  describe('WorkerLiveness (hands a dead worker’s messages back to the RunQueue)', () => {
    it('hands back what a worker held once its heartbeat stops, and only that', async () => {
      env = make();
      const q: WorkerLiveness & RunQueue = env.queue;
      const [a, b, c] = [msg(), msg(), msg()];
      await q.enqueueMany([a, b, c]);
      await q.heartbeat('dies', 50);
      await q.heartbeat('lives', 60_000);
      expect((await q.reserve('dies', 100))!.message.runId).toBe(a.runId);
      expect((await q.reserve('lives', 100))!.message.runId).toBe(b.runId);
      // A processing list whose worker never heartbeat at all is dead too.
      expect((await q.reserve('ghost', 100))!.message.runId).toBe(c.runId);
      await sleep(120);
      expect(await q.requeueDeadWorkers()).toEqual({ workers: 2, messages: 2 });
      expect(await q.depth()).toBe(2);
      const back = [(await q.reserve('lives', 100))!.message.runId, (await q.reserve('lives', 100))!.message.runId];
      expect(back.sort()).toEqual([a.runId, c.runId].sort());
      expect(await q.requeueDeadWorkers()).toEqual({ workers: 0, messages: 0 });
      await q.forgetWorker('lives');
    });
  });

  describe('ConcurrencySlots (wakes parked runs into the RunQueue)', () => {
    it('holds at most `limit` slots per key, re-entrant per holder, and lets expired ones go', async () => {
      env = make();
      const q: ConcurrencySlots & RunQueue = env.queue;
      const req = (holder: string, ttlMs = 60_000) => ({ key: 'k', holder, limit: 2, ttlMs });
      expect(await q.acquireSlot(req('h1'))).toBe(true);
      expect(await q.acquireSlot(req('h2', 600))).toBe(true);
      expect(await q.acquireSlot(req('h3'))).toBe(false);
      expect((await q.slotHolders('k')).sort()).toEqual(['h1', 'h2']);
      expect(await q.slotHolders('nobody-holds-this')).toEqual([]);
      expect(await q.acquireSlot(req('h1'))).toBe(true);
      await q.releaseSlot('k', 'h1', 2);
      expect(await q.acquireSlot(req('h3'))).toBe(true);
      expect(await q.acquireSlot(req('h4'))).toBe(false);
      await sleep(800); // h2's lease ran out (its worker died)
      expect((await q.slotHolders('k')).sort()).toEqual(['h3']);
      expect(await q.acquireSlot(req('h4'))).toBe(true);
      // A renewed slot does not run out.
      await q.renewSlots([{ key: 'k', holder: 'h4' }], 60_000);
      await q.renewSlots([{ key: 'k', holder: 'h3' }], 60_000);
      expect(await q.acquireSlot(req('h5'))).toBe(false);
    });

    it('a renewal never shortens a longer lease (a waiting run holds its slot past any heartbeat)', async () => {
      env = make();
      const q: ConcurrencySlots & RunQueue = env.queue;
      expect(await q.acquireSlot({ key: 'held', holder: 'waiting-run', limit: 1, ttlMs: 60_000 })).toBe(true);
      await q.renewSlots([{ key: 'held', holder: 'waiting-run' }], 100);
      await sleep(300);
      expect(await q.acquireSlot({ key: 'held', holder: 'next-run', limit: 1, ttlMs: 60_000 })).toBe(false);
      // The holder itself takes it again with a shorter lease (a resumed run on a worker's lease), which then runs out.
      expect(await q.acquireSlot({ key: 'held', holder: 'waiting-run', limit: 1, ttlMs: 200 })).toBe(true);
      await sleep(400);
      expect(await q.acquireSlot({ key: 'held', holder: 'next-run', limit: 1, ttlMs: 60_000 })).toBe(true);
    });

    it('parks a refused run once and moves it to the queue when a slot frees, as the message it came with', async () => {
      env = make();
      const q: ConcurrencySlots & RunQueue = env.queue;
      const m: RunMessage = {
        ...msg(),
        enqueuedAt: Date.now() - 60_000,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      };
      expect(await q.acquireSlot({ key: 'p', holder: 'first', limit: 1, ttlMs: 60_000 })).toBe(true);
      expect(await q.acquireSlot({ key: 'p', holder: m.runId, limit: 1, ttlMs: 60_000, park: m })).toBe(false);
      expect(await q.acquireSlot({ key: 'p', holder: m.runId, limit: 1, ttlMs: 60_000, park: m })).toBe(false);
      expect(await q.depth()).toBe(0);
      await q.releaseSlot('p', 'first', 1);
      expect(await q.depth()).toBe(1);
      const r = (await q.reserve('w', 100))!;
      // The same encoder as every enqueue: the trace context survives the park, and the enqueue time
      // is when it was parked.
      expect({ runId: r.message.runId, orgId: r.message.orgId, traceparent: r.message.traceparent }).toEqual({
        runId: m.runId,
        orgId: m.orgId,
        traceparent: m.traceparent,
      });
      expect(r.message.enqueuedAt).toBeGreaterThan(m.enqueuedAt);
      expect(r.raw).toBe(encodeMessage(r.message));
      expect(await q.depth()).toBe(0);
    });

    it('wakes parked runs whose slot holder died, on the sweep', async () => {
      env = make();
      const q: ConcurrencySlots & RunQueue = env.queue;
      const m = msg();
      expect(await q.acquireSlot({ key: 'd', holder: 'dead', limit: 1, ttlMs: 600 })).toBe(true);
      expect(await q.acquireSlot({ key: 'd', holder: m.runId, limit: 1, ttlMs: 60_000, park: m })).toBe(false);
      expect(await q.wakeParked()).toBe(0);
      await sleep(800);
      expect(await q.wakeParked()).toBe(1);
      expect((await q.reserve('w', 100))!.message.runId).toBe(m.runId);
      expect(await q.wakeParked()).toBe(0);
    });
  });

  describe('CancelBus (reaches every subscriber)', () => {
    it('announces cancelled runs to every subscriber', async () => {
      env = make();
      const q: CancelBus = env.queue;
      const seen: string[] = [];
      const stop = q.onCancel((id) => seen.push(id));
      await sleep(100); // the Redis subscription is established asynchronously
      await q.publishCancel(['r1', 'r2']);
      await waitFor(async () => seen.length === 2, 5_000);
      expect(seen).toEqual(['r1', 'r2']);
      stop();
      await q.publishCancel(['r3']);
      await sleep(100);
      expect(seen).toEqual(['r1', 'r2']);
    });
  });
});
