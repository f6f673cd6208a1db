/**
 * Archiving workflows on real PostgreSQL and Redis: refused while runs are live, then archived
 * with its runs kept; an archived workflow starts no run (HTTP trigger, even from a process that
 * cached its version, and schedules), is hidden from lists unless asked for, and can be restored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueSchedules } from '../../shared/schedules/fire-schedules';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
});

afterAll(async () => {
  await host.close();
  await platform.close();
});

describe('archive and restore a workflow', () => {
  it('is refused while runs are live, then keeps the runs, refuses triggers, hides from lists, and restores', async () => {
    const wf = (
      await api(host.url, 'POST', '/api/workflows', {
        name: 'to-archive',
        tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }],
      })
    ).body.id as string;
    // No worker runs here: the run stays PENDING, so archiving is refused.
    const run = (await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).body.id as string;
    const refused = await api(host.url, 'POST', `/api/workflows/${wf}/archive`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('workflow_has_live_runs');

    expect((await api(host.url, 'POST', `/api/runs/${run}/cancel`)).status).toBe(200);
    const archived = await api(host.url, 'POST', `/api/workflows/${wf}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ id: wf, archived: true });
    // Again: no-op.
    expect((await api(host.url, 'POST', `/api/workflows/${wf}/archive`)).body).toEqual({ id: wf, archived: true });

    // The run is kept; no new run starts, even though this process cached the version before.
    expect((await api(host.url, 'GET', `/api/runs/${run}`)).body.status).toBe('CANCELLED');
    const trigger = await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} });
    expect(trigger.status).toBe(409);
    expect(trigger.body.code).toBe('workflow_archived');
    const schedule = await api(host.url, 'POST', `/api/workflows/${wf}/schedules`, { cron: '* * * * *' });
    expect(schedule.status).toBe(201);
    await platform.db.query("UPDATE schedules SET next_fire_at = clock_timestamp() - interval '10 seconds' WHERE id = $1::uuid", [
      schedule.body.id,
    ]);
    await fireDueSchedules(platform);
    const { rows: runs } = await platform.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_id = $1::uuid',
      [wf],
    );
    expect(runs[0]!.n).toBe(1);

    const listed = (await api(host.url, 'GET', '/api/workflows')).body.items.map((w: { id: string }) => w.id);
    expect(listed).not.toContain(wf);
    const all = (await api(host.url, 'GET', '/api/workflows?includeArchived=true')).body.items;
    expect(all.find((w: { id: string }) => w.id === wf)).toMatchObject({ archived: true });

    const restored = await api(host.url, 'POST', `/api/workflows/${wf}/restore`);
    expect(restored.body).toEqual({ id: wf, archived: false });
    expect((await api(host.url, 'POST', `/api/workflows/${wf}/runs`, { input: {} })).status).toBe(202);
    expect((await api(host.url, 'GET', '/api/workflows')).body.items.map((w: { id: string }) => w.id)).toContain(wf);

    const { rows: audit } = await platform.db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_id = $1::text AND action LIKE 'workflow.%' ORDER BY id",
      [wf],
    );
    expect(audit.map((a) => a.action)).toEqual(['workflow.create', 'workflow.archive', 'workflow.restore']);
    expect((await api(host.url, 'POST', '/api/workflows/00000000-0000-4000-8000-000000000000/archive')).status).toBe(404);
  });
});
