/**
 * GET /api/runs?createdAfter=…&createdBefore=… on real PostgreSQL: the half-open window
 * [createdAfter, createdBefore), combined with the status and workflow filters and with keyset
 * paging, and the 400 problems for a reversed window or a date-time without an offset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let workflowId: string;
/** Run ids by the hour of 2026-03-01 (UTC) they were created at: 00:00 … 09:00. */
const byHour: string[] = [];

const at = (hour: number) => `2026-03-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
type Page = { status: number; headers: Headers; body: { items: Array<{ id: string; createdAt: string }>; nextCursor: string | null } };
const list = (query: string): Promise<Page> => api(host.url, 'GET', `/api/runs?workflowId=${workflowId}&${query}`);

beforeAll(async () => {
  // No worker: the runs stay PENDING; their creation times are then set to known instants.
  platform = await createTestPlatform({ queue: 'embedded' });
  host = await startTestHost(platform);
  const wf = await api(host.url, 'POST', '/api/workflows', {
    name: 'timed',
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo' }],
  });
  workflowId = wf.body.id;
  for (let hour = 0; hour < 10; hour++) {
    const run = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: { hour } });
    byHour.push(run.body.id);
    await platform.db.query(`UPDATE workflow_runs SET created_at = $1::timestamptz WHERE id = $2::uuid`, [at(hour), run.body.id]);
  }
  // Hour 9 is FAILED so the status filter has something to combine with.
  await platform.db.query(`UPDATE workflow_runs SET status = 'FAILED', finished_at = created_at WHERE id = $1::uuid`, [byHour[9]]);
}, 60_000);
afterAll(async () => {
  await host.close();
  await platform.close();
});

describe('GET /api/runs time window', () => {
  it('keeps runs created at or after createdAfter and strictly before createdBefore, newest first', async () => {
    const r = await list(`createdAfter=${at(3)}&createdBefore=${at(6)}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((i) => i.id)).toEqual([byHour[5], byHour[4], byHour[3]]);
    expect(r.body.nextCursor).toBeNull();
    expect((await list(`createdAfter=${at(8)}`)).body.items.map((i) => i.id)).toEqual([byHour[9], byHour[8]]);
    expect((await list(`createdBefore=${at(2)}`)).body.items.map((i) => i.id)).toEqual([byHour[1], byHour[0]]);
    // An equal pair is an empty window, not an error.
    expect((await list(`createdAfter=${at(4)}&createdBefore=${at(4)}`)).body.items).toEqual([]);
  });

  it('reads offsets: 05:30+02:00 is 03:30Z', async () => {
    const r = await list(
      `createdAfter=${encodeURIComponent('2026-03-01T05:30:00+02:00')}&createdBefore=${encodeURIComponent('2026-03-01T07:00:00+02:00')}`,
    );
    expect(r.body.items.map((i) => i.id)).toEqual([byHour[4]]);
  });

  it('combines with the status filter', async () => {
    expect((await list(`status=FAILED&createdAfter=${at(5)}`)).body.items.map((i) => i.id)).toEqual([byHour[9]]);
    expect((await list(`status=FAILED&createdBefore=${at(9)}`)).body.items).toEqual([]);
    expect((await list(`status=PENDING&createdAfter=${at(7)}`)).body.items.map((i) => i.id)).toEqual([byHour[8], byHour[7]]);
  });

  it('pages through the window with the keyset cursor and never leaves it', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: Page = await list(`createdAfter=${at(2)}&createdBefore=${at(9)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i) => i.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2].map((h) => byHour[h]));
    expect(pages).toBe(4);
  });

  it('answers 400 invalid_time_range when createdAfter is later than createdBefore', async () => {
    const r = await list(`createdAfter=${at(6)}&createdBefore=${at(3)}`);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body).toMatchObject({ status: 400, code: 'invalid_time_range', errors: [{ path: 'createdAfter' }] });
  });

  it('answers 400 invalid_query for a date-time without an offset or not a date-time at all', async () => {
    for (const bad of ['2026-03-01T03:00:00', '2026-03-01', 'yesterday']) {
      const r = await list(`createdAfter=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(r.body).toMatchObject({ code: 'invalid_query', errors: [{ path: 'createdAfter' }] });
    }
  });
});
