/**
 * `holdSlotWhileWaiting` (issue #16) on real PostgreSQL and Redis: a WAITING run of a workflow
 * limited to one run at a time keeps that slot with the flag (a second run stays PENDING until the
 * wait ends, or the run is cancelled or times out) and lets it go without it (the second run starts
 * and waits too). The slot's holder in Redis is the run itself, leased past the longest wait; after
 * every run ended, no holder is left and the sweep has forgotten every record of a held slot.
 * The crash case (worker SIGKILLed while the slot is held) is in reliability/waits-crash….
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverRuns } from '../../shared/engine/recovery-sweep';
import { Worker } from '../../shared/engine/worker';
import * as waits from '../../shared/engine/waits-service';
import { DEV_ORG_ID } from '../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, TEST_REDIS_URL, waitFor, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let redis: Redis;
let timer: NodeJS.Timeout;

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 8, pollMs: 50, leaseMs: 3_000 });
  worker.start();
  redis = new Redis(TEST_REDIS_URL);
  timer = setInterval(() => void waits.resumeDueWaits(platform).catch(() => undefined), 100);
});

afterAll(async () => {
  clearInterval(timer);
  redis?.disconnect();
  await host?.close();
  await worker?.stop();
  await platform?.close();
});

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const getRun = async (id: string) => (await api(host.url, 'GET', `/api/runs/${id}`)).body;
const finished = (id: string) => waitFor(async () => ((r) => (TERMINAL.includes(r.status) ? r : null))(await getRun(id)), 20_000);
const waiting = (id: string) => waitFor(async () => ((r) => (r.status === 'WAITING' ? r : null))(await getRun(id)), 20_000);

async function workflow(name: string, hold: boolean, wait: Record<string, unknown> = { signal: 'go' }): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', {
    name,
    concurrency: { limit: 1 },
    ...(hold ? { holdSlotWhileWaiting: true } : {}),
    tasks: [
      { key: 'w', type: 'wait', ...wait },
      { key: 'after', type: 'atomic', connector: 'platform', operation: 'echo', input: { done: true }, runAfter: 'always' },
    ],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}
const trigger = async (wf: string) => (await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
/** The holders of a workflow's slot in Redis, with the time each lease runs out. */
async function holders(wf: string): Promise<Array<{ holder: string; expiresInMs: number }>> {
  const flat = await redis.zrange(`{${platform.redisPrefix}}:slots:wf:${DEV_ORG_ID}:${wf}`, '0', '-1', 'WITHSCORES');
  const out: Array<{ holder: string; expiresInMs: number }> = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ holder: flat[i]!, expiresInMs: Number(flat[i + 1]) - Date.now() });
  return out;
}
const heldRecords = async (ids: string[]) =>
  (await platform.db.query('SELECT id FROM workflow_runs WHERE id = ANY($1::uuid[]) AND held_slot IS NOT NULL', [ids])).rowCount;
/** Still PENDING after the worker had time (and a sweep) to take it. */
async function staysPending(id: string) {
  await recoverRuns(platform, { pendingOlderThanMs: 0 });
  await new Promise((r) => setTimeout(r, 1_200));
  expect((await getRun(id)).status).toBe('PENDING');
}
const DAY = 86_400_000;

describe('holdSlotWhileWaiting', () => {
  it('with the flag a second run stays PENDING while the first waits; it starts once the wait ends', async () => {
    const wf = await workflow('hold-slot', true);
    const a = await trigger(wf);
    await waiting(a);
    const b = await trigger(wf);
    await staysPending(b);
    const held = await holders(wf);
    expect(held.map((h) => h.holder)).toEqual([a]);
    // Leased past the longest wait, not a worker's heartbeat: no worker renews it while a waits.
    expect(held[0]!.expiresInMs).toBeGreaterThan(300 * DAY);

    await api(host.url, 'POST', `/api/runs/${a}/signals/go`, {});
    expect((await finished(a)).status).toBe('SUCCEEDED');
    await waiting(b);
    expect((await holders(wf)).map((h) => h.holder)).toEqual([b]);
    await api(host.url, 'POST', `/api/runs/${b}/signals/go`, {});
    expect((await finished(b)).status).toBe('SUCCEEDED');
    expect(await holders(wf)).toEqual([]);
    await recoverRuns(platform);
    expect(await heldRecords([a, b])).toBe(0);
  });

  it('without the flag the waiting run lets its slot go: the second run starts and waits too', async () => {
    const wf = await workflow('free-slot', false);
    const a = await trigger(wf);
    await waiting(a);
    const b = await trigger(wf);
    await waiting(b);
    expect(await holders(wf)).toEqual([]);
    expect(await heldRecords([a, b])).toBe(0);
    await Promise.all([a, b].map((id) => api(host.url, 'POST', `/api/runs/${id}/signals/go`, {})));
    for (const id of [a, b]) expect((await finished(id)).status).toBe('SUCCEEDED');
  });

  it('a cancel of the waiting run releases its slot at once: the next run starts', async () => {
    const wf = await workflow('hold-cancel', true);
    const a = await trigger(wf);
    await waiting(a);
    const b = await trigger(wf);
    await staysPending(b);
    expect((await api(host.url, 'POST', `/api/runs/${a}/cancel`)).status).toBe(200);
    await waiting(b);
    expect((await holders(wf)).map((h) => h.holder)).toEqual([b]);
    await api(host.url, 'POST', `/api/runs/${b}/cancel`);
    expect(await holders(wf)).toEqual([]);
    await recoverRuns(platform);
    expect(await heldRecords([a, b])).toBe(0);
  });

  it('a timeout ends the wait and the run, which releases the slot', async () => {
    const wf = await workflow('hold-timeout', true, { signal: 'go', timeoutMs: 4_000 });
    const a = await trigger(wf);
    await waiting(a);
    const b = await trigger(wf);
    await staysPending(b);
    const ended = await finished(a);
    // The wait failed with wait_timed_out; `after` (runAfter: always) ran, and the run ended FAILED.
    expect(ended.tasks.find((t: { key: string }) => t.key === 'w').error.code).toBe('wait_timed_out');
    await waiting(b);
    expect((await holders(wf)).map((h) => h.holder)).toEqual([b]);
    await api(host.url, 'POST', `/api/runs/${b}/signals/go`, {});
    await finished(b);
    expect(await holders(wf)).toEqual([]);
  });

  it('the sweep releases a slot whose release the cancel could not make', async () => {
    const wf = await workflow('hold-sweep', true);
    const a = await trigger(wf);
    await waiting(a);
    // The run ends without the cancel path (as when Redis was down during the cancel): the slot stays held…
    await platform.db.query(`UPDATE workflow_runs SET status = 'CANCELLED', finished_at = now() WHERE id = $1::uuid`, [a]);
    expect((await holders(wf)).map((h) => h.holder)).toEqual([a]);
    // …until the sweep finds the record of it on an ended run.
    const swept = await recoverRuns(platform);
    expect(swept.heldSlots).toBeGreaterThanOrEqual(1);
    expect(await holders(wf)).toEqual([]);
    expect(await heldRecords([a])).toBe(0);
  });
});
