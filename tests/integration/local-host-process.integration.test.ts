/**
 * The two-command start, for real: the compiled local host started as a process and driven over
 * HTTP — on embedded defaults, and on PostgreSQL + Redis with a separate worker process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { api, dropSchema, deleteKeys, randomId, TEST_DATABASE_URL, TEST_REDIS_URL, waitFor } from '../helpers/test-platform';
import { cleanEnv, requireBuild, startNode, type Proc } from '../helpers/processes';

// Starting PGlite (WASM) takes seconds on an idle machine and over a minute on a loaded 2-core one.
vi.setConfig({ testTimeout: 180_000 });
const START = 150_000;

const HOST = requireBuild('functions/local-host/main.js');
const WORKER = requireBuild('functions/worker-main.js');
const procs: Proc[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill('SIGKILL')));
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const start = (file: string, env: Record<string, string>) => {
  const p = startNode(file, cleanEnv({ LOG_LEVEL: 'warn', ...env }));
  procs.push(p);
  return p;
};

async function runToEnd(base: string, workflowId: string, input: unknown) {
  const trig = await api(base, 'POST', `/api/workflows/${workflowId}/runs`, { input });
  expect(trig.status).toBe(202);
  return waitFor(async () => {
    const r = await api(base, 'GET', `/api/runs/${trig.body.id}`);
    return ['SUCCEEDED', 'FAILED'].includes(r.body.status) ? r.body : null;
  }, 60_000);
}

describe('local host process', () => {
  it('starts on embedded defaults, serves API and studio, runs workflows, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'demiton-host-'));
    dirs.push(dataDir);
    const host = start(HOST, { PORT: '0', DEMITON_DATA_DIR: dataDir });
    const [, url] = await host.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, START);
    expect(host.output()).toContain('embedded PostgreSQL (PGlite');
    expect(host.output()).toContain('embedded in-process queue');
    expect(host.output()).toContain('DEVELOPMENT MODE');
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Demiton');
    expect((await api(url!, 'GET', '/api/health')).body.status).toBe('ok');
    const wf = await api(url!, 'POST', '/api/workflows', {
      name: 'hello',
      tasks: [
        { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Hello {{ input.name }}' } },
        {
          key: 'shout',
          type: 'atomic',
          connector: 'platform',
          operation: 'transform',
          input: { expression: '$uppercase(steps.greet.message)' },
        },
      ],
    });
    const run = await runToEnd(url!, wf.body.id, { name: 'Grace' });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toBe('HELLO GRACE');
    expect(await host.kill('SIGTERM')).toBe(0);
  });

  it('runs on PostgreSQL + Redis with the worker in a separate process (DEMITON_WORKER=off)', async () => {
    const schema = `t_${randomId()}`;
    const prefix = `test:${randomId()}`;
    const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
    try {
      const host = start(HOST, { ...env, PORT: '0', DEMITON_WORKER: 'off' });
      const [, url] = await host.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, START);
      expect(host.output()).toMatch(/database: PostgreSQL \(postgres:\/\/postgres@127\.0\.0\.1:5432\/test, schema t_/);
      expect(host.output()).toContain(`queue: Redis (redis://127.0.0.1:6379, prefix ${prefix})`);
      expect(host.output()).toContain('worker: off');
      const wf = await api(url!, 'POST', '/api/workflows', {
        name: 'sep',
        tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: '{{ input.v }}' } }],
      });
      const ids = [];
      for (let v = 0; v < 5; v++) ids.push((await api(url!, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v } })).body.id);
      await new Promise((r) => setTimeout(r, 300));
      for (const id of ids) expect((await api(url!, 'GET', `/api/runs/${id}`)).body.status).toBe('PENDING');
      const worker = start(WORKER, { ...env, WORKER_CONCURRENCY: '2' });
      await worker.waitFor(/worker .* started/, START);
      for (const id of ids) {
        const done = await waitFor(async () => {
          const r = await api(url!, 'GET', `/api/runs/${id}`);
          return r.body.status === 'SUCCEEDED' ? r.body : null;
        }, 60_000);
        expect(done.output).toHaveProperty('v');
      }
      expect(await worker.kill('SIGTERM')).toBe(0);
    } finally {
      await Promise.all(procs.splice(0).map((p) => p.kill('SIGKILL')));
      await dropSchema(schema);
      await deleteKeys(`${prefix}:*`);
    }
  });

  it('refuses to bind beyond loopback in development mode, naming HOST', async () => {
    const host = start(HOST, { PORT: '0', HOST: '0.0.0.0', DEMITON_DATA_DIR: mkdtempSync(join(tmpdir(), 'demiton-host-')) });
    expect(await host.exited).toBe(1);
    expect(host.output()).toMatch(/HOST: development mode .* binds to loopback only/);
  });

  it('refuses invalid configuration with a message naming the variable', async () => {
    const host = start(HOST, { PORT: 'seventy' });
    expect(await host.exited).toBe(1);
    expect(host.output()).toContain('PORT: expected a whole number');
  });

  it('refuses to start a separate worker on embedded backends, naming what is missing', async () => {
    const worker = start(WORKER, {});
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('DATABASE_URL: required for a separate worker process');
    expect(worker.output()).toContain('REDIS_URL: required for a separate worker process');
  });
});
