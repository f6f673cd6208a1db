/**
 * Fault injection with real processes on the real PostgreSQL and Redis of this machine (isolated
 * by schema and key prefix): worker processes of the compiled build are SIGKILLed mid-task and
 * the runs still end SUCCEEDED, every effect delivered at least once and every succeeded task
 * recorded once; a flushed queue is rebuilt from the database by the sweep; and a load of runs
 * triggered over several HTTP connections survives workers killed and restarted under it.
 */
import { describe, expect, it } from 'vitest';
import { recoverRuns } from '../../../shared/engine/recovery-sweep';
import { Worker } from '../../../shared/engine/worker';
import { api, deleteKeys, waitFor } from '../../helpers/test-platform';
import type { Proc } from '../../helpers/processes';
import { crashStack, sweepLoop } from './fault-kit';

const stack = crashStack();
const { createWorkflow } = stack;
const worker = () => stack.worker();

async function statusCounts(workflowId: string): Promise<Record<string, number>> {
  const { rows } = await stack.platform.db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM workflow_runs WHERE workflow_id = $1::uuid GROUP BY status',
    [workflowId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

async function taskRows(workflowId: string) {
  const { rows } = await stack.platform.db.query<{ id: string; run_id: string; key: string; status: string; attempts: number }>(
    `SELECT t.id, t.run_id, t.key, t.status, t.attempts FROM task_runs t JOIN workflow_runs r ON r.id = t.run_id
      WHERE r.workflow_id = $1::uuid ORDER BY t.run_id, t.position`,
    [workflowId],
  );
  return rows;
}

describe('a worker killed mid-task', () => {
  it('another worker resumes each run at the interrupted task; succeeded tasks never run again', async () => {
    const wf = await createWorkflow({
      name: 'long-task',
      tasks: [
        { key: 'before', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'before' } },
        { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 5_000 } },
        { key: 'after', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'after' } },
      ],
    });
    const victim = worker();
    await victim.waitFor(/worker .* started/);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { i } })).body.id);
    // Every run is in its long task, held by the victim.
    await waitFor(async () => (await taskRows(wf)).filter((t) => t.key === 'nap' && t.status === 'RUNNING').length === 4, 20_000);
    await victim.kill('SIGKILL');
    // The rescuer runs in this process (a process would take seconds to boot); the victim was real.
    const rescuer = new Worker(stack.platform, { concurrency: 8, pollMs: 100 });
    rescuer.start();
    const sweep = sweepLoop(stack.platform);
    try {
      await waitFor(async () => (await statusCounts(wf))['SUCCEEDED'] === 4, 30_000, 100);
    } finally {
      await sweep.stop();
    }
    expect(await statusCounts(wf)).toEqual({ SUCCEEDED: 4 });
    const tasks = await taskRows(wf);
    expect(tasks).toHaveLength(12);
    for (const t of tasks) {
      expect(t.status).toBe('SUCCEEDED');
      // The task that was running when the worker died ran again; the others ran once.
      expect([t.key, t.attempts]).toEqual([t.key, t.key === 'nap' ? 2 : 1]);
      const delivered = stack.probe.deliveries.get(t.id) ?? 0;
      if (t.key === 'before') expect(delivered).toBe(1);
      if (t.key === 'after') expect(delivered).toBeGreaterThanOrEqual(1);
    }
    await rescuer.stop();
  }, 240_000);
});

