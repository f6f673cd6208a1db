/**
 * Schedules on real PostgreSQL: the API (validation, CRUD), firing through the pre-flight path,
 * exactly one run per schedule and fire time when several instances fire at once (and when a
 * fire is replayed after a crash), and the catch-up policies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { Worker } from '../../../shared/engine/worker';
import { createPlatform, type Platform } from '../../../shared/platform';
import { fireDueSchedules, MAX_CATCH_UP } from '../../../shared/schedules/fire-schedules';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
let others: Platform[];
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let workflowId: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  // Two more instances on the same schema and queue: separate pools, as separate Functions hosts would have.
  others = await Promise.all([1, 2].map(() => createPlatform(loadConfig(platform.env))));
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 8, pollMs: 100 });
  worker.start();
  const wf = await api(host.url, 'POST', '/api/workflows', {
    name: 'scheduled',
    inputSchema: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] },
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { region: '{{ input.region }}' } }],
  });
  workflowId = wf.body.id;
});

afterAll(async () => {
  await host.close();
  await worker.stop();
  await Promise.all(others.map((o) => o.close()));
  await platform.close();
});

const base = () => `/api/workflows/${workflowId}/schedules`;

/** The start of the current minute, and a schedule whose next fire is `minutesAgo` minutes before it. */
async function backdate(id: string, minutesAgo: number): Promise<Date> {
  const { rows } = await platform.db.query<{ m: Date }>("SELECT date_trunc('minute', now()) AS m");
  const m = rows[0]!.m;
  await platform.db.query('UPDATE schedules SET next_fire_at = $2::timestamptz WHERE id = $1::uuid', [
    id,
    new Date(m.getTime() - minutesAgo * 60_000),
  ]);
  return m;
}

async function scheduledRuns(scheduleId: string) {
  const { rows } = await platform.db.query<{ fire_time: Date; run_id: string | null; trigger: string | null; input: unknown }>(
    `SELECT f.fire_time, f.run_id, r.trigger, r.input FROM schedule_fires f LEFT JOIN workflow_runs r ON r.id = f.run_id
      WHERE f.schedule_id = $1::uuid ORDER BY f.fire_time`,
    [scheduleId],
  );
  return rows;
}

