/**
 * API keys end to end (Entra mode): an admin creates a key (shown once, stored hashed), a machine
 * calls with it, its role and workflow list are enforced, last use is recorded, and revocation,
 * expiry and the org-wide switch refuse it at once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntraEnv, type EntraEnv } from './entra-env';

let env: EntraEnv;
let admin: string;
let owner: string;
let wfA: string;
let wfB: string;

const definition = (name: string) => ({
  name,
  tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: 1 } }],
});

beforeAll(async () => {
  env = await startEntraEnv();
  admin = await env.tokenFor('admin');
  owner = await env.tokenFor('owner');
  wfA = (await env.call('POST', '/api/workflows', admin, definition(`a-${randomUUID()}`))).body.id;
  wfB = (await env.call('POST', '/api/workflows', admin, definition(`b-${randomUUID()}`))).body.id;
  expect(wfA).toBeTruthy();
  expect(wfB).toBeTruthy();
});
afterAll(async () => {
  await env?.close();
});

const withKey = (key: string, method: string, path: string, body?: unknown) => env.call(method, path, null, body, { 'x-api-key': key });

async function createKey(body: Record<string, unknown>, token = admin) {
  const r = await env.call('POST', '/api/hq/api-keys', token, { name: `k-${randomUUID()}`, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; key: string; prefix: string; role: string };
}

describe('API keys', () => {
  it('is shown once at creation and stored only as a SHA-256 hash', async () => {
    const k = await createKey({ role: 'viewer' });
    expect(k.key).toMatch(/^dmt_[A-Za-z0-9_-]{43}$/);
    expect(k.key.startsWith(k.prefix)).toBe(true);
    const list = await env.call('GET', '/api/hq/api-keys', admin);
    const listed = list.body.items.find((i: { id: string }) => i.id === k.id);
    expect(listed).toMatchObject({ id: k.id, role: 'viewer', status: 'active', lastUsedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(k.key);
    const { rows } = await env.platform.db.query<{ key_hash: Buffer; row: string }>(
      'SELECT key_hash, row_to_json(api_keys)::text AS row FROM api_keys WHERE id = $1::uuid',
      [k.id],
    );
    expect(rows[0]!.key_hash.equals(createHash('sha256').update(k.key).digest())).toBe(true);
    expect(rows[0]!.row).not.toContain(k.key.slice(12));
  });

  it('authenticates as the key, in its organisation and role, and records last use', async () => {
    const k = await createKey({ role: 'operator' });
    const me = await withKey(k.key, 'GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      actor: { type: 'apikey', id: k.id },
      role: 'operator',
      orgId: await env.orgOf(env.tenants[0]!),
      workflowScope: null,
    });
    const run = await withKey(k.key, 'POST', `/api/workflows/${wfA}/runs`, { input: {} });
    expect(run.status).toBe(202);
    const listed = (await env.call('GET', '/api/hq/api-keys', admin)).body.items.find((i: { id: string }) => i.id === k.id);
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    // The run's audit entry names the key as the actor.
    const audit = await env.call('GET', `/api/hq/audit?action=run.trigger&targetId=${run.body.id}`, admin);
    expect(audit.body.items[0].actor).toEqual({ type: 'apikey', id: k.id });
  });

  it("enforces the key's role", async () => {
    const viewer = await createKey({ role: 'viewer' });
    expect((await withKey(viewer.key, 'GET', '/api/workflows')).status).toBe(200);
    const denied = await withKey(viewer.key, 'POST', `/api/workflows/${wfA}/runs`, { input: {} });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
  });

  it('limits a key to its workflows', async () => {
    const k = await createKey({ role: 'operator', workflowIds: [wfA] });
    expect((await withKey(k.key, 'GET', '/api/me')).status).toBe(403); // not a per-workflow route
    const ok = await withKey(k.key, 'POST', `/api/workflows/${wfA}/runs`, { input: {} });
    expect(ok.status).toBe(202);
    expect((await withKey(k.key, 'GET', `/api/runs/${ok.body.id}`)).status).toBe(200);
    expect((await withKey(k.key, 'GET', `/api/workflows/${wfA}`)).status).toBe(200);
    const other = await withKey(k.key, 'POST', `/api/workflows/${wfB}/runs`, { input: {} });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('outside_key_scope');
    // A run of workflow B, started by someone else, is out of reach too.
    const runB = await env.call('POST', `/api/workflows/${wfB}/runs`, admin, { input: {} });
    expect((await withKey(k.key, 'GET', `/api/runs/${runB.body.id}`)).body.code).toBe('outside_key_scope');
    expect((await withKey(k.key, 'GET', '/api/workflows')).body.code).toBe('outside_key_scope');
    expect((await withKey(k.key, 'GET', '/api/runs')).body.code).toBe('outside_key_scope');
  });

  it('refuses workflow ids that are not workflows of the organisation', async () => {
    const r = await env.call('POST', '/api/hq/api-keys', admin, {
      name: `k-${randomUUID()}`,
      role: 'operator',
      workflowIds: [randomUUID()],
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_api_key_request');
  });

  it('refuses owner keys and keys from non-admins', async () => {
    expect((await env.call('POST', '/api/hq/api-keys', owner, { name: 'o', role: 'owner' })).status).toBe(422);
    const editor = await env.tokenFor('editor');
    expect((await env.call('POST', '/api/hq/api-keys', editor, { name: 'e', role: 'viewer' })).status).toBe(403);
    // An admin key may manage keys like an admin person (never above admin: there are no owner keys).
    const adminKey = await createKey({ role: 'admin' });
    expect((await withKey(adminKey.key, 'POST', '/api/hq/api-keys', { name: `k-${randomUUID()}`, role: 'viewer' })).status).toBe(201);
  });

  it('refuses duplicate names with 409', async () => {
    const name = `dup-${randomUUID()}`;
    await createKey({ name, role: 'viewer' });
    const r = await env.call('POST', '/api/hq/api-keys', admin, { name, role: 'viewer' });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('api_key_name_taken');
  });

  it('is refused at once after revocation, and the revocation is audited', async () => {
    const k = await createKey({ role: 'viewer' });
    expect((await withKey(k.key, 'GET', '/api/me')).status).toBe(200);
    const rev = await env.call('DELETE', `/api/hq/api-keys/${k.id}`, admin);
    expect(rev.status).toBe(200);
    expect(rev.body.status).toBe('revoked');
    const after = await withKey(k.key, 'GET', '/api/me');
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/revoked/);
    const audit = await env.call('GET', `/api/hq/audit?targetType=api_key&targetId=${k.id}`, admin);
    expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual(['api_key.revoke', 'api_key.create']);
    expect(JSON.stringify(audit.body)).not.toContain(k.key);
    expect((await env.call('DELETE', `/api/hq/api-keys/${randomUUID()}`, admin)).status).toBe(404);
  });

  it('is refused after it expires', async () => {
    const k = await createKey({ role: 'viewer', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await withKey(k.key, 'GET', '/api/me')).status).toBe(200);
    await env.platform.db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1::uuid", [k.id]);
    const r = await withKey(k.key, 'GET', '/api/me');
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(/expired/);
    expect(
      (
        await env.call('POST', '/api/hq/api-keys', admin, {
          name: 'past',
          role: 'viewer',
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        })
      ).status,
    ).toBe(422);
  });

  it('refuses unknown and malformed keys', async () => {
    expect((await withKey(`dmt_${'x'.repeat(43)}`, 'GET', '/api/me')).status).toBe(401);
    expect((await withKey('not-a-key', 'GET', '/api/me')).status).toBe(401);
  });

  it('honours the organisation settings: keys off, maximum lifetime', async () => {
    const k = await createKey({ role: 'viewer' });
    const name = (await env.call('GET', '/api/hq/settings', admin)).body.name;
    expect((await env.call('PUT', '/api/hq/settings', admin, { name, apiKeysEnabled: false, apiKeyMaxLifetimeDays: null })).status).toBe(
      200,
    );
    expect((await withKey(k.key, 'GET', '/api/me')).status).toBe(401);
    expect((await env.call('PUT', '/api/hq/settings', admin, { name, apiKeysEnabled: true, apiKeyMaxLifetimeDays: 30 })).status).toBe(200);
    expect((await withKey(k.key, 'GET', '/api/me')).status).toBe(200);
    const capped = await createKey({ role: 'viewer' });
    const listed = (await env.call('GET', '/api/hq/api-keys', admin)).body.items.find((i: { id: string }) => i.id === capped.id);
    expect(Date.parse(listed.expiresAt)).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
    const tooLong = await env.call('POST', '/api/hq/api-keys', admin, {
      name: 'long',
      role: 'viewer',
      expiresAt: new Date(Date.now() + 40 * 86_400_000).toISOString(),
    });
    expect(tooLong.status).toBe(422);
    await env.call('PUT', '/api/hq/settings', admin, { name, apiKeysEnabled: true, apiKeyMaxLifetimeDays: null });
  });
});
