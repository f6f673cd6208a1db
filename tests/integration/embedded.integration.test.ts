/**
 * Embedded defaults: with no DATABASE_URL and no REDIS_URL the platform runs on PGlite (real
 * PostgreSQL in WASM behind a loopback socket, persisted under the data directory) and the
 * in-process queue, and the whole lifecycle works — and survives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../shared/config';
import { createPlatform, describeBackends, type Platform } from '../../shared/platform';
import { Worker } from '../../shared/engine/worker';
import { sweepPendingRuns } from '../../shared/engine/recovery-sweep';
import { api, startTestHost, waitFor } from '../helpers/test-platform';

// PGlite (WASM) is CPU-bound: generous limits keep this honest on a loaded 2-core machine.
vi.setConfig({ testTimeout: 180_000 });

const dataDir = mkdtempSync(join(tmpdir(), 'demiton-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const embeddedConfig = () => loadConfig({ DEMITON_DEV_MODE: 'on', DEMITON_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

describe('embedded PostgreSQL (PGlite) and embedded queue', () => {
  let pendingId = '';
  let workflowId = '';

  it('runs a workflow with nested and chunked tasks to SUCCEEDED', async () => {
    const platform: Platform = await createPlatform(embeddedConfig());
    expect(platform.db.backend).toBe('pglite');
    expect(platform.queue.backend).toBe('embedded');
    expect(describeBackends(platform)).toMatch(/embedded PostgreSQL \(PGlite/);
    const host = await startTestHost(platform);
    const worker = new Worker(platform, { concurrency: 4, pollMs: 50 });
    worker.start();
    try {
      expect((await api(host.url, 'GET', '/api/health')).body).toMatchObject({
        status: 'ok',
        checks: { database: { backend: 'pglite' }, queue: { backend: 'embedded' } },
      });
      await api(host.url, 'POST', '/api/workflows', {
        name: 'child',
        tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: '{{ input.n }}' } }],
      });
      const wf = await api(host.url, 'POST', '/api/workflows', {
        name: 'parent',
        tasks: [
          {
            key: 'each',
            type: 'chunked',
            generator: { connector: 'platform', operation: 'range', input: { count: 30 } },
            each: { workflow: 'child', input: { n: '{{ record.index }}' } },
            concurrency: 4,
          },
          { key: 'nested', type: 'workflow', workflow: 'child', input: { n: '{{ steps.each.total }}' } },
        ],
      });
      workflowId = wf.body.id;
      const trig = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: {} });
      const run = await waitFor(async () => {
        const r = await api(host.url, 'GET', `/api/runs/${trig.body.id}`);
        return r.body.status === 'SUCCEEDED' || r.body.status === 'FAILED' ? r.body : null;
      }, 150_000);
      expect(run.status).toBe('SUCCEEDED');
      expect(run.tasks[0].chunks).toEqual({ total: 30, succeeded: 30, failed: 0, running: 0 });
      expect(run.output).toEqual({ n: 30 });
      // Leave one run PENDING (no worker will see it) to check that a restart picks it up.
      await worker.stop();
      pendingId = (await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: {} })).body.id;
    } finally {
      await host.close();
      await worker.stop();
      await platform.close();
    }
  });

  it('keeps its data across a restart and finishes runs left PENDING', async () => {
    const platform = await createPlatform(embeddedConfig());
    try {
      // The embedded queue starts empty: the start-up sweep (as the local host does) re-enqueues PENDING runs.
      expect(await sweepPendingRuns(platform, 0)).toBe(1);
      const worker = new Worker(platform, { concurrency: 2, pollMs: 50 });
      worker.start();
      await waitFor(
        async () =>
          (await platform.db.query("SELECT 1 FROM workflow_runs WHERE id = $1::uuid AND status = 'SUCCEEDED'", [pendingId])).rowCount,
        150_000,
      );
      await worker.stop();
      const { rows } = await platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM workflows WHERE id = $1::uuid', [
        workflowId,
      ]);
      expect(rows[0]!.n).toBe('1');
    } finally {
      await platform.close();
    }
  });
});
