/**
 * Replay after a fix, on real PostgreSQL and Redis through the HTTP handlers: a workflow fails,
 * is fixed (a new version, an edited input, or nothing but an outside cause), and the failed run
 * is rerun with `POST /api/runs/{id}/retry` options — the latest version, an edited input, from a
 * chosen task. Each test checks which tasks ran again, under which idempotency key (the probe
 * adapter counts calls per key), the recorded attempt, and the audit entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { probeOverrides, probeState, type ProbeState } from './probe-adapter';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let state: ProbeState;

beforeAll(async () => {
  state = probeState();
  platform = await createTestPlatform({ overrides: probeOverrides(state) });
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 8, pollMs: 100, leaseMs: 3_000 });
  worker.start();
});

afterAll(async () => {
  await host.close();
  await worker.stop();
  await platform.close();
});

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const finished = (id: string) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return TERMINAL.includes(r.body.status) ? r.body : null;
  }, 20_000);

async function workflow(def: Record<string, unknown>): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function failedRun(workflowId: string, input: Record<string, unknown> = {}) {
  const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input });
  expect(r.status).toBe(202);
  const run = await finished(r.body.id);
  expect(run.status).toBe('FAILED');
  return run;
}

async function taskIds(runId: string): Promise<Record<string, string>> {
  const { rows } = await platform.db.query<{ key: string; id: string }>('SELECT key, id FROM task_runs WHERE run_id = $1::uuid', [runId]);
  return Object.fromEntries(rows.map((r) => [r.key, r.id]));
}

async function auditOf(runId: string) {
  const { rows } = await platform.db.query<{ diff: Record<string, unknown> }>(
    "SELECT diff FROM audit_log WHERE action = 'run.retry' AND target_id = $1::text ORDER BY id",
    [runId],
  );
  return rows.map((r) => r.diff);
}

const flaky = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'probe',
  operation: 'flaky',
  input: { failTimes: 0 },
  ...extra,
});
const gate = (key: string, name: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'probe',
  operation: 'gate',
  input: { name },
  ...extra,
});

describe('replay after a fix', () => {
  it('version latest: the fixed task and what follows run under new keys; the task before keeps its output', async () => {
    state.closed.add('replay-broken');
    const v1 = { name: 'replay-latest', tasks: [flaky('a'), gate('b', 'replay-broken'), flaky('c'), flaky('gone')] };
    const wf = await workflow(v1);
    const run = await failedRun(wf);
    const before = await taskIds(run.id);
    // The fix: b points at a gate that is open, and the last task is removed.
    const fixed = { name: 'replay-latest', tasks: [flaky('a'), gate('b', 'replay-fixed'), flaky('c')] };
    expect((await api(host.url, 'PUT', `/api/workflows/${wf}`, fixed)).status).toBe(200);

    const r = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { version: 'latest' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({
      id: run.id,
      attempt: 2,
      workflowVersion: 2,
      inputEdited: false,
      fromTask: null,
      renewedTasks: ['b', 'c'],
    });
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.workflowVersion).toBe(2);
    expect(done.tasks.map((t: { key: string }) => t.key)).toEqual(['a', 'b', 'c']);
    const after = await taskIds(run.id);
    expect(after['a']).toBe(before['a']);
    expect(after['b']).not.toBe(before['b']);
    expect(after['c']).not.toBe(before['c']);
    // a ran once in all (its output kept); b and c ran once under their new keys.
    expect(state.calls.get(before['a']!)).toBe(1);
    expect(state.calls.get(after['b']!)).toBe(1);
    expect(state.calls.get(after['c']!)).toBe(1);
    expect(done.retries).toEqual([
      expect.objectContaining({
        attempt: 2,
        workflowVersion: 2,
        previousVersion: 1,
        inputEdited: false,
        fromTask: null,
        renewedTasks: ['b', 'c'],
      }),
    ]);
    expect(await auditOf(run.id)).toEqual([{ attempt: 2, version: { from: 1, to: 2 }, renewedTasks: ['b', 'c'] }]);
  });

  it('edited input: validated against the input schema, then every task runs again under a new key', async () => {
    state.closed.add('replay-input-bad');
    const wf = await workflow({
      name: 'replay-input',
      inputSchema: { type: 'object', required: ['gate'], properties: { gate: { type: 'string' } } },
      tasks: [flaky('a'), gate('b', '{{ input.gate }}')],
    });
    const run = await failedRun(wf, { gate: 'replay-input-bad' });
    const before = await taskIds(run.id);

    const bad = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { input: { gate: 42 } });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('invalid_run_input');
    // Refused: nothing changed.
    const still = (await api(host.url, 'GET', `/api/runs/${run.id}`)).body;
    expect(still).toMatchObject({ status: 'FAILED', attempt: 1, input: { gate: 'replay-input-bad' } });
    expect(await taskIds(run.id)).toEqual(before);

    const r = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { input: { gate: 'replay-input-good' } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ attempt: 2, inputEdited: true, renewedTasks: ['a', 'b'] });
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.input).toEqual({ gate: 'replay-input-good' });
    const after = await taskIds(run.id);
    expect(after['a']).not.toBe(before['a']);
    expect(state.calls.get(after['a']!)).toBe(1);
    expect(state.calls.get('replay-input-good')).toBe(1);
    expect(await auditOf(run.id)).toEqual([{ attempt: 2, inputEdited: true, renewedTasks: ['a', 'b'] }]);
  });

  it('fromTask in a graph: the task and its dependents run again under the same keys; its needs and other branches are kept', async () => {
    state.closed.add('replay-from');
    const wf = await workflow({
      name: 'replay-from',
      tasks: [flaky('a'), flaky('b', { needs: ['a'] }), flaky('c', { needs: ['a'] }), gate('d', 'replay-from', { needs: ['b', 'c'] })],
    });
    const run = await failedRun(wf);
    const ids = await taskIds(run.id);
    state.closed.delete('replay-from');

    const unknown = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { fromTask: 'nope' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_from_task');

    const r = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { fromTask: 'b' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ attempt: 2, fromTask: 'b', renewedTasks: [] });
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(await taskIds(run.id)).toEqual(ids);
    // b ran twice under the same key (a deduplicating adapter would answer the first result); a and c once.
    expect(state.calls.get(ids['a']!)).toBe(1);
    expect(state.calls.get(ids['b']!)).toBe(2);
    expect(state.calls.get(ids['c']!)).toBe(1);
    expect(state.calls.get(ids['d']!)).toBe(2);
    expect(done.tasks.find((t: { key: string }) => t.key === 'b').attempts).toBe(2);
    expect(await auditOf(run.id)).toEqual([{ attempt: 2, fromTask: 'b' }]);
  });

  it('refuses fromTask when a task it needs did not succeed, and options on a run that is not failed', async () => {
    state.closed.add('replay-needs');
    const wf = await workflow({ name: 'replay-needs', tasks: [gate('a', 'replay-needs'), flaky('b')] });
    const run = await failedRun(wf);
    const r = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { fromTask: 'b' });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('from_task_needs_unavailable');
    expect((await api(host.url, 'GET', `/api/runs/${run.id}`)).body).toMatchObject({ status: 'FAILED', attempt: 1 });
    const extra = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { version: 'oldest' });
    expect(extra.status).toBe(422);

    state.closed.delete('replay-needs');
    expect((await api(host.url, 'POST', `/api/runs/${run.id}/retry`, {})).status).toBe(202);
    expect((await finished(run.id)).status).toBe('SUCCEEDED');
    const again = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { version: 'latest' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('run_not_retryable');
  });

  it('version latest with fromTask: a succeeded task whose output was wrong runs again under a new key, and so does what follows', async () => {
    state.closed.add('replay-wrong');
    // v1's b computes the wrong gate name; d then fails on it.
    const v1 = {
      name: 'replay-latest-from',
      tasks: [
        flaky('a'),
        { key: 'b', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: '"replay-wrong"' } },
        gate('d', '{{ steps.b }}'),
      ],
    };
    const wf = await workflow(v1);
    const run = await failedRun(wf);
    expect(run.error.taskKey).toBe('d');
    const ids = await taskIds(run.id);
    const v2 = {
      ...v1,
      tasks: [v1.tasks[0], { ...v1.tasks[1], input: { expression: '"replay-right"' } }, v1.tasks[2]],
    };
    expect((await api(host.url, 'PUT', `/api/workflows/${wf}`, v2)).status).toBe(200);
    const r = await api(host.url, 'POST', `/api/runs/${run.id}/retry`, { version: 'latest', fromTask: 'b' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.renewedTasks).toEqual(['b', 'd']);
    const done = await finished(run.id);
    expect(done.status, JSON.stringify(done.tasks)).toBe('SUCCEEDED');
    expect(done.output).toEqual({ passed: 'replay-right' });
    expect((await taskIds(run.id))['a']).toBe(ids['a']);
    expect(state.calls.get(ids['a']!)).toBe(1);
  });
});
