/**
 * Smaller attacks, each performed for real:
 * - emptying the audit log with TRUNCATE (which fires no row triggers and ignores row-level
 *   security), as the table owner and superuser of the test database;
 * - reading the database driver's error text from the public `/api/health`, and hammering it
 *   (even with a forged X-Forwarded-For);
 * - an admin API key minting an admin key that never expires, and keys handing out access
 *   without the organisation seeing that a key did it, or against its wish.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_LIMITS } from '../../../shared/engine/health';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
});
afterAll(async () => {
  await host?.close();
  await platform?.close();
});

describe('the audit log cannot be emptied', () => {
  it('refuses TRUNCATE, even from the owner, and keeps every entry', async () => {
    await api(host.url, 'POST', '/api/workflows', {
      name: `w-${randomUUID()}`,
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    });
    const count = async () => Number((await platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_log')).rows[0]!.n);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await expect(platform.db.query('TRUNCATE audit_log')).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('append-only'),
    });
    await expect(platform.db.query('TRUNCATE audit_log RESTART IDENTITY CASCADE')).rejects.toMatchObject({ code: '42501' });
    expect(await count()).toBe(before);
  });
});

describe('/api/health tells nothing of why, and is rate limited', () => {
  it('answers a database failure without the driver’s error text', async () => {
    const broken = await createTestPlatform();
    const h = await startTestHost(broken);
    try {
      await broken.db.close(); // every query now fails in the driver ("Cannot use a pool after calling end on the pool")
      const r = await api(h.url, 'GET', '/api/health');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({
        status: 'degraded',
        checks: { database: { status: 'down', backend: 'postgres' }, queue: { status: 'ok' } },
      });
      expect(r.body.checks.database).not.toHaveProperty('error');
      expect(JSON.stringify(r.body)).not.toMatch(/pool|Cannot use|postgres:\/\/|password/i);
    } finally {
      await h.close();
      await broken.close().catch(() => undefined);
    }
  });

  it('refuses a caller over its limit with 429, a forged X-Forwarded-For does not help, and the checks run at most once a second', async () => {
    let queries = 0;
    const query = platform.db.query.bind(platform.db);
    platform.db.query = ((...args: Parameters<typeof query>) => {
      if (args[0] === 'SELECT 1') queries++;
      return query(...args);
    }) as typeof query;
    const statuses: number[] = [];
    for (let i = 0; i < HEALTH_LIMITS.perCaller; i++)
      statuses.push((await api(host.url, 'GET', '/api/health', undefined, { 'x-forwarded-for': `203.0.113.${i % 250}` })).status);
    platform.db.query = query;
    expect(statuses.every((s) => s === 200)).toBe(true);
    const over = await api(host.url, 'GET', '/api/health', undefined, { 'x-forwarded-for': '198.51.100.7' });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('rate_limited');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // 60 answers in well under the 60 s window came from a handful of probes, not 60.
    expect(queries).toBeLessThan(10);
  });
});

describe('API keys handing out access', () => {
  let adminKey: string;
  const asKey = (method: string, path: string, body?: unknown) => api(host.url, method, path, body, { 'x-api-key': adminKey });
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  beforeAll(async () => {
    const k = await api(host.url, 'POST', '/api/hq/api-keys', { name: 'automation', role: 'admin', expiresAt: inAnHour() });
    expect(k.status, JSON.stringify(k.body)).toBe(201);
    adminKey = k.body.key;
  });

  it('an admin key cannot mint an admin key without an expiry', async () => {
    const r = await asKey('POST', '/api/hq/api-keys', { name: `forever-${randomUUID()}`, role: 'admin' });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'invalid_api_key_request', errors: [{ path: 'expiresAt' }] });
    const { rows } = await platform.db.query<{ n: number }>("SELECT count(*)::int AS n FROM api_keys WHERE name LIKE 'forever-%'");
    expect(rows[0]!.n).toBe(0);
    expect(
      (await asKey('POST', '/api/hq/api-keys', { name: `bounded-${randomUUID()}`, role: 'admin', expiresAt: inAnHour() })).status,
    ).toBe(201);
  });

  it('audits keys and role mappings a key creates as made by a key', async () => {
    const k = await asKey('POST', '/api/hq/api-keys', { name: `child-${randomUUID()}`, role: 'operator' });
    expect(k.status).toBe(201);
    const group = randomUUID();
    expect((await asKey('PUT', `/api/hq/role-mappings/${group}`, { role: 'editor' })).status).toBe(201);
    const { rows } = await platform.db.query<{ action: string; actor_type: string }>(
      'SELECT action, actor_type FROM audit_log WHERE target_id IN ($1::text, $2::text) ORDER BY id',
      [k.body.id, group],
    );
    expect(rows).toEqual([
      { action: 'api_key.create.by_api_key', actor_type: 'apikey' },
      { action: 'role_mapping.create.by_api_key', actor_type: 'apikey' },
    ]);
  });

  it('is refused once the organisation turns it off in /hq; people still may', async () => {
    const settings = (await api(host.url, 'GET', '/api/hq/settings')).body;
    const off = await api(host.url, 'PUT', '/api/hq/settings', {
      name: settings.name,
      apiKeysEnabled: true,
      apiKeyMaxLifetimeDays: null,
      apiKeysMayGrantAccess: false,
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.apiKeysMayGrantAccess).toBe(false);
    for (const [method, path, body] of [
      ['POST', '/api/hq/api-keys', { name: `refused-${randomUUID()}`, role: 'viewer' }],
      ['PUT', `/api/hq/role-mappings/${randomUUID()}`, { role: 'viewer' }],
    ] as const) {
      const r = await asKey(method, path, body);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('api_key_grants_disabled');
    }
    // The key still works for everything else, and a person may still grant.
    expect((await asKey('GET', '/api/hq/api-keys')).status).toBe(200);
    expect((await api(host.url, 'POST', '/api/hq/api-keys', { name: `by-person-${randomUUID()}`, role: 'viewer' })).status).toBe(201);
  });
});
