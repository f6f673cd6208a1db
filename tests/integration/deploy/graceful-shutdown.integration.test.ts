/**
 * Graceful shutdown (SIGTERM, or the Functions host draining an instance): the worker stops
 * taking work, lets runs in hand finish within the grace period, and hands back the rest: lease
 * expired, message back on the queue, so another worker resumes the run from its first
 * unfinished task. Real PostgreSQL and Redis; the long task is an operation that waits until the
 * test opens a gate (or its AbortSignal fires).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterRegistration, CallOperation, ConnectorDescriptor } from '../../../shared/adapters/adapter';
import { createDefaultRegistry } from '../../../shared/adapters/registry';
import { builtInConnectors } from '../../../shared/connectors/connector-lookup';
import { Worker } from '../../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';

let gateOpen = false;
let gateCalls = 0;
let firstCalls = 0;

const wait: CallOperation = {
  kind: 'call',
  description: 'Waits until the test opens the gate, or until aborted.',
  input: z.object({}),
  async run(_input, ctx) {
    gateCalls++;
    while (!gateOpen) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { passed: true };
  },
};
const count: CallOperation = {
  kind: 'call',
  description: 'Counts its calls.',
  input: z.object({}),
  async run() {
    firstCalls++;
    return { n: firstCalls };
  },
};
let holdOpen = false;
const hold: CallOperation = {
  kind: 'call',
  description: 'Waits until the test releases it, or until aborted.',
  input: z.object({}),
  async run(_input, ctx) {
    while (!holdOpen) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { released: true };
  },
};
const gateAdapter: AdapterRegistration = {
  systemType: 'test-gate',
  category: 'platform',
  operations: { wait, count, hold },
  create: () => ({ systemType: 'test-gate', category: 'platform', operations: { wait, count, hold } }),
};
const GATE: ConnectorDescriptor = {
  id: '00000000-0000-4000-8000-0000000000aa',
  name: 'gate',
  systemType: 'test-gate',
  settings: {},
  secrets: {},
};

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
const workers: Worker[] = [];

beforeAll(async () => {
  const registry = createDefaultRegistry();
  registry.register(gateAdapter);
  platform = await createTestPlatform({
    overrides: { registry, connectors: { find: async (o, p, name) => (name === 'gate' ? GATE : builtInConnectors.find(o, p, name)) } },
  });
  host = await startTestHost(platform);
});

afterAll(async () => {
  gateOpen = true;
  holdOpen = true;
  for (const w of workers) await w.stop();
  await host?.close();
  await platform?.close();
});

const getRun = async (id: string) => (await api(host.url, 'GET', `/api/runs/${id}`)).body;

describe('graceful shutdown', () => {
  it('a run that finishes within the grace period is finished by the stopping worker', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'quick',
      tasks: [{ key: 's', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 300 } }],
    });
    expect(wf.status).toBe(201);
    const a = new Worker(platform, { concurrency: 2, pollMs: 100, workerId: 'quick-a', shutdownGraceMs: 10_000 });
    a.start();
    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    await waitFor(async () => ((await getRun(run.body.id)).status === 'RUNNING' ? true : null));
    await a.stop();
    expect((await getRun(run.body.id)).status).toBe('SUCCEEDED');
    expect(a.completed).toBe(1);
  });

  it('hands back a run still going at the deadline; another worker finishes it without redoing finished tasks', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'long',
      tasks: [
        { key: 'first', type: 'atomic', connector: 'gate', operation: 'count', input: {} },
        { key: 'long', type: 'atomic', connector: 'gate', operation: 'wait', input: {} },
        { key: 'last', type: 'atomic', connector: 'platform', operation: 'echo', input: { done: true } },
      ],
    });
    expect(wf.status).toBe(201);
    const a = new Worker(platform, { concurrency: 2, pollMs: 100, workerId: 'stopping-a', shutdownGraceMs: 300 });
    a.start();
    const trig = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    const runId = trig.body.id as string;
    await waitFor(async () => (gateCalls === 1 ? true : null));

    await a.stop();
    // Handed back: not failed, nothing held by the stopped worker, the message back on the queue.
    const handed = await getRun(runId);
    expect(handed.status).toBe('RUNNING');
    expect(handed.tasks.map((t: { key: string; status: string }) => [t.key, t.status])).toEqual([
      ['first', 'SUCCEEDED'],
      ['long', 'RUNNING'],
      ['last', 'PENDING'],
    ]);
    expect(await platform.queue.depth()).toBe(1);
    expect(await platform.queue.requeueProcessing('stopping-a')).toBe(0);
    expect(a.completed).toBe(0);

    gateOpen = true;
    const b = new Worker(platform, { concurrency: 2, pollMs: 100, workerId: 'resuming-b' });
    workers.push(b);
    b.start();
    const done = await waitFor(async () => {
      const r = await getRun(runId);
      return r.status === 'SUCCEEDED' || r.status === 'FAILED' ? r : null;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.tasks.map((t: { status: string }) => t.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(firstCalls).toBe(1); // the finished task was not executed again
    expect(gateCalls).toBe(2); // the interrupted task ran again on the second worker
    // A hand-back is not a crash: it counts nothing toward worker_crashed.
    const { rows } = await platform.db.query<{ n: number }>(
      'SELECT max(interrupted_attempts) AS n FROM task_runs WHERE run_id = $1::uuid',
      [runId],
    );
    expect(rows[0]!.n).toBe(0);
    expect(b.completed).toBe(1);
  });

  it('with the deployed grace, stop returns within the Functions host window (~5 s) from inside a long blocking reserve, runs handed back', async () => {
    const bicep = readFileSync(join(__dirname, '..', '..', '..', 'bicep', 'modules', 'function-app.bicep'), 'utf8');
    const graceSeconds = Number(/WORKER_SHUTDOWN_GRACE_SECONDS: '(\d+)'/.exec(bicep)?.[1]);
    expect(graceSeconds).toBeGreaterThan(0);
    expect(graceSeconds).toBeLessThanOrEqual(4);
    for (const w of workers.splice(0)) await w.stop(); // no other worker drains the queue here
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'held',
      tasks: [{ key: 'h', type: 'atomic', connector: 'gate', operation: 'hold', input: {} }],
    });
    // One slot: after the first run the worker sits in a blocking reserve of 30 s (far longer than the window).
    const a = new Worker(platform, { concurrency: 2, pollMs: 30_000, workerId: 'deployed-grace', shutdownGraceMs: graceSeconds * 1000 });
    a.start();
    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    await waitFor(async () => ((await getRun(run.body.id)).status === 'RUNNING' ? true : null));
    await new Promise((r) => setTimeout(r, 200)); // the loop is back in its blocking reserve
    const started = performance.now();
    await a.stop();
    const took = performance.now() - started;
    expect(took).toBeLessThan(5_000);
    expect(took).toBeGreaterThanOrEqual(graceSeconds * 1000 - 50);
    expect((await getRun(run.body.id)).status).toBe('RUNNING'); // handed back, not failed
    // A message arriving now is taken by that still-blocking reserve and handed straight back, never started.
    const late = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    await waitFor(async () => ((await platform.queue.depth()) === 2 ? true : null));
    expect((await getRun(late.body.id)).status).toBe('PENDING');
    holdOpen = true;
    const b = new Worker(platform, { concurrency: 2, pollMs: 100, workerId: 'after-grace' });
    workers.push(b);
    b.start();
    for (const id of [run.body.id, late.body.id]) {
      const done = await waitFor(async () => ((await getRun(id)).status === 'SUCCEEDED' ? true : null));
      expect(done).toBe(true);
    }
  });
});
