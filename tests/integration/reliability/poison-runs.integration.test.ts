/**
 * Poison runs, with real processes on the real PostgreSQL and Redis: a task that kills the worker
 * process running it (SIGKILL, mid-task) is resumed by the next worker until it has lost
 * WORKER_MAX_CRASHES attempts (3 by default), then fails with `worker_crashed`, handled like any
 * failure; the worker that refuses it lives on and runs other work. The store-level cases pin what
 * counts as a crash: a run handed back (shutdown, infrastructure error) does not, and a rerun
 * starts the count again.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { platformAdapter } from '../../../shared/adapters/platform/platform-adapter';
import { claimRuns } from '../../../shared/store/run-batches';
import { expireLease, rerunRunTree } from '../../../shared/store/runs';
import { api, waitFor } from '../../helpers/test-platform';
import type { Proc } from '../../helpers/processes';
import { crashStack, sweepLoop } from './fault-kit';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { safeProbeCrash } = require('./fixtures/probe-crash.cjs') as { safeProbeCrash: (zod: typeof z) => never };

const stack = crashStack({
  // The control plane checks definitions against the operations it knows; this one only throws.
  beforePlatform: () => void ((platformAdapter.operations as Record<string, unknown>)['probeCrash'] = safeProbeCrash(z)),
});
const { createWorkflow } = stack;

async function trigger(workflowId: string): Promise<string> {
  const r = await api(stack.host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.id as string;
}

async function runStatus(id: string): Promise<string> {
  const { rows } = await stack.platform.db.query<{ status: string }>('SELECT status FROM workflow_runs WHERE id = $1::uuid', [id]);
  return rows[0]!.status;
}

async function taskRows(runId: string) {
  const { rows } = await stack.platform.db.query<{
    id: string;
    key: string;
    status: string;
    attempts: number;
    interrupted_attempts: number;
    error: { code: string } | null;
    attempt_log: Array<{ error: { code: string } }>;
  }>(
    'SELECT id, key, status, attempts, interrupted_attempts, error, attempt_log FROM task_runs WHERE run_id = $1::uuid ORDER BY position',
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.key, r]));
}

/**
 * Starts worker processes one after another until `runId` ends: each that dies is replaced (the
 * sweep hands its run back). Returns how many died, and the worker still alive.
 */
async function workUntilEnded(runId: string): Promise<{ killed: number; survivor: Proc }> {
  const sweep = sweepLoop(stack.platform);
  let killed = 0;
  try {
    for (;;) {
      const worker = stack.worker();
      await worker.waitFor(/worker .* started/);
      const ended = waitFor(async () => ['SUCCEEDED', 'FAILED'].includes(await runStatus(runId)), 60_000, 100).then(() => 'ended' as const);
      const outcome = await Promise.race([ended, worker.exited.then(() => 'died' as const)]);
      if (outcome === 'ended') return { killed, survivor: worker };
      expect(worker.child.signalCode).toBe('SIGKILL');
      killed++;
      // The dead worker's own poison would otherwise loop here forever; the limit is what ends it.
      expect(killed).toBeLessThanOrEqual(3);
    }
  } finally {
    await sweep.stop();
  }
}

