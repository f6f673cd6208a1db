/**
 * "Why is this run waiting?" on real PostgreSQL and Redis: GET /api/runs/{id} explains a PENDING
 * run (queue position; the runs holding the concurrency slot it needs), a RUNNING run whose
 * worker stopped renewing its lease, and a RUNNING run whose task waits for a connector's
 * `maxInFlight` (the connector and the runs holding its slots); a run that is not waiting has no
 * explanation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../helpers/test-platform';
import { probeOverrides, probeState } from './reliability/probe-adapter';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker | null = null;

beforeAll(async () => {
  platform = await createTestPlatform({ overrides: probeOverrides(probeState()) });
  host = await startTestHost(platform);
});

afterAll(async () => {
  await host.close();
  await worker?.stop();
  await platform.close();
});

async function workflow(def: Record<string, unknown>): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}
async function trigger(wf: string, input: Record<string, unknown> = {}): Promise<string> {
  const r = await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input });
  expect(r.status).toBe(202);
  return r.body.id;
}
const getRun = async (id: string) => (await api(host.url, 'GET', `/api/runs/${id}`)).body;

describe('why is this run waiting', () => {
  it('a queued run: its position among the older PENDING runs', async () => {
    const wf = await workflow({ name: 'queued', tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }] });
    const ids = [await trigger(wf), await trigger(wf), await trigger(wf)];
    const third = await getRun(ids[2]!);
    expect(third.status).toBe('PENDING');
    expect(third.waiting).toEqual({ reason: 'queued', queuePosition: 3, message: 'Queued: 2 older runs are waiting before it.' });
    expect((await getRun(ids[0]!)).waiting).toMatchObject({ reason: 'queued', queuePosition: 1 });
    // Lists carry no explanation.
    const listed = (await api(host.url, 'GET', `/api/runs?workflowId=${wf}`)).body.items[0];
    expect(listed.waiting).toBeUndefined();
  });

  it('a run over its workflow concurrency limit names the run holding the slot; an ended run has no explanation', async () => {
    worker = new Worker(platform, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
    worker.start();
    const wf = await workflow({
      name: 'one-at-a-time',
      concurrency: { limit: 1, key: 'input.customer' },
      tasks: [{ key: 'h', type: 'atomic', connector: 'probe', operation: 'hang', input: { ms: 3_000 } }],
    });
    const holder = await trigger(wf, { customer: 'c1' });
    await waitFor(async () => ((await getRun(holder)).status === 'RUNNING' ? true : null));
    expect((await getRun(holder)).waiting).toBeNull();
    const other = await trigger(wf, { customer: 'c2' });
    const parked = await trigger(wf, { customer: 'c1' });
    // The claim takes it, is refused the slot and puts it back PENDING (parked).
    const waiting = await waitFor(async () => {
      const r = await getRun(parked);
      return r.status === 'PENDING' && r.waiting?.reason === 'concurrency_limit' ? r.waiting : null;
    });
    expect(waiting).toEqual({
      reason: 'concurrency_limit',
      heldBy: [holder],
      limit: 1,
      message: `Waiting for a concurrency slot: the workflow allows 1 at once per key, held by run ${holder}.`,
    });
    // Another key is not held by the first run.
    expect((await getRun(other)).waiting?.heldBy).toBeUndefined();
    const done = await waitFor(async () => {
      const r = await getRun(parked);
      return r.status === 'SUCCEEDED' ? r : null;
    }, 20_000);
    expect(done.waiting).toBeNull();
  });

  it('a RUNNING run whose lease expired: worker lost, with the lease end', async () => {
    const wf = await workflow({ name: 'lost', tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }] });
    await worker!.stop();
    worker = null;
    const id = await trigger(wf);
    // What a worker killed mid-run leaves behind: RUNNING, its lease run out.
    await platform.db.query(
      `UPDATE workflow_runs SET status = 'RUNNING', lease_owner = 'worker-killed', lease_expires_at = clock_timestamp() - interval '5 seconds',
              started_at = clock_timestamp() WHERE id = $1::uuid`,
      [id],
    );
    const r = await getRun(id);
    expect(r.waiting).toMatchObject({ reason: 'worker_lost', leaseOwner: 'worker-killed' });
    expect(Date.parse(r.waiting.leaseExpiresAt)).toBeLessThan(Date.now());
    expect(r.waiting.message).toContain('stopped renewing the lease');
  });
});

describe('why is this run waiting: a connector limit', () => {
  let limited: TestPlatform;
  let limitedHost: { url: string; close(): Promise<void> };
  let limitedWorker: Worker;

  beforeAll(async () => {
    // The probe connector allows one call at once, across all workers.
    limited = await createTestPlatform({ overrides: probeOverrides(probeState(), 1) });
    limitedHost = await startTestHost(limited);
    limitedWorker = new Worker(limited, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
    limitedWorker.start();
  });

  afterAll(async () => {
    await limitedHost.close();
    await limitedWorker.stop();
    await limited.close();
  });

  it('names the connector, the waiting task and the run holding the slot; the explanation goes when the call starts', async () => {
    const get = async (id: string) => (await api(limitedHost.url, 'GET', `/api/runs/${id}`)).body;
    const created = await api(limitedHost.url, 'POST', '/api/workflows', {
      name: 'through-a-narrow-connector',
      tasks: [
        { key: 'first', type: 'atomic', connector: 'platform', operation: 'echo' },
        { key: 'call', type: 'atomic', connector: 'probe', operation: 'hang', input: { ms: 2_000 } },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const start = async () =>
      (await api(limitedHost.url, 'POST', `/api/workflows/${created.body.id}/runs`, { input: {} })).body.id as string;
    const holder = await start();
    await waitFor(async () => {
      const r = await get(holder);
      return r.status === 'RUNNING' && r.tasks.find((t: { key: string }) => t.key === 'call')?.status === 'RUNNING' ? true : null;
    });
    const waiting = await start();
    const explained = await waitFor(async () => {
      const r = await get(waiting);
      return r.status === 'RUNNING' && r.waiting?.reason === 'connector_limit' ? r.waiting : null;
    });
    expect(explained).toEqual({
      reason: 'connector_limit',
      connector: 'probe',
      task: 'call',
      heldBy: [holder],
      limit: 1,
      message: `Task 'call' waits for connector 'probe', which allows 1 call at once, held by run ${holder}; it goes on when one of them ends.`,
    });
    // The holder itself is running its call, not waiting.
    expect((await get(holder)).waiting).toBeNull();
    // Once the holder ends, the waiting call takes the slot and the explanation goes.
    await waitFor(async () => ((await get(holder)).status === 'SUCCEEDED' ? true : null), 20_000);
    const after = await waitFor(async () => {
      const r = await get(waiting);
      return r.status === 'RUNNING' || r.status === 'SUCCEEDED' ? (r.waiting === null ? r : null) : null;
    });
    expect(after.waiting).toBeNull();
    await waitFor(async () => ((await get(waiting)).status === 'SUCCEEDED' ? true : null), 20_000);
  });
});
