/**
 * A worker process SIGKILLed during a replay from a chosen task (`POST /api/runs/{id}/retry` with
 * `fromTask`), on the real PostgreSQL and Redis of this machine: the task before `fromTask` never
 * runs again and keeps the output copied from the first attempt, the replayed task is delivered
 * exactly once more (under its same idempotency key), and the tasks after it once each.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, waitFor } from '../../helpers/test-platform';
import { crashStack, sweepLoop } from './fault-kit';

const stack = crashStack();

async function tasksOf(runId: string) {
  const { rows } = await stack.platform.db.query<{ id: string; key: string; status: string; output: unknown }>(
    'SELECT id, key, status, output FROM task_runs WHERE run_id = $1::uuid ORDER BY position',
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.key, r]));
}

const status = async (id: string) => (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body.status as string;

describe('a worker killed during a replay from a task', () => {
  it('never reruns the tasks before fromTask, keeps their outputs, and delivers the replayed task exactly once more', async () => {
    const effect = (key: string) => ({ key, type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: key } });
    const wf = await stack.createWorkflow({
      name: 'replay-crash',
      tasks: [
        effect('first'),
        effect('again'),
        { key: 'slow', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 4_000 } },
        effect('last'),
      ],
    });
    // Attempt 1 (a worker in this process): cancelled while `slow` sleeps, after `first` and `again` delivered.
    const run = (await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
    const inProcess = new Worker(stack.platform, { concurrency: 4, pollMs: 50 });
    inProcess.start();
    try {
      await waitFor(async () => ((await tasksOf(run))['slow']!.status === 'RUNNING' ? true : null), 30_000, 50);
      expect((await api(stack.host.url, 'POST', `/api/runs/${run}/cancel`)).status).toBe(200);
      await waitFor(async () => ((await status(run)) === 'CANCELLED' ? true : null), 30_000, 50);
    } finally {
      await inProcess.stop();
    }
    const before = await tasksOf(run);
    const keyOf = (k: string) => before[k]!.id;
    expect(stack.probe.deliveries.get(keyOf('first'))).toBe(1);
    expect(stack.probe.deliveries.get(keyOf('again'))).toBe(1);
    expect(stack.probe.deliveries.get(keyOf('last'))).toBeUndefined();

    // Attempt 2 from `again`, taken by a worker process killed while `slow` sleeps.
    const retry = await api(stack.host.url, 'POST', `/api/runs/${run}/retry`, { fromTask: 'again' });
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    expect(retry.body).toMatchObject({ attempt: 2, fromTask: 'again', renewedTasks: [] });
    const victim = stack.worker();
    await victim.waitFor(/worker .* started/);
    await waitFor(
      async () => {
        const t = await tasksOf(run);
        return t['again']!.status === 'SUCCEEDED' && t['slow']!.status === 'RUNNING' ? true : null;
      },
      30_000,
      50,
    );
    await victim.kill('SIGKILL');
    const rescuer = new Worker(stack.platform, { concurrency: 4, pollMs: 100 });
    rescuer.start();
    const sweep = sweepLoop(stack.platform);
    try {
      await waitFor(async () => (['SUCCEEDED', 'FAILED'].includes(await status(run)) ? true : null), 60_000, 100);
    } finally {
      await sweep.stop();
      await rescuer.stop();
    }

    const body = (await api(stack.host.url, 'GET', `/api/runs/${run}`)).body;
    expect(body).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    const after = await tasksOf(run);
    // Before fromTask: never ran again, its row and copied output intact.
    expect(stack.probe.deliveries.get(keyOf('first'))).toBe(1);
    expect(after['first']).toEqual(before['first']);
    expect(after['first']!.output).toEqual({ label: 'first' });
    // The replayed task: exactly once more, under the same key (the crash came after it ended).
    expect(after['again']!.id).toBe(keyOf('again'));
    expect(stack.probe.deliveries.get(keyOf('again'))).toBe(2);
    // After it: `last` delivered once; every task SUCCEEDED.
    expect(stack.probe.deliveries.get(after['last']!.id)).toBe(1);
    expect(Object.values(after).map((t) => t.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });
});
