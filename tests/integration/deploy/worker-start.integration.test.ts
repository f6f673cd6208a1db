/**
 * appStart on an instance whose backends are not ready: the worker's start is retried with
 * exponential backoff (functions/worker-start.ts) until the platform comes up, then it runs and
 * heartbeats in Redis; terminate during the retries ends them without starting anything. The
 * failures are real: a PostgreSQL URL on a loopback port where nothing listens.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startWorkerWhenReady } from '../../../functions/worker-start';
import { loadConfig } from '../../../shared/config';
import { Worker } from '../../../shared/engine/worker';
import { createPlatform, type Platform } from '../../../shared/platform';
import { createTestPlatform, TEST_REDIS_URL, waitFor, type TestPlatform } from '../../helpers/test-platform';

const notReady = () =>
  createPlatform(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test', REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent' }));
let tp: TestPlatform | null = null;
afterAll(async () => tp?.close());

describe('starting the worker when PostgreSQL is not ready yet', () => {
  it('retries with doubling delays, then starts the worker once the platform is up', async () => {
    tp = await createTestPlatform();
    let calls = 0;
    const retries: Array<{ attempt: number; next: number; message: string }> = [];
    const starter = startWorkerWhenReady({
      platform: async (): Promise<Platform> => (++calls <= 3 ? notReady() : tp!),
      start: (p) => {
        const w = new Worker(p, { concurrency: 1, pollMs: 50, workerId: 'late-start' });
        w.start();
        return w;
      },
      onRetry: (err, attempt, next) => retries.push({ attempt, next, message: (err as Error).message }),
      firstDelayMs: 20,
      maxDelayMs: 60,
    });
    const worker = await starter.started;
    expect(worker?.id).toBe('late-start');
    expect(retries.map((r) => [r.attempt, r.next])).toEqual([
      [1, 20],
      [2, 40],
      [3, 60],
    ]);
    expect(retries[0]!.message).toMatch(/database is unavailable/);
    await waitFor(async () => ((await tp!.queue.workersSeen(0)).some((w) => w.workerId === 'late-start') ? true : null));
    await starter.stop();
    expect((await tp.queue.workersSeen(0)).some((w) => w.workerId === 'late-start')).toBe(false);
  });

  it('terminate during the retries stops them and starts nothing', async () => {
    let calls = 0;
    let starts = 0;
    const starter = startWorkerWhenReady({
      platform: () => {
        calls++;
        return notReady();
      },
      start: () => {
        starts++;
        throw new Error('never reached');
      },
      firstDelayMs: 10_000,
    });
    await waitFor(async () => (calls >= 1 ? true : null));
    const t = performance.now();
    await starter.stop();
    expect(performance.now() - t).toBeLessThan(2_000); // not the 10 s backoff
    expect(await starter.started).toBeNull();
    const after = calls;
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(after);
    expect(starts).toBe(0);
  });
});
