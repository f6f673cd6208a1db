/**
 * Projects and digital workers over HTTP on real PostgreSQL and Redis: create, list, pause (which
 * refuses triggers with nothing committed), resume, own workflows, and the dashboard statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueSchedules } from '../../shared/schedules/fire-schedules';
import { DEV_PROJECT_ID } from '../../shared/store/organisations';
import { api, waitFor, startTestStack, type TestPlatform, type TestStack } from '../helpers/test-platform';

let stack: TestStack;
let platform: TestPlatform;
let host: TestStack['host'];

beforeAll(async () => {
  stack = await startTestStack({ concurrency: 4, pollMs: 50 });
  ({ platform, host } = stack);
});

afterAll(() => stack.close());

const echoWorkflow = (name: string, projectId?: string) => ({
  name,
  ...(projectId ? { projectId } : {}),
  tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: '{{ input.v }}' } }],
});

const finished = (id: string) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : null;
  });

describe('projects', () => {
  it('lists the default project first, creates projects and refuses a taken name', async () => {
    const list = await api(host.url, 'GET', '/api/projects');
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: DEV_PROJECT_ID, name: 'Default', isDefault: true });

    const created = await api(host.url, 'POST', '/api/projects', { name: 'Finance ops', description: 'Invoices' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/projects/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: 'Finance ops',
      description: 'Invoices',
      isDefault: false,
      workflowCount: 0,
      workerCount: 0,
    });

    const again = await api(host.url, 'POST', '/api/projects', { name: 'Finance ops' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('project_name_taken');

    const bad = await api(host.url, 'POST', '/api/projects', { name: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('name');

    const missing = await api(host.url, 'GET', '/api/projects/00000000-0000-4000-8000-0000000000ff');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('project_not_found');
  });
});

describe('digital workers', () => {
  it('pausing refuses triggers of its workflows with nothing committed; resuming accepts them again', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', echoWorkflow('invoice-intake'));
    expect(wf.status).toBe(201);
    const w = await api(host.url, 'POST', '/api/workers', {
      name: 'Invoice clerk',
      owner: 'ap-team@example.com',
      description: 'Reads invoices',
    });
    expect(w.status).toBe(201);
    expect(w.body).toMatchObject({ projectId: DEV_PROJECT_ID, status: 'active', workflows: [] });

    const assigned = await api(host.url, 'POST', `/api/workers/${w.body.id}/workflows`, { workflowId: wf.body.id });
    expect(assigned.status).toBe(200);
    expect(assigned.body.workflows).toEqual([{ id: wf.body.id, name: 'invoice-intake' }]);

    const paused = await api(host.url, 'PATCH', `/api/workers/${w.body.id}`, { status: 'paused' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');

    const refused = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v: 1 } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('worker_paused');
    expect(refused.body.detail).toContain('Invoice clerk');
    const none = await api(host.url, 'GET', `/api/runs?workflowId=${wf.body.id}`);
    expect(none.body.items).toEqual([]);

    const resumed = await api(host.url, 'PATCH', `/api/workers/${w.body.id}`, { status: 'active' });
    expect(resumed.body.status).toBe('active');
    const ok = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v: 2 } });
    expect(ok.status).toBe(202);
    expect((await finished(ok.body.id)).status).toBe('SUCCEEDED');

    const audit = await platform.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_id = $1::text ORDER BY id`, [
      w.body.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual(['worker.create', 'worker.assign_workflow', 'worker.pause', 'worker.resume']);
  });

  it('owns only workflows of its own project, releases them, and refuses bad changes', async () => {
    const other = await api(host.url, 'POST', '/api/projects', { name: 'Elsewhere' });
    const foreign = await api(host.url, 'POST', '/api/workflows', echoWorkflow('foreign-flow', other.body.id));
    expect(foreign.status).toBe(201);
    const w = await api(host.url, 'POST', '/api/workers', { name: 'Clerk two', owner: 'ops' });
    const wrong = await api(host.url, 'POST', `/api/workers/${w.body.id}/workflows`, { workflowId: foreign.body.id });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('workflow_in_other_project');
    const noWf = await api(host.url, 'POST', `/api/workers/${w.body.id}/workflows`, { workflowId: '00000000-0000-4000-8000-0000000000ee' });
    expect(noWf.status).toBe(404);
    expect(noWf.body.code).toBe('workflow_not_found');

    const local = await api(host.url, 'POST', '/api/workflows', echoWorkflow('local-flow'));
    await api(host.url, 'POST', `/api/workers/${w.body.id}/workflows`, { workflowId: local.body.id });
    await api(host.url, 'PATCH', `/api/workers/${w.body.id}`, { status: 'paused' });
    const released = await api(host.url, 'DELETE', `/api/workers/${w.body.id}/workflows/${local.body.id}`);
    expect(released.status).toBe(200);
    expect(released.body.workflows).toEqual([]);
    // Released from a paused worker: triggerable again.
    expect((await api(host.url, 'POST', `/api/workflows/${local.body.id}/runs`, {})).status).toBe(202);
    const twice = await api(host.url, 'DELETE', `/api/workers/${w.body.id}/workflows/${local.body.id}`);
    expect(twice.status).toBe(404);

    const dup = await api(host.url, 'POST', '/api/workers', { name: 'Clerk two', owner: 'someone' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('worker_name_taken');
    const empty = await api(host.url, 'PATCH', `/api/workers/${w.body.id}`, {});
    expect(empty.status).toBe(422);
    const badStatus = await api(host.url, 'PATCH', `/api/workers/${w.body.id}`, { status: 'sleeping' });
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.errors[0].path).toBe('status');
    const noProject = await api(host.url, 'POST', '/api/workers', {
      name: 'x',
      owner: 'y',
      projectId: '00000000-0000-4000-8000-0000000000dd',
    });
    expect(noProject.status).toBe(404);

    const inOther = await api(host.url, 'GET', `/api/workers?projectId=${other.body.id}`);
    expect(inOther.body.items).toEqual([]);
    const all = await api(host.url, 'GET', '/api/workers');
    expect(all.body.items.map((x: { name: string }) => x.name)).toContain('Clerk two');
  });

  it('reports success rate, durations, failures per day and recent failures of its top-level runs', async () => {
    const good = await api(host.url, 'POST', '/api/workflows', echoWorkflow('stats-good'));
    const bad = await api(host.url, 'POST', '/api/workflows', {
      name: 'stats-bad',
      tasks: [{ key: 'f', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'no invoice' } }],
    });
    const w = await api(host.url, 'POST', '/api/workers', { name: 'Stats clerk', owner: 'ops' });
    for (const id of [good.body.id, bad.body.id]) await api(host.url, 'POST', `/api/workers/${w.body.id}/workflows`, { workflowId: id });
    const runs = [];
    for (const id of [good.body.id, good.body.id, good.body.id, bad.body.id])
      runs.push((await api(host.url, 'POST', `/api/workflows/${id}/runs`, { input: {} })).body.id);
    for (const id of runs) await finished(id);

    const stats = await api(host.url, 'GET', `/api/workers/${w.body.id}/stats?days=7`);
    expect(stats.status).toBe(200);
    expect(stats.body.totals).toMatchObject({ runs: 4, succeeded: 3, failed: 1, cancelled: 0, inProgress: 0, successRate: 0.75 });
    expect(stats.body.totals.avgDurationMs).toBeGreaterThanOrEqual(0);
    expect(stats.body.totals.p95DurationMs).toBeGreaterThanOrEqual(0);
    expect(stats.body.daily).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(stats.body.daily.at(-1)).toMatchObject({ day: today, succeeded: 3, failed: 1, cancelled: 0 });
    expect(stats.body.daily.slice(0, 6).every((d: { succeeded: number; failed: number }) => d.succeeded === 0 && d.failed === 0)).toBe(
      true,
    );
    expect(stats.body.recentFailures).toEqual([
      { runId: runs[3], workflowName: 'stats-bad', at: expect.any(String), message: 'no invoice' },
    ]);

    const tooMany = await api(host.url, 'GET', `/api/workers/${w.body.id}/stats?days=500`);
    expect(tooMany.status).toBe(400);
    const empty = await api(host.url, 'POST', '/api/workers', { name: 'Idle clerk', owner: 'ops' });
    const none = await api(host.url, 'GET', `/api/workers/${empty.body.id}/stats`);
    expect(none.body.totals).toMatchObject({ runs: 0, successRate: null, avgDurationMs: null });
    expect(none.body.daily).toHaveLength(14);
  });

  it("stops a paused worker's schedules: a due fire starts no run and records worker_paused; resumed, it fires again", async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', echoWorkflow('nightly-report'));
    const w = await api(host.url, 'POST', '/api/workers', { name: 'Night shift', owner: 'ops' });
    await api(host.url, 'POST', `/api/workers/${w.body.id}/workflows`, { workflowId: wf.body.id });
    const sched = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/schedules`, {
      cron: '* * * * *',
      catchUp: 'all',
      input: { v: 'tick' },
    });
    expect(sched.status).toBe(201);
    await api(host.url, 'PATCH', `/api/workers/${w.body.id}`, { status: 'paused' });

    // Make the schedule due now (the minute that has just begun), then run the timer job once.
    await platform.db.query(`UPDATE schedules SET next_fire_at = date_trunc('minute', clock_timestamp()) WHERE id = $1::uuid`, [
      sched.body.id,
    ]);
    const paused = await fireDueSchedules(platform);
    expect(paused).toMatchObject({ runs: 0, failed: 1 });
    const fires = await platform.db.query<{ code: string | null; run: string | null }>(
      `SELECT error->>'code' AS code, run_id AS run FROM schedule_fires WHERE schedule_id = $1::uuid`,
      [sched.body.id],
    );
    expect(fires.rows).toEqual([{ code: 'worker_paused', run: null }]);
    expect((await api(host.url, 'GET', `/api/runs?workflowId=${wf.body.id}`)).body.items).toEqual([]);

    await api(host.url, 'PATCH', `/api/workers/${w.body.id}`, { status: 'active' });
    await platform.db.query(
      `UPDATE schedules SET next_fire_at = date_trunc('minute', clock_timestamp()) - interval '1 minute' WHERE id = $1::uuid`,
      [sched.body.id],
    );
    const resumed = await fireDueSchedules(platform);
    expect(resumed.runs).toBe(1);
    const runs = (await api(host.url, 'GET', `/api/runs?workflowId=${wf.body.id}`)).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0].trigger).toBe('schedule');
  });
});