describe('schedules API', () => {
  it('creates, reads, lists, replaces and deletes schedules', async () => {
    const created = await api(host.url, 'POST', base(), { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin', input: { region: 'eu' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      workflowId,
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      input: { region: 'eu' },
      enabled: true,
      catchUp: 'skip',
      lastFireAt: null,
    });
    expect(Date.parse(created.body.nextFireAt)).toBeGreaterThan(Date.now());
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`${base()}/${id}`);
    expect((await api(host.url, 'GET', `${base()}/${id}`)).body.id).toBe(id);
    expect((await api(host.url, 'GET', base())).body.items.map((s: { id: string }) => s.id)).toContain(id);
    const replaced = await api(host.url, 'PUT', `${base()}/${id}`, {
      cron: '*/5 * * * *',
      input: { region: 'us' },
      enabled: false,
      catchUp: 'all',
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ cron: '*/5 * * * *', timezone: 'UTC', enabled: false, catchUp: 'all', nextFireAt: null });
    expect((await api(host.url, 'DELETE', `${base()}/${id}`)).status).toBe(204);
    expect((await api(host.url, 'GET', `${base()}/${id}`)).status).toBe(404);
    expect((await api(host.url, 'DELETE', `${base()}/${id}`)).status).toBe(404);
  });

  it('answers 422 naming the field for a bad cron, zone, input or unknown field, and writes nothing', async () => {
    const bad = async (body: unknown) => {
      const r = await api(host.url, 'POST', base(), body);
      expect(r.status).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      return r.body;
    };
    expect((await bad({ cron: '61 * * * *', input: { region: 'x' } })).errors[0].path).toBe('cron');
    expect((await bad({ cron: '* * * * * *', input: { region: 'x' } })).errors[0].message).toMatch(/5 fields/);
    expect((await bad({ cron: '* * * * *', timezone: 'Mars/Base', input: { region: 'x' } })).errors).toEqual([
      { path: 'timezone', message: "unknown IANA time zone 'Mars/Base'" },
    ]);
    expect((await bad({ cron: '* * * * *', input: {} })).code).toBe('invalid_run_input');
    expect((await bad({ cron: '* * * * *', input: { region: 'x' }, every: 'day' })).code).toBe('validation_failed');
    expect(
      (await api(host.url, 'POST', '/api/workflows/00000000-0000-4000-8000-00000000dead/schedules', { cron: '* * * * *' })).status,
    ).toBe(404);
    const { rows } = await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM schedules');
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe('firing', () => {
  it('starts exactly one run per fire time however many instances fire at once, through the pre-flight path', async () => {
    const s = (await api(host.url, 'POST', base(), { cron: '* * * * *', input: { region: 'eu' }, catchUp: 'all' })).body;
    const m = await backdate(s.id, 5);
    const now = () => m;
    // Three instances, several ticks each, all at once.
    await Promise.all([platform, ...others, platform, ...others].map((p) => fireDueSchedules(p, { now })));
    let fires = await scheduledRuns(s.id);
    expect(fires.map((f) => f.fire_time.getTime())).toEqual([5, 4, 3, 2, 1, 0].map((k) => m.getTime() - k * 60_000));
    expect(new Set(fires.map((f) => f.run_id)).size).toBe(6);
    expect(fires.every((f) => f.trigger === 'schedule')).toBe(true);
    expect(fires[0]!.input).toEqual({ region: 'eu' });
    // A crash after the runs were started but before the ledger committed: the replay starts no second run.
    await platform.db.query('DELETE FROM schedule_fires WHERE schedule_id = $1::uuid', [s.id]);
    await backdate(s.id, 5);
    await fireDueSchedules(others[0]!, { now });
    fires = await scheduledRuns(s.id);
    expect(fires).toHaveLength(6);
    const { rows } = await platform.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM workflow_runs WHERE trigger = 'schedule' AND workflow_id = $1::uuid`,
      [workflowId],
    );
    expect(Number(rows[0]!.n)).toBe(6);
    // The schedule moved on; the runs execute like any other.
    const view = (await api(host.url, 'GET', `${base()}/${s.id}`)).body;
    expect(Date.parse(view.nextFireAt)).toBeGreaterThan(m.getTime());
    expect(view.lastFireAt).toBe(m.toISOString());
    const run = await waitFor(async () => {
      const r = await api(host.url, 'GET', `/api/runs/${fires[5]!.run_id}`);
      return r.body.status === 'SUCCEEDED' ? r.body : null;
    });
    expect(run.output).toEqual({ region: 'eu' });
    await api(host.url, 'DELETE', `${base()}/${s.id}`);
  });

  it('skips missed fires under `skip` and replays at most MAX_CATCH_UP under `all`', async () => {
    const skip = (await api(host.url, 'POST', base(), { cron: '* * * * *', input: { region: 'a' }, catchUp: 'skip' })).body;
    const all = (await api(host.url, 'POST', base(), { cron: '* * * * *', input: { region: 'b' }, catchUp: 'all' })).body;
    const m = await backdate(skip.id, 30);
    await backdate(all.id, MAX_CATCH_UP + 50);
    const r = await fireDueSchedules(platform, { now: () => new Date(m.getTime() + 10_000) });
    // skip: only the fire due within the grace period (this minute's) ran.
    expect((await scheduledRuns(skip.id)).map((f) => f.fire_time.getTime())).toEqual([m.getTime()]);
    // all: the most recent MAX_CATCH_UP fires, oldest first.
    const fires = await scheduledRuns(all.id);
    expect(fires).toHaveLength(MAX_CATCH_UP);
    expect(fires.at(-1)!.fire_time.getTime()).toBe(m.getTime());
    expect(fires[0]!.fire_time.getTime()).toBe(m.getTime() - (MAX_CATCH_UP - 1) * 60_000);
    expect(r.runs).toBe(MAX_CATCH_UP + 1);
    expect(r.skipped).toBe(30);
  });
});
