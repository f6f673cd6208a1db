/**
 * A wait that ends between the task's wait and the run's park (issue #16) sends the run straight
 * back to the queue. Its workflow slot must go back before the run does: the worker that claims it
 * next takes the slot as the same holder (the run id), and a release after that would leave the
 * run executing without a slot, so a second run could pass the workflow's limit of one.
 *
 * On real PostgreSQL and Redis. The race is made deterministic: the worker's database is wrapped so
 * that, right after the wait row is written and before the park's transaction starts, the timer
 * sweep ends the (already due) wait. The worker's queue is wrapped to record the order of the
 * slot release and the re-queue of that run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../../shared/db/db';
import { Worker } from '../../shared/engine/worker';
import * as waits from '../../shared/engine/waits-service';
import type { WorkQueue } from '../../shared/queue/work-queue';
import { DEV_ORG_ID } from '../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker | undefined;

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
});

afterAll(async () => {
  await worker?.stop();
  await host?.close();
  await platform?.close();
});

describe('a wait that ends before the park', () => {
  it('releases the run’s slot before queueing it again, and the run ends holding no slot', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'park race',
      concurrency: { limit: 1 },
      tasks: [
        { key: 'w', type: 'wait', durationMs: 1 },
        { key: 'after', type: 'atomic', connector: 'platform', operation: 'echo', input: { done: true } },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);

    const events: string[] = [];
    let armed = false;
    let raced = false;
    const watch = (q: Queryable): Queryable => ({
      query: ((text: unknown, values?: unknown[]) => {
        const sql = typeof text === 'string' ? text : (text as { text: string }).text;
        if (/INSERT INTO run_waits/.test(sql)) armed = true;
        return q.query(text as string, values);
      }) as Queryable['query'],
    });
    const db: Db = {
      ...platform.db,
      query: watch(platform.db).query,
      tx: async (fn) => {
        if (armed && !raced) {
          // The park's transaction is next: the wait (1 ms) is due, and the timer sweep ends it now.
          raced = true;
          await new Promise((r) => setTimeout(r, 20));
          events.push(`resumed ${await waits.resumeDueWaits(platform)}`);
        }
        return platform.db.tx((q) => fn(watch(q)));
      },
    };
    const queue = new Proxy(platform.queue, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'releaseSlot' && typeof value === 'function')
          return (key: string, holder: string, limit: number) => {
            if (raced) events.push('release');
            return (value as WorkQueue['releaseSlot']).call(target, key, holder, limit);
          };
        if (prop === 'enqueue' && typeof value === 'function')
          return (m: Parameters<WorkQueue['enqueue']>[0]) => {
            if (raced) events.push('enqueue');
            return (value as WorkQueue['enqueue']).call(target, m);
          };
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    worker = new Worker({ ...platform, db, queue }, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
    worker.start();

    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    expect(run.status).toBe(202);
    const done = await waitFor(async () => {
      const r = (await api(host.url, 'GET', `/api/runs/${run.body.id}`)).body;
      return ['SUCCEEDED', 'FAILED'].includes(r.status) ? r : null;
    }, 20_000);
    expect(done.status).toBe('SUCCEEDED');

    // The sweep ended the wait before the park, so the park sent the run back to the queue…
    expect(events[0]).toBe('resumed 1');
    // …after giving its slot back: never a release of the run's slot after it was queued again,
    // but the one at its end (its second claim's).
    expect(events.slice(1, 3)).toEqual(['release', 'enqueue']);
    expect(events.filter((e) => e === 'release')).toHaveLength(2);
    expect(events.filter((e) => e === 'enqueue')).toHaveLength(1);
    expect(await platform.queue.slotHolders(`wf:${DEV_ORG_ID}:${wf.body.id}`)).toEqual([]);
  });
});
