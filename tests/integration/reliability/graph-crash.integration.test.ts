/**
 * Crashes in graph runs, with real processes on the real PostgreSQL and Redis of this machine: a
 * worker process of the compiled build is SIGKILLed while parallel branches run, and another
 * worker resumes each run from the tasks not yet ended. Tasks that SUCCEEDED or were SKIPPED
 * never run again; every branch in flight runs again under the same TaskRun id (the same
 * idempotency key); handlers, finally tasks and a collecting loop still end as they would have.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, waitFor } from '../../helpers/test-platform';
import { crashStack, sweepLoop } from './fault-kit';

const stack = crashStack();
const { createWorkflow } = stack;

async function tasksOf(runId: string) {
  const { rows } = await stack.platform.db.query<{ id: string; key: string; status: string; attempts: number }>(
    'SELECT id, key, status, attempts FROM task_runs WHERE run_id = $1::uuid ORDER BY position',
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.key, r]));
}

/** Kills a fresh worker process once `ready` holds for every run, then resumes the runs in this process. */
async function killMidRunAndResume(ids: string[], ready: (runId: string) => Promise<boolean>, timeoutMs = 60_000) {
  const victim = stack.worker();
  await victim.waitFor(/worker .* started/);
  for (const id of ids) await waitFor(() => ready(id), 30_000, 50);
  await victim.kill('SIGKILL');
  const rescuer = new Worker(stack.platform, { concurrency: 8, pollMs: 100 });
  rescuer.start();
  const sweep = sweepLoop(stack.platform);
  try {
    for (const id of ids)
      await waitFor(
        async () => ['SUCCEEDED', 'FAILED'].includes((await api(stack.host.url, 'GET', `/api/runs/${id}`)).body.status),
        timeoutMs,
        100,
      );
  } finally {
    await sweep.stop();
    await rescuer.stop();
  }
}

describe('a worker killed while parallel branches run', () => {
  it('resumes every branch in flight; succeeded and skipped tasks never run again; the join runs once', async () => {
    const nap = (key: string) => ({
      key,
      type: 'atomic',
      connector: 'platform',
      operation: 'sleep',
      needs: ['before'],
      input: { ms: 4_000 },
    });
    const wf = await createWorkflow({
      name: 'branches-crash',
      tasks: [
        { key: 'before', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'before' } },
        nap('n1'),
        nap('n2'),
        nap('n3'),
        { key: 'quick', type: 'atomic', connector: 'platform', operation: 'probeEffect', needs: ['before'], input: { label: 'quick' } },
        {
          key: 'never',
          type: 'atomic',
          connector: 'platform',
          operation: 'probeEffect',
          needs: ['before'],
          when: 'input.flag = true',
          input: { label: 'never' },
        },
        {
          key: 'join',
          type: 'atomic',
          connector: 'platform',
          operation: 'probeEffect',
          needs: ['n1', 'n2', 'n3', 'quick', 'never'],
          input: { label: 'join' },
        },
      ],
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { flag: false } })).body.id);
    await killMidRunAndResume(ids, async (id) => {
      const t = await tasksOf(id);
      return (
        ['n1', 'n2', 'n3'].every((k) => t[k]!.status === 'RUNNING') &&
        t['quick']!.status === 'SUCCEEDED' &&
        t['never']!.status === 'SKIPPED'
      );
    });
    for (const id of ids) {
      const run = (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body;
      expect(run.status).toBe('SUCCEEDED');
      const t = await tasksOf(id);
      expect(Object.fromEntries(Object.values(t).map((x) => [x.key, [x.status, x.attempts]]))).toEqual({
        before: ['SUCCEEDED', 1],
        n1: ['SUCCEEDED', 2],
        n2: ['SUCCEEDED', 2],
        n3: ['SUCCEEDED', 2],
        quick: ['SUCCEEDED', 1],
        never: ['SKIPPED', 0],
        join: ['SUCCEEDED', 1],
      });
      // Effects: those that ended before the crash were delivered once; the skipped one never.
      expect(stack.probe.deliveries.get(t['before']!.id)).toBe(1);
      expect(stack.probe.deliveries.get(t['quick']!.id)).toBe(1);
      expect(stack.probe.deliveries.get(t['never']!.id)).toBeUndefined();
      expect(stack.probe.deliveries.get(t['join']!.id)).toBeGreaterThanOrEqual(1);
    }
  }, 180_000);
});