describe('a worker killed in the middle of a fan-out', () => {
  it('resumes the chunked task: finished chunks and their child runs never run again, children in flight resume', async () => {
    await createWorkflow({
      name: 'leaf',
      tasks: [
        { key: 'fx', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'leaf' } },
        { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 1_500 } },
      ],
    });
    const wf = await createWorkflow({
      name: 'fan-out',
      tasks: [
        {
          key: 'each',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 12 } },
          each: { workflow: 'leaf', input: { i: '{{ record.index }}' } },
          concurrency: 3,
        },
      ],
    });
    const victim = worker();
    await victim.waitFor(/worker .* started/);
    const id = (await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
    const chunkStates = async () =>
      (
        await stack.platform.db.query<{ status: string; n: string }>(
          'SELECT status, count(*) AS n FROM chunk_runs WHERE run_id = $1::uuid GROUP BY status',
          [id],
        )
      ).rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.status]: Number(r.n) }), {});
    // Some chunks done, some in flight: kill.
    await waitFor(
      async () => {
        const c = await chunkStates();
        return (c['SUCCEEDED'] ?? 0) >= 3 && (c['RUNNING'] ?? 0) >= 1;
      },
      60_000,
      50,
    );
    await victim.kill('SIGKILL');
    const { rows: doneBefore } = await stack.platform.db.query<{ child: string }>(
      `SELECT child_run_id AS child FROM chunk_runs WHERE run_id = $1::uuid AND status = 'SUCCEEDED'`,
      [id],
    );
    const rescuer = new Worker(stack.platform, { concurrency: 8, pollMs: 100 });
    rescuer.start();
    const sweep = sweepLoop(stack.platform);
    try {
      await waitFor(async () => (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body.status === 'SUCCEEDED', 60_000, 100);
    } finally {
      await sweep.stop();
      await rescuer.stop();
    }
    const run = (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body;
    expect(run.tasks[0].chunks).toEqual({ total: 12, succeeded: 12, failed: 0, running: 0 });
    // One chunk row and one child run per record: nothing was started twice.
    expect(await chunkStates()).toEqual({ SUCCEEDED: 12 });
    const { rows: children } = await stack.platform.db.query<{ id: string; status: string }>(
      'SELECT id, status FROM workflow_runs WHERE parent_run_id = $1::uuid',
      [id],
    );
    expect(children).toHaveLength(12);
    expect(children.every((c) => c.status === 'SUCCEEDED')).toBe(true);
    const { rows: fx } = await stack.platform.db.query<{ id: string; run_id: string; attempts: number }>(
      `SELECT t.id, t.run_id, t.attempts FROM task_runs t WHERE t.run_id = ANY($1::uuid[]) AND t.key = 'fx'`,
      [children.map((c) => c.id)],
    );
    const finishedBefore = new Set(doneBefore.map((d) => d.child));
    for (const t of fx) {
      const delivered = stack.probe.deliveries.get(t.id) ?? 0;
      // Chunks finished before the kill were not touched again; every other effect arrived at least once.
      if (finishedBefore.has(t.run_id)) expect([t.attempts, delivered]).toEqual([1, 1]);
      else expect(delivered).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});

describe('the queue loses its messages', () => {
  it('rebuilds the queue from the database after the prefix is flushed with runs pending', async () => {
    const wf = await createWorkflow({
      name: 'flushed',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { i: '{{ input.i }}' } }],
    });
    const ids = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { i } }).then((r) => r.body.id as string),
      ),
    );
    expect(await stack.platform.queue.depth()).toBeGreaterThanOrEqual(25);
    await deleteKeys(`${stack.platform.redisPrefix}:*`);
    expect(await stack.platform.queue.depth()).toBe(0);
    const w = new Worker(stack.platform, { concurrency: 8, pollMs: 100 });
    w.start();
    try {
      // Nothing to do until the sweep puts the PENDING runs back.
      await new Promise((r) => setTimeout(r, 300));
      expect((await statusCounts(wf))['PENDING']).toBe(25);
      const swept = await recoverRuns(stack.platform, { pendingOlderThanMs: 0 });
      expect(swept.pending).toBe(25);
      await waitFor(async () => (await statusCounts(wf))['SUCCEEDED'] === 25, 20_000);
    } finally {
      await w.stop();
    }
    expect(ids).toHaveLength(25);
  });
});

describe('load with workers killed and restarted', () => {
  it('ends every one of N runs SUCCEEDED, exactly N of them', async () => {
    const N = 300;
    const CLIENTS = 6;
    const wf = await createWorkflow({
      name: 'load',
      tasks: [
        { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { i: '{{ input.i }}' } },
        { key: 'fx', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'load' } },
        { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 40 } },
      ],
    });
    let current = [worker(), worker()];
    const sweep = sweepLoop(stack.platform);
    let next = 0;
    const accepted: string[] = [];
    // Several client connections trigger at once; each request carries an Idempotency-Key, so a
    // client retrying after an error can never start a second run.
    const client = async () => {
      for (;;) {
        const i = next++;
        if (i >= N) return;
        for (;;) {
          const r = await api(
            stack.host.url,
            'POST',
            `/api/workflows/${wf}/runs`,
            { input: { i } },
            { 'idempotency-key': `load-${i}` },
          ).catch(() => null);
          if (r?.status === 202) {
            accepted.push(r.body.id);
            break;
          }
          await new Promise((res) => setTimeout(res, 50));
        }
        // Kill and replace a worker at a third and at two thirds of the load.
        if (i === Math.floor(N / 3) || i === Math.floor((2 * N) / 3)) {
          const [dead, alive] = current as [Proc, Proc];
          void dead.kill('SIGKILL');
          current = [alive, worker()];
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: CLIENTS }, client));
      await waitFor(async () => (await statusCounts(wf))['SUCCEEDED'] === N, 150_000, 250);
    } finally {
      await sweep.stop();
    }
    expect(new Set(accepted).size).toBe(N);
    expect(await statusCounts(wf)).toEqual({ SUCCEEDED: N });
    const tasks = await taskRows(wf);
    expect(tasks).toHaveLength(3 * N);
    expect(tasks.every((t) => t.status === 'SUCCEEDED' && t.attempts >= 1)).toBe(true);
    for (const t of tasks.filter((x) => x.key === 'fx')) expect(stack.probe.deliveries.get(t.id) ?? 0).toBeGreaterThanOrEqual(1);
    await Promise.all(current.map((p) => p.kill('SIGTERM')));
  }, 240_000);
});
