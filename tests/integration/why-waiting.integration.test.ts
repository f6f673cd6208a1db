/**
 * "Why is this run waiting?" on real PostgreSQL and Redis: GET /api/runs/{id} explains a PENDING
 * run (queue position; the runs holding the concurrency slot it needs) and a RUNNING run whose
 * worker stopped renewing its lease; a run that is not waiting has no explanation.
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