describe('a worker killed during a collecting loop followed by a catch and a finally', () => {
  it('the loop collects all 1,000 results across the crash, the handled failure leaves the run SUCCEEDED, the finally runs', async () => {
    const wf = await createWorkflow({
      name: 'collect-catch-crash',
      tasks: [
        {
          key: 'loop',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 1000 } },
          each: { connector: 'platform', operation: 'sleep', input: { ms: '{{ 30 + record.index % 3 }}' } },
          concurrency: 10,
          collect: true,
        },
        {
          key: 'post',
          type: 'atomic',
          connector: 'platform',
          operation: 'fail',
          input: { message: 'posting refused after {{ $count(steps.loop.results) }} records' },
        },
        {
          key: 'catch',
          type: 'atomic',
          connector: 'platform',
          operation: 'probeEffect',
          needs: ['post'],
          runAfter: 'failure',
          input: { label: '{{ steps.post.error.message }}' },
        },
        {
          key: 'finally',
          type: 'atomic',
          connector: 'platform',
          operation: 'probeEffect',
          needs: ['catch'],
          runAfter: 'always',
          input: { label: 'finally' },
        },
      ],
    });
    const id = (await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
    await killMidRunAndResume(
      [id],
      async (runId) => {
        const { rows } = await stack.platform.db.query<{ n: string }>(
          `SELECT count(*) AS n FROM chunk_runs WHERE run_id = $1::uuid AND status = 'SUCCEEDED'`,
          [runId],
        );
        return Number(rows[0]!.n) >= 100;
      },
      120_000,
    );
    const run = (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body;
    expect(run.status).toBe('SUCCEEDED');
    const t = Object.fromEntries(run.tasks.map((x: { key: string }) => [x.key, x]));
    expect(t.loop.status).toBe('SUCCEEDED');
    expect(t.loop.output.results).toHaveLength(1000);
    expect(t.loop.output.results.every((r: { sleptMs: number } | null) => r !== null && typeof r.sleptMs === 'number')).toBe(true);
    expect([t.post.status, t.post.handled, t.catch.status, t.finally.status]).toEqual(['FAILED', true, 'SUCCEEDED', 'SUCCEEDED']);
    const rows = await tasksOf(id);
    expect(stack.probe.labels.get(rows['catch']!.id)).toBe('posting refused after 1000 records');
    // One chunk row per record: none was started twice under a new id.
    const { rows: chunks } = await stack.platform.db.query<{ n: string }>('SELECT count(*) AS n FROM chunk_runs WHERE run_id = $1::uuid', [
      id,
    ]);
    expect(Number(chunks[0]!.n)).toBe(1000);
  }, 240_000);
});

describe('a worker killed after an upsert-if-exists branch', () => {
  it('keeps the branch taken and the one skipped, writes the customer once, and posts the order', async () => {
    const bo = await api(stack.host.url, 'POST', '/api/business-object-types', {
      name: 'Client',
      keyField: 'id',
      schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, visits: { type: 'integer' } } },
    });
    expect(bo.status).toBe(201);
    const wf = await createWorkflow({
      name: 'upsert-crash',
      tasks: [
        {
          key: 'lookup',
          type: 'atomic',
          connector: 'platform',
          operation: 'queryBusinessObjects',
          input: { type: 'Client', filter: { id: '{{ input.id }}' } },
        },
        {
          key: 'update',
          type: 'atomic',
          connector: 'platform',
          operation: 'upsertBusinessObject',
          needs: ['lookup'],
          when: '$count(steps.lookup.items) > 0',
          input: { type: 'Client', record: { id: '{{ input.id }}', visits: '{{ steps.lookup.items[0].data.visits + 1 }}' } },
        },
        {
          key: 'create',
          type: 'atomic',
          connector: 'platform',
          operation: 'upsertBusinessObject',
          needs: ['lookup'],
          when: '$count(steps.lookup.items) = 0',
          input: { type: 'Client', record: { id: '{{ input.id }}', visits: 1 } },
        },
        { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', needs: ['update', 'create'], input: { ms: 3_000 } },
        { key: 'post', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'order for {{ input.id }}' } },
      ],
    });
    const ids = [];
    for (const c of ['k-1', 'k-2'])
      ids.push((await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { id: c } })).body.id as string);
    await killMidRunAndResume(ids, async (id) => (await tasksOf(id))['nap']!.status === 'RUNNING');
    for (const id of ids) {
      expect((await api(stack.host.url, 'GET', `/api/runs/${id}`)).body.status).toBe('SUCCEEDED');
      const t = await tasksOf(id);
      expect(Object.fromEntries(Object.values(t).map((x) => [x.key, [x.status, x.attempts]]))).toEqual({
        lookup: ['SUCCEEDED', 1],
        update: ['SKIPPED', 0],
        create: ['SUCCEEDED', 1],
        nap: ['SUCCEEDED', 2],
        post: ['SUCCEEDED', 1],
      });
    }
    // Each customer was written once (version 1), by the create branch.
    const { rows } = await stack.platform.db.query<{ key: string; version: number; data: unknown }>(
      `SELECT key, version, data FROM business_objects ORDER BY key`,
    );
    expect(rows.map((r) => [r.key, r.version, r.data])).toEqual([
      ['k-1', 1, { id: 'k-1', visits: 1 }],
      ['k-2', 1, { id: 'k-2', visits: 1 }],
    ]);
  }, 180_000);
});

