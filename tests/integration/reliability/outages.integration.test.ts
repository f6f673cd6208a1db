/**
 * Outages of our own throwaway servers (never the machine's shared ones): a PostgreSQL restarted
 * under load loses no run and leaves none RUNNING; with the database down the trigger endpoint
 * answers 503 with Retry-After and recovers when it is back; a Redis that dies takes its messages
 * with it, a trigger during the outage still commits (the enqueue after the commit fails), and the
 * sweep gets every run to SUCCEEDED once Redis is back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { Worker } from '../../../shared/engine/worker';
import { recoverRuns } from '../../../shared/engine/recovery-sweep';
import { createPlatform, type Platform } from '../../../shared/platform';
import { api, createTestPlatform, deleteKeys, randomId, startTestHost, TEST_REDIS_URL, waitFor } from '../../helpers/test-platform';
import type { Proc } from '../../helpers/processes';
import {
  startOwnPostgres,
  startOwnRedis,
  startProbeServer,
  startWorkerProcess,
  sweepLoop,
  type OwnPostgres,
  type OwnRedis,
  type ProbeServer,
} from './fault-kit';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

async function counts(p: Platform, workflowId: string): Promise<Record<string, number>> {
  const { rows } = await p.db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM workflow_runs WHERE workflow_id = $1::uuid GROUP BY status',
    [workflowId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Triggers with an Idempotency-Key, retrying through outages (503 or a dropped connection). */
async function triggerSurely(url: string, workflowId: string, key: string): Promise<string> {
  for (;;) {
    const r = await api(url, 'POST', `/api/workflows/${workflowId}/runs`, { input: { key } }, { 'idempotency-key': key }).catch(() => null);
    if (r?.status === 202) return r.body.id;
    if (r && r.status !== 503) throw new Error(`unexpected ${r.status}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('PostgreSQL outages (own server)', () => {
  let pg: OwnPostgres;
  let platform: Platform;
  let host: { url: string; close(): Promise<void> };
  let probe: ProbeServer;
  let env: Record<string, string>;

  it('restarted under load: no run is lost or left RUNNING', async () => {
    pg = await startOwnPostgres();
    cleanups.push(() => pg.destroy());
    const prefix = `test:${randomId()}`;
    cleanups.push(() => deleteKeys(`${prefix}:*`));
    env = {
      DEMITON_DEV_MODE: 'on',
      DATABASE_URL: pg.url,
      DATABASE_SCHEMA: 'reliability',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      WORKER_LEASE_MS: '2000',
    };
    platform = await createPlatform(loadConfig(env));
    cleanups.push(() => platform.close());
    host = await startTestHost(platform);
    cleanups.push(() => host.close());
    probe = await startProbeServer();
    cleanups.push(() => probe.close());
    const workers: Proc[] = [startWorkerProcess(env, probe.url), startWorkerProcess(env, probe.url)];
    cleanups.push(() => Promise.all(workers.map((w) => w.kill('SIGKILL'))));
    await Promise.all(workers.map((w) => w.waitFor(/worker .* started/)));
    const wf = (
      await api(host.url, 'POST', '/api/workflows', {
        name: 'through-restart',
        tasks: [
          { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { k: '{{ input.key }}' } },
          { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 150 } },
          { key: 'fx', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'pg' } },
        ],
      })
    ).body.id as string;
    const sweep = sweepLoop(platform, 400);
    try {
      const first = await Promise.all(Array.from({ length: 40 }, (_, i) => triggerSurely(host.url, wf, `a-${i}`)));
      pg.restart();
      const second = await Promise.all(Array.from({ length: 40 }, (_, i) => triggerSurely(host.url, wf, `b-${i}`)));
      expect(new Set([...first, ...second]).size).toBe(80);
      await waitFor(
        async () => (await counts(platform, wf).catch(() => ({}) as Record<string, number>))['SUCCEEDED'] === 80,
        150_000,
        250,
      ).catch(async (err) => {
        throw new Error(
          `${(err as Error).message}: ${JSON.stringify(await counts(platform, wf))}\n${workers.map((w) => w.output().slice(-3000)).join('\n----\n')}`,
        );
      });
    } finally {
      await sweep.stop();
    }
    expect(await counts(platform, wf)).toEqual({ SUCCEEDED: 80 });
    // The workers lived through it: they reconnected rather than died.
    for (const w of workers) expect(w.child.exitCode).toBeNull();
  }, 240_000);

  it('answers 503 with Retry-After while the database is down, and works again when it is back', async () => {
    const wf = (await platform.db.query<{ id: string }>("SELECT id FROM workflows WHERE name = 'through-restart'")).rows[0]!.id;
    pg.stop();
    const down = await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { key: 'down' } });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.body.code).toBe('database_unavailable');
    expect((await api(host.url, 'GET', `/api/workflows/${wf}`)).status).toBe(503);
    pg.start();
    const id = await triggerSurely(host.url, wf, 'after-outage');
    const run = await waitFor(
      async () => {
        const r = await api(host.url, 'GET', `/api/runs/${id}`);
        return r.body?.status === 'SUCCEEDED' ? r.body : null;
      },
      30_000,
      100,
    );
    expect(run.tasks.map((t: { status: string }) => t.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  }, 60_000);
});

describe('Redis outages (own server)', () => {
  let redis: OwnRedis;

  it('loses no committed run when Redis dies with runs queued, or is down at trigger time', async () => {
    redis = await startOwnRedis();
    cleanups.push(() => redis.destroy());
    const platform = await createTestPlatform({ env: { REDIS_URL: redis.url } });
    cleanups.push(() => platform.close());
    const host = await startTestHost(platform);
    cleanups.push(() => host.close());
    const wf = (
      await api(host.url, 'POST', '/api/workflows', {
        name: 'queue-loss',
        tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { k: '{{ input.k }}' } }],
      })
    ).body.id;
    // Queued, then Redis dies (no persistence): the messages are gone.
    const queued = await Promise.all(
      Array.from({ length: 10 }, (_, k) => api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { k } })),
    );
    expect(queued.every((r) => r.status === 202)).toBe(true);
    await redis.stop();
    // Redis down at trigger time: the run is committed and the caller gets it; only the enqueue failed.
    const during = await Promise.all(
      Array.from({ length: 5 }, (_, k) => api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { k: 100 + k } })),
    );
    expect(during.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(await counts(platform, wf)).toEqual({ PENDING: 15 });
    await redis.start();
    const worker = new Worker(platform, { concurrency: 8, pollMs: 100 });
    worker.start();
    cleanups.push(() => worker.stop());
    expect(await platform.queue.depth()).toBe(0);
    await waitFor(
      async () => (await recoverRuns(platform, { pendingOlderThanMs: 0 })).pending >= 0 && (await counts(platform, wf))['SUCCEEDED'] === 15,
      30_000,
      200,
    );
    expect(await counts(platform, wf)).toEqual({ SUCCEEDED: 15 });
    // The running worker lives through another Redis death: it reconnects and takes new work.
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    const after = await Promise.all(
      Array.from({ length: 5 }, (_, k) => api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { k: 200 + k } })),
    );
    expect(after.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    await waitFor(async () => (await counts(platform, wf))['SUCCEEDED'] === 20, 30_000, 200);
  }, 90_000);
});
