/**
 * Task policies and run actions on real PostgreSQL and Redis, through the HTTP handlers: retries
 * (each attempt recorded, stable idempotency key), non-retryable errors, timeouts through the
 * AbortSignal, cancellation (running operations aborted, children cancelled), rerun from failure
 * keeping succeeded outputs and chunks, concurrency limits per workflow key and per connector,
 * and fenced writes after a lost lease.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import * as runs from '../../../shared/store/runs';
import { endRuns } from '../../../shared/store/run-batches';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { probeOverrides, probeState, type ProbeState } from './probe-adapter';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let state: ProbeState;

beforeAll(async () => {
  state = probeState();
  platform = await createTestPlatform({ overrides: probeOverrides(state, 2) });
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 12, pollMs: 100, leaseMs: 3_000 });
  worker.start();
});

afterAll(async () => {
  await host.close();
  await worker.stop();
  await platform.close();
});

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const finished = (id: string, timeoutMs = 20_000) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return TERMINAL.includes(r.body.status) ? r.body : null;
  }, timeoutMs);

async function workflow(def: Record<string, unknown>): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function trigger(workflowId: string, input: Record<string, unknown> = {}): Promise<string> {
  const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input });
  expect(r.status).toBe(202);
  return r.body.id;
}

async function taskRow(runId: string, key: string) {
  const { rows } = await platform.db.query<{
    id: string;
    attempts: number;
    attempt_log: Array<{ attempt: number; error: { code: string } }>;
    status: string;
  }>('SELECT id, attempts, attempt_log, status FROM task_runs WHERE run_id = $1::uuid AND key = $2::text', [runId, key]);
  return rows[0]!;
}

describe('retry and timeout policies', () => {
  it('retries a failing task with the same idempotency key and records every attempt', async () => {
    const wf = await workflow({
      name: 'retry-ok',
      tasks: [
        {
          key: 'f',
          type: 'atomic',
          connector: 'probe',
          operation: 'flaky',
          input: { failTimes: 2 },
          retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 10, maxDelayMs: 40 },
        },
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.tasks[0].attempts).toBe(3);
    const t = await taskRow(run.id, 'f');
    // All three attempts went to the operation under the TaskRun id: one key, three calls.
    expect(state.calls.get(t.id)).toBe(3);
    expect(run.tasks[0].output).toEqual({ calls: 3 });
    expect(t.attempt_log.map((a) => [a.attempt, a.error.code])).toEqual([
      [1, 'flaky'],
      [2, 'flaky'],
    ]);
    // The API shows the same record.
    expect(run.attempt).toBe(1);
    expect(run.tasks[0].attemptLog.map((a: { attempt: number; error: { code: string } }) => [a.attempt, a.error.code])).toEqual([
      [1, 'flaky'],
      [2, 'flaky'],
    ]);
  });

  it('fails after maxAttempts, and at once on a non-retryable error', async () => {
    const wf = await workflow({
      name: 'retry-exhausted',
      tasks: [
        {
          key: 'f',
          type: 'atomic',
          connector: 'probe',
          operation: 'flaky',
          input: { failTimes: 10 },
          retry: { maxAttempts: 2, backoff: 'fixed', initialDelayMs: 5, maxDelayMs: 5 },
        },
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('FAILED');
    expect(run.tasks[0].attempts).toBe(2);
    expect((await taskRow(run.id, 'f')).attempt_log).toHaveLength(2);

    const wf2 = await workflow({
      name: 'non-retryable',
      tasks: [
        {
          key: 'x',
          type: 'atomic',
          connector: 'probe',
          operation: 'fatal',
          input: {},
          retry: { maxAttempts: 5, backoff: 'fixed', initialDelayMs: 5, maxDelayMs: 5 },
        },
      ],
    });
    const run2 = await finished(await trigger(wf2));
    expect(run2.status).toBe('FAILED');
    expect(run2.error.code).toBe('fatal');
    expect(run2.tasks[0].attempts).toBe(1);
  });

  it('aborts an attempt that passes timeoutMs through its AbortSignal, and retries it', async () => {
    const wf = await workflow({
      name: 'timeout',
      tasks: [
        {
          key: 'h',
          type: 'atomic',
          connector: 'probe',
          operation: 'hang',
          input: { ms: 60_000 },
          timeoutMs: 150,
          retry: { maxAttempts: 2, backoff: 'fixed', initialDelayMs: 10, maxDelayMs: 10 },
        },
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('FAILED');
    expect(run.error.code).toBe('task_timeout');
    expect(run.tasks[0].attempts).toBe(2);
    const t = await taskRow(run.id, 'h');
    expect(state.aborts.filter((a) => a.key === t.id).map((a) => a.reason)).toEqual([
      expect.stringMatching(/timed out after 150 ms/),
      expect.stringMatching(/timed out after 150 ms/),
    ]);
  });

  it('rejects a policy whose cap is below its first delay, and retry on a workflow chunk', async () => {
    const r = await api(host.url, 'POST', '/api/workflows', {
      name: 'bad-policy',
      tasks: [
        {
          key: 'a',
          type: 'atomic',
          connector: 'platform',
          operation: 'echo',
          retry: { maxAttempts: 2, initialDelayMs: 500, maxDelayMs: 100 },
        },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ path: 'tasks[0].retry.maxDelayMs', message: 'must be at least initialDelayMs' }]);
  });
});

describe('cancellation', () => {
  it('cancels a running run: the operation is aborted, children are cancelled, the worker carries on', async () => {
    await workflow({
      name: 'hang-child',
      tasks: [{ key: 'h', type: 'atomic', connector: 'probe', operation: 'hang', input: { ms: 60_000 } }],
    });
    const wf = await workflow({
      name: 'cancel-me',
      tasks: [
        { key: 'first', type: 'atomic', connector: 'platform', operation: 'echo', input: { a: 1 } },
        { key: 'child', type: 'workflow', workflow: 'hang-child' },
        { key: 'after', type: 'atomic', connector: 'platform', operation: 'echo', input: {} },
      ],
    });
    const id = await trigger(wf);
    const childId = await waitFor(async () => {
      const r = await api(host.url, 'GET', `/api/runs/${id}`);
      const c = r.body.tasks[1].childRunId as string | null;
      if (!c) return null;
      const child = await api(host.url, 'GET', `/api/runs/${c}`);
      return child.body.tasks[0].status === 'RUNNING' ? c : null;
    });
    const before = state.aborts.length;
    const res = await api(host.url, 'POST', `/api/runs/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, status: 'CANCELLED', cancelledRuns: 2 });
    // The hanging operation got its AbortSignal.
    await waitFor(async () => state.aborts.length > before);
    expect(state.aborts.at(-1)!.reason).toMatch(/cancelled/);
    const run = (await api(host.url, 'GET', `/api/runs/${id}`)).body;
    expect(run.status).toBe('CANCELLED');
    expect(run.tasks.map((t: { status: string }) => t.status)).toEqual(['SUCCEEDED', 'CANCELLED', 'CANCELLED']);
    const child = (await api(host.url, 'GET', `/api/runs/${childId}`)).body;
    expect(child.status).toBe('CANCELLED');
    expect(child.tasks[0].status).toBe('CANCELLED');
    // Nothing the old execution does afterwards changes the run.
    await new Promise((r) => setTimeout(r, 300));
    expect((await api(host.url, 'GET', `/api/runs/${id}`)).body.tasks[2].status).toBe('CANCELLED');
    // Cancelling again is a no-op; cancelling a finished run is a conflict; unknown is 404.
    expect((await api(host.url, 'POST', `/api/runs/${id}/cancel`)).body.cancelledRuns).toBe(0);
    const done = await finished(
      await trigger(
        await workflow({ name: 'quick', tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }] }),
      ),
    );
    expect(done.status).toBe('SUCCEEDED');
    const conflict = await api(host.url, 'POST', `/api/runs/${done.id}/cancel`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('run_already_finished');
    expect((await api(host.url, 'POST', '/api/runs/00000000-0000-4000-8000-000000000000/cancel')).status).toBe(404);
  });

  it('cancels a PENDING run before any worker takes it', async () => {
    await worker.stop();
    try {
      const wf = await workflow({
        name: 'never-runs',
        tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
      });
      const id = await trigger(wf);
      expect((await api(host.url, 'POST', `/api/runs/${id}/cancel`)).body.status).toBe('CANCELLED');
      worker = new Worker(platform, { concurrency: 12, pollMs: 100, leaseMs: 3_000 });
      worker.start();
      await new Promise((r) => setTimeout(r, 500));
      const run = (await api(host.url, 'GET', `/api/runs/${id}`)).body;
      expect(run.status).toBe('CANCELLED');
      expect(run.tasks[0].attempts).toBe(0);
    } finally {
      worker.start();
    }
  });
});

describe('rerun from failure', () => {
  it('resumes at the failed task as a new attempt of the same run, keeping succeeded outputs', async () => {
    state.closed.add('g1');
    const wf = await workflow({
      name: 'rerun',
      tasks: [
        { key: 'a', type: 'atomic', connector: 'probe', operation: 'flaky', input: { failTimes: 0 } },
        { key: 'b', type: 'atomic', connector: 'probe', operation: 'gate', input: { name: 'g1' } },
        { key: 'c', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: 'steps.a.calls + 1' } },
      ],
    });
    const first = await finished(await trigger(wf));
    expect(first.status).toBe('FAILED');
    expect(first.tasks.map((t: { status: string }) => t.status)).toEqual(['SUCCEEDED', 'FAILED', 'PENDING']);
    expect((await api(host.url, 'POST', `/api/runs/${first.id}/retry`)).status).toBe(202);
    // Still failing: a third attempt is allowed later.
    const second = await finished(first.id);
    expect(second.status).toBe('FAILED');
    state.closed.delete('g1');
    const again = await api(host.url, 'POST', `/api/runs/${first.id}/retry`);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({
      id: first.id,
      status: 'PENDING',
      attempt: 3,
      workflowVersion: 1,
      fromTask: null,
      inputEdited: false,
      renewedTasks: [],
    });
    expect(again.headers.get('location')).toBe(`/api/runs/${first.id}`);
    const run = await finished(first.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.tasks.map((t: { attempts: number }) => t.attempts)).toEqual([1, 3, 1]);
    expect(run.attempt).toBe(3);
    // Task a ran once in all: its output fed c on the third attempt.
    expect(state.calls.get((await taskRow(run.id, 'a')).id)).toBe(1);
    expect(run.output).toBe(2);
    expect((await taskRow(run.id, 'b')).attempt_log).toHaveLength(2);
    const conflict = await api(host.url, 'POST', `/api/runs/${run.id}/retry`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('run_not_retryable');
  });

  it('reruns only the chunks that did not succeed, and failed child runs', async () => {
    state.closed.add('chunk-7');
    await workflow({
      name: 'gate-child',
      tasks: [{ key: 'g', type: 'atomic', connector: 'probe', operation: 'gate', input: { name: 'child-{{ input.i }}' } }],
    });
    const wf = await workflow({
      name: 'rerun-chunks',
      tasks: [
        {
          key: 'each',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 20 } },
          each: { connector: 'probe', operation: 'gate', input: { name: 'chunk-{{ record.index }}' } },
          concurrency: 3,
        },
        { key: 'nested', type: 'workflow', workflow: 'gate-child', input: { i: 1 } },
      ],
    });
    state.closed.add('child-1');
    const first = await finished(await trigger(wf));
    expect(first.status).toBe('FAILED');
    expect(first.tasks[0].error.code).toBe('chunk_failed');
    state.closed.delete('chunk-7');
    await api(host.url, 'POST', `/api/runs/${first.id}/retry`);
    const second = await finished(first.id);
    expect(second.status).toBe('FAILED');
    expect(second.tasks[0].status).toBe('SUCCEEDED');
    expect(second.tasks[0].chunks).toEqual({ total: 20, succeeded: 20, failed: 0, running: 0 });
    // Chunks that succeeded the first time never ran again; chunk 7 ran twice.
    for (let i = 0; i < 20; i++) expect(state.calls.get(`chunk-${i}`), `chunk ${i}`).toBe(i === 7 ? 2 : 1);
    const childId = second.tasks[1].childRunId;
    state.closed.delete('child-1');
    await api(host.url, 'POST', `/api/runs/${first.id}/retry`);
    const third = await finished(first.id);
    expect(third.status).toBe('SUCCEEDED');
    // The same child run, rerun as its own next attempt.
    expect(third.tasks[1].childRunId).toBe(childId);
    const child = (await api(host.url, 'GET', `/api/runs/${childId}`)).body;
    expect(child.status).toBe('SUCCEEDED');
    // The nested task first ran on the second attempt (gate closed), then again on the third.
    expect(state.calls.get('child-1')).toBe(2);
  });
});

describe('concurrency limits', () => {
  it('runs at most `limit` runs per key at once; the others wait and all succeed', async () => {
    const wf = await workflow({
      name: 'one-per-customer',
      concurrency: { limit: 1, key: 'input.customer' },
      tasks: [{ key: 't', type: 'atomic', connector: 'probe', operation: 'track', input: { group: 'cust-{{ input.customer }}', ms: 120 } }],
    });
    const ids = await Promise.all(['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'].map((customer) => trigger(wf, { customer })));
    const done = await Promise.all(ids.map((id) => finished(id, 30_000)));
    expect(done.map((r) => r.status)).toEqual(Array(8).fill('SUCCEEDED'));
    expect(state.maxActive.get('cust-A')).toBe(1);
    expect(state.maxActive.get('cust-B')).toBe(1);
  });

  it('keeps calls through a connector within its maxInFlight across chunks', async () => {
    const wf = await workflow({
      name: 'connector-limit',
      tasks: [
        {
          key: 'each',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 12 } },
          each: { connector: 'probe', operation: 'track', input: { group: 'conn', ms: 60 } },
          concurrency: 6,
        },
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.tasks[0].chunks.succeeded).toBe(12);
    expect(state.maxActive.get('conn')).toBeLessThanOrEqual(2);
  });
});

describe('leases and fencing', () => {
  it('stops a worker whose lease was taken over: it aborts and its writes are refused', async () => {
    const wf = await workflow({
      name: 'fenced',
      tasks: [
        { key: 'h', type: 'atomic', connector: 'probe', operation: 'hang', input: { ms: 60_000 } },
        { key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} },
      ],
    });
    const id = await trigger(wf);
    const task = await waitFor(async () => {
      const t = await taskRow(id, 'h');
      return t.status === 'RUNNING' ? t : null;
    });
    const before = state.aborts.length;
    // Another worker takes the run over (as the sweep and a claim would after an expiry).
    await platform.db.query(
      `UPDATE workflow_runs SET lease_owner = 'usurper', lease_expires_at = now() + interval '1 hour' WHERE id = $1::uuid`,
      [id],
    );
    await waitFor(async () => state.aborts.length > before, 10_000);
    expect(state.aborts.at(-1)!.reason).toMatch(/no longer holds the lease/);
    // The original worker wrote nothing: the task is still RUNNING under the usurper.
    expect((await taskRow(id, 'h')).status).toBe('RUNNING');
    // And any write in its name is refused by the fence.
    expect(await runs.finishTask(platform.db, DEV_ORG_ID, task.id, worker.id, 'SUCCEEDED', {}, null)).toBe(false);
    expect(await runs.startTask(platform.db, DEV_ORG_ID, task.id, worker.id)).toBeNull();
    expect(
      (await endRuns(platform.db, worker.id, [{ orgId: DEV_ORG_ID, runId: id, status: 'SUCCEEDED', output: {}, error: null, task: null }]))
        .size,
    ).toBe(0);
    // The usurper's writes go through.
    expect(await runs.finishTask(platform.db, DEV_ORG_ID, task.id, 'usurper', 'SUCCEEDED', { by: 'usurper' }, null)).toBe(true);
    await platform.db.query(`UPDATE workflow_runs SET status = 'CANCELLED', lease_owner = NULL WHERE id = $1::uuid`, [id]);
  });
});