describe('a worker killed inside a switch whose run then fails and alerts', () => {
  it('each run takes its one branch across the crash, ends FAILED, and starts exactly one alert run', async () => {
    await createWorkflow({
      name: 'crash-alert',
      tasks: [{ key: 'note', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'alert {{ input.task }}' } }],
    });
    const branch = (key: string, when: string) => ({
      key,
      type: 'atomic',
      connector: 'platform',
      operation: 'sleep',
      needs: ['start'],
      when,
      input: { ms: 3_000 },
    });
    const wf = await createWorkflow({
      name: 'switch-crash',
      onFailure: { workflow: 'crash-alert', input: { task: '{{ failure.task }}', run: '{{ failure.runId }}' } },
      tasks: [
        { key: 'start', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'start' } },
        branch('small', 'input.amount < 100'),
        branch('medium', 'input.amount >= 100 and input.amount < 1000'),
        branch('large', 'input.amount >= 1000'),
        {
          key: 'post',
          type: 'atomic',
          connector: 'platform',
          operation: 'fail',
          needs: ['small', 'medium', 'large'],
          input: { message: 'ledger closed' },
        },
        {
          key: 'fin',
          type: 'atomic',
          connector: 'platform',
          operation: 'probeEffect',
          needs: ['post'],
          runAfter: 'always',
          input: { label: 'finally' },
        },
      ],
    });
    const amounts = { small: 5, medium: 500, large: 5000 } as const;
    const ids: Record<string, string> = {};
    for (const [size, amount] of Object.entries(amounts))
      ids[size] = (await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { amount } })).body.id;
    await killMidRunAndResume(Object.values(ids), async (id) =>
      Object.values(await tasksOf(id)).some((t) => t.key !== 'start' && t.status === 'RUNNING'),
    );
    for (const [size, id] of Object.entries(ids)) {
      const run = (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body;
      expect(run.status).toBe('FAILED');
      expect(run.error).toMatchObject({ code: 'platform_fail', taskKey: 'post' });
      const t = await tasksOf(id);
      for (const k of ['small', 'medium', 'large']) expect([k, t[k]!.status]).toEqual([k, k === size ? 'SUCCEEDED' : 'SKIPPED']);
      expect(t[size]!.attempts).toBe(2);
      expect(stack.probe.deliveries.get(t['start']!.id)).toBe(1);
      // The unhandled failure still let the finally run, once.
      expect([t['post']!.status, t['fin']!.status, t['fin']!.attempts]).toEqual(['FAILED', 'SUCCEEDED', 1]);
      // Exactly one alert for the one failed attempt, and it ran.
      const alerts = await waitFor(async () => {
        const { rows } = await stack.platform.db.query<{ id: string; status: string }>(
          'SELECT id, status FROM workflow_runs WHERE on_failure_of = $1::uuid',
          [id],
        );
        return rows.length === 1 && rows[0]!.status === 'SUCCEEDED' ? rows : null;
      }, 30_000);
      expect(alerts).toHaveLength(1);
    }
  }, 180_000);
});
