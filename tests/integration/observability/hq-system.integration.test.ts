/**
 * GET /api/hq/system on real PostgreSQL and Redis: queue depth and the oldest PENDING run grow
 * while no worker runs; a worker appears within its first heartbeat and drains the queue; the
 * route needs the admin role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker | null = null;

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
});

afterAll(async () => {
  await worker?.stop();
  await host?.close();
  await platform?.close();
});

const status = async () => {
  const r = await api(host.url, 'GET', '/api/hq/system');
  expect(r.status).toBe(200);
  return r.body;
};

describe('GET /api/hq/system', () => {
  let workflowId: string;

  it('starts empty: no queue, no workers, no runs', async () => {
    const s = await status();
    expect(s.queue).toEqual({ backend: 'redis', depth: 0 });
    expect(s.workers).toEqual({ seenLastMinute: 0, items: [] });
    expect(s.runs).toEqual({
      byStatus: { PENDING: 0, RUNNING: 0, WAITING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 },
      oldestPendingAgeSeconds: null,
      waiting: [],
    });
    expect(Date.parse(s.checkedAt)).not.toBeNaN();
  });

  it('shows waiting runs and the age of the oldest while no worker runs', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'hq-probe',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { a: 1 } }],
    });
    expect(wf.status).toBe(201);
    workflowId = wf.body.id;
    for (let i = 0; i < 3; i++) expect((await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: {} })).status).toBe(202);
    // The oldest run's age is measured by the database clock: backdate it rather than wait.
    await platform.db.query(
      "UPDATE workflow_runs SET created_at = created_at - interval '90 seconds' WHERE id = (SELECT id FROM workflow_runs ORDER BY created_at LIMIT 1)",
    );
    const s = await status();
    expect(s.queue.depth).toBe(3);
    expect(s.runs.byStatus.PENDING).toBe(3);
    expect(s.runs.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(90);
  });

  it('lists a running worker and reflects the drained queue', async () => {
    worker = new Worker(platform, { concurrency: 2, pollMs: 100, workerId: 'hq-test-worker' });
    worker.start();
    const s = await waitFor(async () => {
      const x = await status();
      return x.runs.byStatus.SUCCEEDED === 3 ? x : null;
    });
    expect(s.queue.depth).toBe(0);
    expect(s.runs.byStatus.PENDING).toBe(0);
    expect(s.runs.oldestPendingAgeSeconds).toBeNull();
    expect(s.workers.seenLastMinute).toBe(1);
    expect(s.workers.items[0]).toMatchObject({ workerId: 'hq-test-worker', alive: true });
  });

  it('a worker that stops cleanly is no longer listed', async () => {
    await worker!.stop();
    worker = null;
    expect((await status()).workers.seenLastMinute).toBe(0);
  });

  it('needs the admin role', async () => {
    const key = await api(host.url, 'POST', '/api/hq/api-keys', { name: 'viewer-key', role: 'viewer' });
    expect(key.status).toBe(201);
    const r = await api(host.url, 'GET', '/api/hq/system', undefined, { 'x-api-key': key.body.key });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
  });
});