describe('a task that kills its worker process every time', () => {
  it('fails with worker_crashed after 3 interrupted attempts; the run ends FAILED and the last worker lives on', async () => {
    const wf = await createWorkflow({
      name: 'poison',
      tasks: [
        { key: 'before', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'before' } },
        { key: 'boom', type: 'atomic', connector: 'platform', operation: 'probeCrash', input: {}, retry: { maxAttempts: 5 } },
        { key: 'after', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'after' } },
      ],
    });
    const id = await trigger(wf);
    const { killed, survivor } = await workUntilEnded(id);
    expect(killed).toBe(3);

    const run = (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body;
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ code: 'worker_crashed', taskKey: 'boom' });
    const tasks = await taskRows(id);
    expect(tasks['before']).toMatchObject({ status: 'SUCCEEDED', attempts: 1, interrupted_attempts: 0 });
    // Three attempts died with their worker; the fourth start refused to run it (retry budget untouched: not retried).
    expect(tasks['boom']).toMatchObject({ status: 'FAILED', interrupted_attempts: 3, error: { code: 'worker_crashed' } });
    expect(tasks['boom']!.attempt_log.map((a) => a.error.code)).toEqual(['worker_crashed']);
    expect(tasks['after']).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(stack.probe.deliveries.get(tasks['before']!.id)).toBe(1);
    expect(stack.probe.deliveries.get(tasks['after']!.id)).toBeUndefined();

    // The worker that refused the poison task keeps working.
    const fine = await createWorkflow({
      name: 'fine',
      tasks: [{ key: 'fx', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'fine' } }],
    });
    const ok = await trigger(fine);
    await waitFor(async () => (await runStatus(ok)) === 'SUCCEEDED', 30_000, 100);
    expect(survivor.child.exitCode).toBeNull();
    await survivor.kill('SIGTERM');
  }, 240_000);

  it('is handled like any failure: onError continue keeps the run going with worker_crashed as the output', async () => {
    const wf = await createWorkflow({
      name: 'poison-continue',
      tasks: [
        { key: 'boom', type: 'atomic', connector: 'platform', operation: 'probeCrash', input: {}, onError: 'continue' },
        {
          key: 'after',
          type: 'atomic',
          connector: 'platform',
          operation: 'probeEffect',
          needs: ['boom'],
          runAfter: 'always',
          input: { label: '{{ steps.boom.error.code }}' },
        },
      ],
    });
    const id = await trigger(wf);
    const { killed, survivor } = await workUntilEnded(id);
    expect(killed).toBe(3);
    const run = (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body;
    expect(run.status).toBe('SUCCEEDED');
    const tasks = await taskRows(id);
    expect(tasks['boom']).toMatchObject({ status: 'FAILED', interrupted_attempts: 3, error: { code: 'worker_crashed' } });
    expect(tasks['after']).toMatchObject({ status: 'SUCCEEDED' });
    expect(stack.probe.labels.get(tasks['after']!.id)).toBe('worker_crashed');
    await survivor.kill('SIGTERM');
  }, 240_000);
});

describe('what counts as a crash (store statements)', () => {
  async function runningRun(): Promise<{ id: string; orgId: string; taskId: string }> {
    const wf = await createWorkflow({
      name: `count-${Math.random().toString(36).slice(2, 8)}`,
      tasks: [{ key: 'one', type: 'atomic', connector: 'platform', operation: 'probeEffect', input: { label: 'x' } }],
    });
    const id = await trigger(wf);
    const { rows } = await stack.platform.db.query<{ orgId: string; taskId: string }>(
      `SELECT r.org_id AS "orgId", t.id AS "taskId" FROM workflow_runs r JOIN task_runs t ON t.run_id = r.id WHERE r.id = $1::uuid`,
      [id],
    );
    return { id, ...rows[0]! };
  }
  const claim = async (owner: string, r: { id: string; orgId: string }) =>
    (await claimRuns(stack.platform.db, owner, 60_000, [{ runId: r.id, orgId: r.orgId }])).get(r.id);
  const interrupted = async (taskId: string) =>
    (await stack.platform.db.query<{ n: number }>('SELECT interrupted_attempts AS n FROM task_runs WHERE id = $1::uuid', [taskId])).rows[0]!
      .n;
  const expireNow = (id: string) =>
    stack.platform.db.query(`UPDATE workflow_runs SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE id = $1::uuid`, [
      id,
    ]);

  it('a lease that ran out under its owner counts one interrupted attempt; a run handed back does not; a rerun starts again', async () => {
    const r = await runningRun();
    const first = await claim('w-a', r);
    expect(first).toMatchObject({ crashed: false, startedTaskId: r.taskId });

    // w-a dies holding it: the lease runs out with its owner still set.
    await expireNow(r.id);
    const second = await claim('w-b', r);
    expect(second).toMatchObject({ crashed: true, startedTaskId: r.taskId });
    expect(second!.tasks[0]).toMatchObject({ status: 'RUNNING', interrupted: 0 });
    expect(await interrupted(r.taskId)).toBe(1);

    // w-b hands it back (shutdown): owner cleared, so the next claim is no crash.
    await expireLease(stack.platform.db, r.id, 'w-b');
    const third = await claim('w-c', r);
    expect(third).toMatchObject({ crashed: false });
    expect(third!.tasks[0]).toMatchObject({ interrupted: 1 });
    expect(await interrupted(r.taskId)).toBe(1);

    // A rerun after the run failed starts the count again.
    await stack.platform.db.query(
      `UPDATE workflow_runs SET status = 'FAILED', lease_owner = NULL, lease_expires_at = NULL WHERE id = $1::uuid`,
      [r.id],
    );
    await stack.platform.db.query(`UPDATE task_runs SET status = 'FAILED' WHERE id = $1::uuid`, [r.taskId]);
    expect(await rerunRunTree(stack.platform.db, r.orgId, r.id)).toBe(true);
    expect(await interrupted(r.taskId)).toBe(0);
  });
});
