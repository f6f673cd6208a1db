/**
 * /api/hq in Entra mode: members appear on sign-in (by tenant + object id), direct grants and
 * group mappings set roles, nobody grants more than they hold, settings round-trip, and the
 * sign-in configuration the studio reads.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIENCE } from '../../servers/oidc-issuer';
import { api, createTestPlatform, startTestHost } from '../../helpers/test-platform';
import { startEntraEnv, type EntraEnv } from './entra-env';

let env: EntraEnv;
let admin: string;
let owner: string;

beforeAll(async () => {
  env = await startEntraEnv({ env: { ENTRA_SPA_CLIENT_ID: '11111111-2222-4333-8444-555555555555' } });
  admin = await env.tokenFor('admin');
  owner = await env.tokenFor('owner');
});
afterAll(async () => {
  await env?.close();
});

describe('/api/hq', () => {
  it('lists people who signed in, by tenant and object id, with their effective role', async () => {
    const oid = randomUUID();
    const t = await env.issuer.accessToken({
      oid,
      groups: [await env.groupFor('editor')],
      name: 'Ada Lovelace',
      preferred_username: 'ada@example.test',
    });
    expect((await env.call('GET', '/api/me', t)).status).toBe(200);
    const list = await env.call('GET', '/api/hq/members', admin);
    const m = list.body.items.find((i: { objectId: string }) => i.objectId === oid);
    expect(m).toMatchObject({
      tenantId: env.tenants[0],
      objectId: oid,
      displayName: 'Ada Lovelace',
      username: 'ada@example.test',
      role: null,
      effectiveRole: 'editor',
    });
  });

  it('a direct grant raises a role; removing it lowers it again', async () => {
    const oid = randomUUID();
    const token = await env.issuer.accessToken({ oid, groups: [await env.groupFor('viewer')] });
    expect((await env.call('GET', '/api/me', token)).body.role).toBe('viewer');
    const put = await env.call('PUT', `/api/hq/members/${env.tenants[0]}/${oid}/role`, admin, { role: 'operator' });
    expect(put.status).toBe(200);
    expect((await env.call('GET', '/api/me', token)).body.role).toBe('operator');
    expect((await env.call('PUT', `/api/hq/members/${env.tenants[0]}/${oid}/role`, admin, { role: null })).status).toBe(200);
    expect((await env.call('GET', '/api/me', token)).body.role).toBe('viewer');
  });

  it('the same e-mail address in another object id is another person', async () => {
    const a = randomUUID();
    await env.call('PUT', `/api/hq/members/${env.tenants[0]}/${a}/role`, admin, { role: 'admin' });
    const impostor = await env.issuer.accessToken({
      oid: randomUUID(),
      groups: [],
      preferred_username: 'admin@example.test',
      email: 'admin@example.test',
    });
    expect((await env.call('GET', '/api/me', impostor)).status).toBe(403);
  });

  it('nobody grants or removes more than they hold', async () => {
    const g = randomUUID();
    const toOwner = await env.call('PUT', `/api/hq/role-mappings/${g}`, admin, { role: 'owner' });
    expect(toOwner.status).toBe(403);
    expect((await env.call('PUT', `/api/hq/members/${env.tenants[0]}/${randomUUID()}/role`, admin, { role: 'owner' })).status).toBe(403);
    // An owner may; the admin then cannot remove or downgrade it.
    expect((await env.call('PUT', `/api/hq/role-mappings/${g}`, owner, { role: 'owner', description: 'break glass' })).status).toBe(201);
    expect((await env.call('DELETE', `/api/hq/role-mappings/${g}`, admin)).status).toBe(403);
    expect((await env.call('PUT', `/api/hq/role-mappings/${g}`, admin, { role: 'viewer' })).status).toBe(403);
    expect((await env.call('DELETE', `/api/hq/role-mappings/${g}`, owner)).status).toBe(204);
    expect((await env.call('DELETE', `/api/hq/role-mappings/${g}`, owner)).status).toBe(404);
  });

  it('role mappings take effect on the next request', async () => {
    const g = randomUUID();
    const token = await env.issuer.accessToken({ groups: [g] });
    expect((await env.call('GET', '/api/me', token)).status).toBe(403);
    const put = await env.call('PUT', `/api/hq/role-mappings/${g}`, admin, { role: 'editor', description: 'Demiton editors' });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ groupId: g, role: 'editor', description: 'Demiton editors' });
    expect((await env.call('GET', '/api/me', token)).body.role).toBe('editor');
    expect((await env.call('PUT', `/api/hq/role-mappings/${g}`, admin, { role: 'viewer' })).status).toBe(200);
    expect((await env.call('GET', '/api/me', token)).body.role).toBe('viewer');
    const list = await env.call('GET', '/api/hq/role-mappings', admin);
    expect(list.body.items.find((m: { groupId: string }) => m.groupId === g).role).toBe('viewer');
    expect((await env.call('DELETE', `/api/hq/role-mappings/${g}`, admin)).status).toBe(204);
    expect((await env.call('GET', '/api/me', token)).status).toBe(403);
  });

  it('settings round-trip with the tenant list, and refuse unknown fields', async () => {
    const s = await env.call('GET', '/api/hq/settings', admin);
    expect(s.body).toMatchObject({ tenants: [env.tenants[0]], apiKeysEnabled: true, apiKeyMaxLifetimeDays: null });
    const put = await env.call('PUT', '/api/hq/settings', admin, { name: 'Contoso', apiKeysEnabled: true, apiKeyMaxLifetimeDays: 90 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Contoso', apiKeyMaxLifetimeDays: 90 });
    expect((await env.call('GET', '/api/me', admin)).body.orgName).toBe('Contoso');
    expect((await env.call('PUT', '/api/hq/settings', admin, { name: 'x', surprise: true })).status).toBe(422);
    await env.call('PUT', '/api/hq/settings', admin, { name: 'Contoso', apiKeysEnabled: true, apiKeyMaxLifetimeDays: null });
  });

  it('GET /api/auth/config tells the studio how to sign in', async () => {
    const c = await env.call('GET', '/api/auth/config', null);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({
      devMode: false,
      tenants: env.tenants,
      authority: `${env.issuer.url}/${env.tenants[0]}`,
      knownAuthorities: [new URL(env.issuer.url).host],
      clientId: '11111111-2222-4333-8444-555555555555',
      scopes: [`${TEST_AUDIENCE}/.default`],
    });
  });
});

describe('development mode', () => {
  it('reports devMode and the built-in owner', async () => {
    const platform = await createTestPlatform();
    const host = await startTestHost(platform);
    try {
      expect((await api(host.url, 'GET', '/api/auth/config')).body).toMatchObject({ devMode: true, clientId: null });
      const me = await api(host.url, 'GET', '/api/me');
      expect(me.body).toMatchObject({ devMode: true, role: 'owner', actor: { type: 'user', id: 'dev-admin' }, orgName: 'Development' });
      // A bearer token means nothing without an identity provider: still the built-in owner.
      expect((await api(host.url, 'GET', '/api/me', undefined, { authorization: 'Bearer x.y.z' })).body.role).toBe('owner');
    } finally {
      await host.close();
      await platform.close();
    }
  });
});
