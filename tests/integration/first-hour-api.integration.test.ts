/**
 * What a new user meets in the first hour (issue #25), server side, on real PostgreSQL: the
 * schedule list tells the last fire, its run or error, and flags a missed next fire; an old
 * workflow version shows its own creation time and author; a rerun run tells when its current
 * attempt started; the audit log pages in order without gaps; a workflow definition keeps the
 * author's key order; a bad business-object filter says what is expected; the assistant without a
 * model says so with a stable code; `/favicon.ico` is served; an unknown run is `run_not_found`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueSchedules } from '../../shared/schedules/fire-schedules';
import { api, startTestStack, waitFor, type TestStack } from '../helpers/test-platform';
import { ask } from './ai/sse-client';

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack();
  url = stack.host.url;
});

afterAll(async () => {
  await stack?.close();
});

const echoWorkflow = (name: string, required: string[] = ['region']) => ({
  name,
  inputSchema: { type: 'object', properties: { region: { type: 'string' }, country: { type: 'string' } }, required },
  tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { region: '{{ input.region }}' } }],
});

async function minuteStart(): Promise<Date> {
  const { rows } = await stack.platform.db.query<{ m: Date }>("SELECT date_trunc('minute', now()) AS m");
  return rows[0]!.m;
}

async function finished(runId: string) {
  return waitFor(async () => {
    const r = await api(url, 'GET', `/api/runs/${runId}`);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : null;
  });
}

describe('schedule list: last fire, its run or error, overdue', () => {
  it('shows the run of the last fire, the error of a fire that started none, and flags a next fire time in the past', async () => {
    const wf = (await api(url, 'POST', '/api/workflows', echoWorkflow('scheduled-view'))).body;
    const base = `/api/workflows/${wf.id}/schedules`;
    const s = (await api(url, 'POST', base, { cron: '* * * * *', input: { region: 'eu' } })).body;
    expect(s).toMatchObject({ lastFireAt: null, lastRunId: null, lastError: null, overdue: false });

    // Two minutes ago it was due: the fire starts a run, and the list names it.
    const m = await minuteStart();
    const dueAt = async (t: Date) => {
      await stack.platform.db.query('UPDATE schedules SET next_fire_at = $2::timestamptz WHERE id = $1::uuid', [s.id, t]);
      return fireDueSchedules(stack.platform, { now: () => new Date(t.getTime() + 10_000) });
    };
    expect((await dueAt(new Date(m.getTime() - 120_000))).runs).toBe(1);
    let view = (await api(url, 'GET', base)).body.items[0];
    expect(view.lastRunId).toEqual(expect.any(String));
    expect(view.lastError).toBeNull();
    expect(view.overdue).toBe(false);
    expect((await finished(view.lastRunId)).trigger).toBe('schedule');

    // A new version requires `country`: the next fire starts no run, and the list says why.
    expect((await api(url, 'PUT', `/api/workflows/${wf.id}`, echoWorkflow('scheduled-view', ['region', 'country']))).status).toBe(200);
    expect((await dueAt(new Date(m.getTime() - 60_000))).failed).toBe(1);
    view = (await api(url, 'GET', `${base}/${s.id}`)).body;
    expect(view.lastRunId).toBeNull();
    expect(view.lastError).toMatchObject({ code: 'invalid_run_input', message: expect.stringMatching(/country/) });
    expect(Date.parse(view.lastError.at)).toBeGreaterThan(Date.now() - 60_000);

    // A next fire time well in the past while enabled is overdue; disabled, it is not.
    await stack.platform.db.query(`UPDATE schedules SET next_fire_at = clock_timestamp() - interval '10 minutes' WHERE id = $1::uuid`, [
      s.id,
    ]);
    expect((await api(url, 'GET', `${base}/${s.id}`)).body.overdue).toBe(true);
    await stack.platform.db.query(`UPDATE schedules SET enabled = false WHERE id = $1::uuid`, [s.id]);
    expect((await api(url, 'GET', `${base}/${s.id}`)).body.overdue).toBe(false);
  });
});

describe('a fire claimed but never started', () => {
  it('is started by a later tick, and one already started is recorded without a second run', async () => {
    const wf = (await api(url, 'POST', '/api/workflows', echoWorkflow('left-over-fires'))).body;
    const s = (await api(url, 'POST', `/api/workflows/${wf.id}/schedules`, { cron: '0 0 1 1 *', input: { region: 'eu' } })).body;
    const m = await minuteStart();
    const [a, b] = [new Date(m.getTime() - 120_000), new Date(m.getTime() - 60_000)];
    // An instance claimed two fires (committed) and stopped: before starting `a`'s run, and after starting `b`'s but before recording it.
    const claimedLongAgo = `INSERT INTO schedule_fires (schedule_id, fire_time, org_id, fired_at)
      SELECT id, $2::timestamptz, org_id, clock_timestamp() - interval '5 minutes' FROM schedules WHERE id = $1::uuid`;
    await stack.platform.db.query(claimedLongAgo, [s.id, a]);
    await stack.platform.db.query(claimedLongAgo, [s.id, b]);
    const started = (
      await api(
        url,
        'POST',
        `/api/workflows/${wf.id}/runs`,
        { input: { region: 'eu' } },
        { 'Idempotency-Key': `schedule:${s.id}:${b.toISOString()}` },
      )
    ).body;

    const r = await fireDueSchedules(stack.platform);
    expect(r).toMatchObject({ runs: 2, failed: 0 });
    const { rows } = await stack.platform.db.query<{ fire_time: Date; run_id: string | null }>(
      'SELECT fire_time, run_id FROM schedule_fires WHERE schedule_id = $1::uuid ORDER BY fire_time',
      [s.id],
    );
    expect(rows.map((f) => f.fire_time.getTime())).toEqual([a.getTime(), b.getTime()]);
    expect(rows[1]!.run_id).toBe(started.id);
    expect(rows[0]!.run_id).not.toBe(started.id);
    expect((await finished(rows[0]!.run_id!)).trigger).toBe('schedule');
    const runs = (await api(url, 'GET', `/api/runs?workflowId=${wf.id}`)).body.items;
    expect(runs).toHaveLength(2);
    // Recorded: the next tick has nothing left to start.
    expect(await fireDueSchedules(stack.platform)).toMatchObject({ runs: 0, failed: 0 });
  });
});

describe('old workflow versions', () => {
  it("shows the version's own creation time and author, and the latest version number", async () => {
    const v1 = (await api(url, 'POST', '/api/workflows', echoWorkflow('versions-view'))).body;
    expect(v1).toMatchObject({ version: 1, latestVersion: 1, versionCreatedBy: expect.any(String) });
    await new Promise((r) => setTimeout(r, 50));
    const v2 = (await api(url, 'PUT', `/api/workflows/${v1.id}`, echoWorkflow('versions-view', ['region', 'country']))).body;
    expect(v2).toMatchObject({ version: 2, latestVersion: 2 });
    expect(Date.parse(v2.versionCreatedAt)).toBeGreaterThan(Date.parse(v1.versionCreatedAt));

    const old = await api(url, 'GET', `/api/workflows/${v1.id}?version=1`);
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({
      version: 1,
      latestVersion: 2,
      versionCreatedAt: v1.versionCreatedAt,
      versionCreatedBy: v1.versionCreatedBy,
    });
    expect(old.body.definition.inputSchema.required).toEqual(['region']);
    const versions = (await api(url, 'GET', `/api/workflows/${v1.id}/versions`)).body.items;
    expect(versions.find((v: { version: number }) => v.version === 1).createdAt).toBe(v1.versionCreatedAt);
    expect((await api(url, 'GET', `/api/workflows/${v1.id}`)).body).toMatchObject({
      version: 2,
      latestVersion: 2,
      versionCreatedAt: v2.versionCreatedAt,
    });
    expect((await api(url, 'GET', `/api/workflows/${v1.id}?version=3`)).body.code).toBe('workflow_version_not_found');
  });
});

describe('run duration after a rerun', () => {
  it('keeps startedAt at the first attempt and gives the current attempt its own start', async () => {
    const wf = (
      await api(url, 'POST', '/api/workflows', {
        name: 'fails-after-a-pause',
        tasks: [
          { key: 'pause', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 150 } },
          { key: 'boom', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'no invoice' } },
        ],
      })
    ).body;
    const id = (await api(url, 'POST', `/api/workflows/${wf.id}/runs`, { input: {} })).body.id;
    const first = await finished(id);
    expect(first.status).toBe('FAILED');
    expect(first.attemptStartedAt).toBe(first.startedAt);

    const retry = await api(url, 'POST', `/api/runs/${id}/retry`);
    expect(retry.status).toBe(202);
    const second = await waitFor(async () => {
      const r = (await api(url, 'GET', `/api/runs/${id}`)).body;
      return r.attempt === 2 && r.status === 'FAILED' ? r : null;
    });
    expect(second.startedAt).toBe(first.startedAt);
    expect(Date.parse(second.attemptStartedAt)).toBeGreaterThanOrEqual(Date.parse(first.finishedAt));
    const listed = (await api(url, 'GET', `/api/runs?workflowId=${wf.id}`)).body.items[0];
    expect(listed).toMatchObject({ startedAt: first.startedAt, attemptStartedAt: second.attemptStartedAt });
  });
});

describe('audit log paging', () => {
  it('lists entries newest first by number and pages through more than 20 without skipping any', async () => {
    for (let i = 0; i < 22; i++) expect((await api(url, 'POST', '/api/workflows', echoWorkflow(`audited-${i}`))).status).toBe(201);
    const { rows } = await stack.platform.db.query<{ id: string }>('SELECT id FROM audit_log ORDER BY id DESC'); // bigint: pg returns its text
    expect(rows.length).toBeGreaterThan(20);
    const expected = rows.map((r) => r.id);
    // From 10 on, the text order of the ids differs from their numeric order.
    expect(expected.map(Number)).toContain(10);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api(url, 'GET', `/api/hq/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(seen).toEqual(expected);
    const first = (await api(url, 'GET', '/api/hq/audit')).body.items.map((e: { id: string }) => Number(e.id));
    expect(first).toEqual([...first].sort((a, b) => b - a));
  });
});

describe('workflow definitions keep the key order they were saved with', () => {
  // jsonb would list these as: name, tasks, inputSchema, description; mid, zeta, alpha.
  const written = (name: string, properties: Record<string, unknown>) => ({
    tasks: [
      {
        type: 'atomic',
        key: 'e',
        operation: 'echo',
        connector: 'platform',
        input: { zeta: '{{ input.zeta }}', alpha: '{{ input.alpha }}' },
      },
    ],
    name,
    inputSchema: { type: 'object', required: ['zeta'], properties },
    description: 'keys as written',
  });
  const keys = (o: unknown) => Object.keys(o as object);

  it('answers create, read, old versions and updates with the definition in the order written, input properties included', async () => {
    const v1 = written('ordered', { zeta: { type: 'string', title: 'Last letter' }, alpha: { type: 'number' }, mid: { type: 'boolean' } });
    const created = await api(url, 'POST', '/api/workflows', v1);
    expect(created.status).toBe(201);
    for (const def of [created.body.definition, (await api(url, 'GET', `/api/workflows/${created.body.id}`)).body.definition]) {
      expect(keys(def).slice(0, 4)).toEqual(['tasks', 'name', 'inputSchema', 'description']);
      expect(keys(def.inputSchema)).toEqual(['type', 'required', 'properties']);
      expect(keys(def.inputSchema.properties)).toEqual(['zeta', 'alpha', 'mid']);
      expect(keys(def.inputSchema.properties.zeta)).toEqual(['type', 'title']);
      expect(keys(def.tasks[0]).slice(0, 5)).toEqual(['type', 'key', 'operation', 'connector', 'input']);
      expect(keys(def.tasks[0].input)).toEqual(['zeta', 'alpha']);
    }

    const v2 = written('ordered', { mid: { type: 'boolean' }, zeta: { type: 'string' }, alpha: { type: 'number' } });
    const updated = await api(url, 'PUT', `/api/workflows/${created.body.id}`, v2);
    expect(keys(updated.body.definition.inputSchema.properties)).toEqual(['mid', 'zeta', 'alpha']);
    expect(keys((await api(url, 'GET', `/api/workflows/${created.body.id}`)).body.definition.inputSchema.properties)).toEqual([
      'mid',
      'zeta',
      'alpha',
    ]);
    expect(keys((await api(url, 'GET', `/api/workflows/${created.body.id}?version=1`)).body.definition.inputSchema.properties)).toEqual([
      'zeta',
      'alpha',
      'mid',
    ]);
    // The engine runs the same definition.
    const run = await api(url, 'POST', `/api/workflows/${created.body.id}/runs`, { input: { zeta: 'z', alpha: 1 } });
    expect((await finished(run.body.id)).output).toEqual({ zeta: 'z', alpha: 1 });
  });
});

describe('business object filter', () => {
  it('answers an invalid filter with what is expected and an example', async () => {
    const type = await api(url, 'POST', '/api/business-object-types', {
      name: 'Ticket',
      keyField: 'id',
      schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, status: { type: 'string' } } },
    });
    expect(type.status).toBe(201);
    await api(url, 'POST', '/api/business-objects/Ticket', { id: 'T-1', status: 'open' });
    const list = (filter: string) => api(url, 'GET', `/api/business-objects/Ticket?filter=${encodeURIComponent(filter)}`);

    // The way people first type a filter: field=value. The answer shows it as JSON.
    const typed = await list('status=open');
    expect(typed.status).toBe(400);
    expect(typed.headers.get('content-type')).toContain('application/problem+json');
    expect(typed.body.code).toBe('invalid_filter');
    expect(typed.body.detail).toMatch(/JSON object/);
    expect(typed.body.detail).toContain('{"status":"open"}');
    expect(typed.body.errors).toEqual([{ path: 'filter', message: expect.stringContaining('{"status":"open"}') }]);

    const notJson = await list('{status: open');
    expect(notJson.body.code).toBe('invalid_filter');
    expect(notJson.body.errors[0].message).toMatch(/not valid JSON/);
    expect(notJson.body.detail).toMatch(/for example \{"status":"open"\}/);

    const array = await list('["open"]');
    expect(array.body.code).toBe('invalid_filter');
    expect(array.body.errors[0].message).toMatch(/an array/);

    // A good filter still works.
    expect((await list('{"status":"open"}')).body.items.map((r: { key: string }) => r.key)).toEqual(['T-1']);
  });
});

describe('the assistant without a model', () => {
  it('says so with the stable code model_not_configured and points to HQ → Model provider', async () => {
    const conv = await api(url, 'POST', '/api/studio/conversations', { title: 'No model' });
    const answer = await ask(url, conv.body.id, 'What failed yesterday?');
    expect(answer.status).toBe(200);
    const notice = answer.of('notice');
    expect(notice).toEqual([{ code: 'model_not_configured', message: expect.stringContaining('HQ → Model provider') }]);
    expect(answer.of('done')[0]).toMatchObject({ model: 'none', finishReason: 'model_not_configured' });
    expect(answer.text).toContain('HQ → Model provider');
  });
});

describe('not found', () => {
  it('answers an unknown run id with 404 run_not_found (and an id that cannot be one with 400 invalid_path_parameter)', async () => {
    const id = '00000000-0000-4000-8000-00000000beef';
    for (const path of [`/api/runs/${id}`, `/api/runs/${id}/events`]) {
      const r = await api(url, 'GET', path);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toMatchObject({ code: 'run_not_found', detail: `run '${id}' was not found.` });
    }
    const malformed = await api(url, 'GET', '/api/runs/not-a-run');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'invalid_path_parameter', errors: [{ path: 'id', message: expect.any(String) }] });
  });

  it('serves /favicon.ico (and /favicon.svg), the same icon the studio build ships', async () => {
    const shipped = readFileSync(join(__dirname, '..', '..', 'studio', 'public', 'favicon.svg'), 'utf8');
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const r = await fetch(`${url}${path}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/svg+xml');
      expect(await r.text()).toBe(shipped);
    }
    expect(shipped).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
