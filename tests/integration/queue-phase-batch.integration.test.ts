/**
 * The Redis queue sends the enqueues of one event-loop phase as one LPUSH and a worker's acks of
 * one phase as one script call (real Redis; commands counted with MONITOR, filtered by the test's
 * random prefix), keeps FIFO order, and fails every caller of a batch alike when Redis is gone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisQueue } from '../../shared/queue/redis-queue';
import type { RunMessage, WorkQueue } from '../../shared/queue/work-queue';
import { deleteKeys, randomId, TEST_REDIS_URL } from '../helpers/test-platform';

const msg = (i: number): RunMessage => ({ runId: randomUUID(), orgId: randomUUID(), enqueuedAt: 1_700_000_000_000 + i });

/**
 * Records the commands clients send that mention `prefix` (MONITOR), as lower-case names; the
 * commands a script runs inside Redis are listed apart.
 */
async function watchCommands(prefix: string) {
  const monitor = await new Redis(TEST_REDIS_URL).monitor();
  const seen: string[] = [];
  const inScripts: string[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (args.some((a) => a.includes(prefix))) (source === 'lua' ? inScripts : seen).push(args[0]!.toLowerCase());
  });
  return { seen, inScripts, stop: () => monitor.disconnect() };
}

describe('Redis queue: one command per event-loop phase', () => {
  let queue: WorkQueue | null = null;
  let prefix = '';
  afterEach(async () => {
    await queue?.close();
    queue = null;
    await deleteKeys(`${prefix}:*`);
  });

  it('enqueues made in one phase are one LPUSH and come out in the order they were made', async () => {
    prefix = `test:${randomId()}`;
    queue = createRedisQueue({ url: TEST_REDIS_URL, prefix });
    await queue.depth(); // connected before watching
    const watch = await watchCommands(prefix);
    try {
      const ms = Array.from({ length: 20 }, (_, i) => msg(i));
      await Promise.all(ms.map((m) => queue!.enqueue(m)));
      await queue.enqueue(msg(99)); // a later phase: a command of its own
      await new Promise((r) => setTimeout(r, 100)); // MONITOR lines arrive after the replies
      expect(watch.seen.filter((c) => c === 'lpush')).toHaveLength(2);
      expect(await queue.depth()).toBe(21);
      const got: RunMessage[] = [];
      for (let i = 0; i < 20; i++) got.push((await queue.reserve('w', 100))!.message);
      expect(got).toEqual(ms);
    } finally {
      watch.stop();
    }
  });

  it('acks of one phase are one command and remove exactly the acked messages', async () => {
    prefix = `test:${randomId()}`;
    queue = createRedisQueue({ url: TEST_REDIS_URL, prefix });
    const ms = Array.from({ length: 6 }, (_, i) => msg(i));
    await queue.enqueueMany(ms);
    const first = (await queue.reserve('w', 100))!;
    const rest = await queue.reserveMore!('w', 10);
    expect(rest).toHaveLength(5);
    const watch = await watchCommands(prefix);
    try {
      await Promise.all([first, ...rest.slice(0, 3)].map((r) => queue!.ack('w', r)));
      await new Promise((r) => setTimeout(r, 100));
      expect(watch.seen).toHaveLength(1);
      expect(watch.seen[0]).toMatch(/^eval(sha)?$/);
      expect(watch.inScripts).toEqual(['lrem', 'lrem', 'lrem', 'lrem']);
    } finally {
      watch.stop();
    }
    // The two not acked are all that is handed back.
    expect(await queue.requeueProcessing('w')).toBe(2);
    const back = [(await queue.reserve('w2', 100))!.message, (await queue.reserve('w2', 100))!.message];
    expect(back.map((m) => m.runId).sort()).toEqual(
      rest
        .slice(3)
        .map((r) => r.message.runId)
        .sort(),
    );
  });

  it('fails every enqueue of a phase with queue_unavailable when Redis cannot be reached', async () => {
    prefix = `test:${randomId()}`;
    // A port nothing listens on: each command fails after the retries.
    const q = createRedisQueue({ url: 'redis://127.0.0.1:1', prefix });
    try {
      const results = await Promise.allSettled([q.enqueue(msg(1)), q.enqueue(msg(2))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'queue_unavailable' });
    } finally {
      await q.close();
    }
  }, 30_000);
});
