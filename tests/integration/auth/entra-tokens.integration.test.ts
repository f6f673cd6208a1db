/**
 * Bearer-token verification against a loopback Entra issuer that signs real RS256 tokens: one
 * test per rejection rule, plus the accepted cases (groups, app roles, key rotation, overage).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIENCE } from '../../servers/oidc-issuer';
import { startEntraEnv, type EntraEnv } from './entra-env';

let env: EntraEnv;
let viewerGroup: string;

beforeAll(async () => {
  env = await startEntraEnv({ tenants: 2 });
  viewerGroup = await env.groupFor('viewer');
});
afterAll(async () => {
  await env?.close();
});

const me = (token: string | null, headers: Record<string, string> = {}) => env.call('GET', '/api/me', token, undefined, headers);
const now = () => Math.floor(Date.now() / 1000);

async function expectRejected(token: string, detail: RegExp) {
  const r = await me(token);
  expect(r.status).toBe(401);
  expect(r.body.code).toBe('unauthenticated');
  expect(r.body.detail).toMatch(detail);
  expect(r.headers.get('www-authenticate')).toBe('Bearer');
}

describe('Entra access tokens', () => {
  it('accepts a valid access token and identifies the user by tid + oid', async () => {
    const oid = randomUUID();
    const r = await me(await env.issuer.accessToken({ oid, groups: [viewerGroup], preferred_username: 'someone@example.test' }));
    expect(r.status).toBe(200);
    expect(r.body.role).toBe('viewer');
    expect(r.body.actor).toEqual({ type: 'user', id: `${env.tenants[0]}/${oid}` });
    expect(r.body.orgId).toBe(await env.orgOf(env.tenants[0]!));
    expect(r.body.devMode).toBe(false);
  });

  it('requires a credential on every /api route but health when ENTRA_TENANT_ID is set', async () => {
    const r = await me(null);
    expect(r.status).toBe(401);
    expect((await env.call('GET', '/api/workflows', null)).status).toBe(401);
    expect((await env.call('GET', '/api/health', null)).status).toBe(200);
  });

  it('rejects an expired token', async () => {
    await expectRejected(
      await env.issuer.accessToken({ groups: [viewerGroup], iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }),
      /expired/,
    );
  });

  it('tolerates a small clock skew but not more', async () => {
    expect((await me(await env.issuer.accessToken({ groups: [viewerGroup], exp: now() - 20 }))).status).toBe(200);
    await expectRejected(await env.issuer.accessToken({ groups: [viewerGroup], exp: now() - 120 }), /expired/);
  });

  it('rejects a token that is not valid yet', async () => {
    await expectRejected(await env.issuer.accessToken({ groups: [viewerGroup], nbf: now() + 600, iat: now() + 600 }), /not valid yet/);
  });

  it('rejects a token for another audience', async () => {
    await expectRejected(await env.issuer.accessToken({ groups: [viewerGroup], aud: 'api://someone-else' }), /not for this API/);
  });

  it('rejects a token whose issuer is not the tenant issuer', async () => {
    await expectRejected(
      await env.issuer.accessToken({ groups: [viewerGroup], iss: `https://sts.windows.net/${env.tenants[0]}/` }),
      /issuer/,
    );
    // Signed by the right key, claiming tenant A, but issued as tenant B: issuer and tid disagree.
    await expectRejected(await env.issuer.accessToken({ groups: [viewerGroup], iss: env.issuer.issuerFor(env.tenants[1]!) }), /issuer/);
  });

  it('rejects a token from a tenant that is not configured', async () => {
    const other = randomUUID();
    await expectRejected(
      await env.issuer.sign({
        aud: TEST_AUDIENCE,
        iss: `${env.issuer.url}/${other}/v2.0`,
        tid: other,
        oid: randomUUID(),
        ver: '2.0',
        scp: 'x',
        exp: now() + 600,
      }),
      /tenant .* not accepted/,
    );
  });

  it("rejects alg 'none'", async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(
      JSON.stringify({
        aud: TEST_AUDIENCE,
        iss: env.issuer.issuerFor(env.tenants[0]!),
        tid: env.tenants[0],
        oid: randomUUID(),
        ver: '2.0',
        scp: 'x',
        groups: [viewerGroup],
        exp: now() + 600,
      }),
    );
    await expectRejected(`${header}.${payload}.`, /algorithm 'none' is not allowed/);
  });

  it('rejects HS256 signed with the public key as the secret (key confusion)', async () => {
    const jwk = env.issuer.activeKey().publicJwk;
    const claims = {
      aud: TEST_AUDIENCE,
      iss: env.issuer.issuerFor(env.tenants[0]!),
      tid: env.tenants[0],
      oid: randomUUID(),
      ver: '2.0',
      scp: 'x',
      groups: [viewerGroup],
    };
    for (const secret of [JSON.stringify(jwk), String(jwk.n)]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid! })
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(secret));
      await expectRejected(token, /algorithm 'HS256' is not allowed/);
    }
  });

  it('refetches the JWKS for an unknown kid, then rejects a key that is still not published', async () => {
    await me(await env.issuer.accessToken({ groups: [viewerGroup] })); // keys cached
    const before = env.issuer.counters.jwks;
    const stranger = await env.issuer.newKey();
    await expectRejected(
      await env.issuer.accessToken({ groups: [viewerGroup] }, { key: stranger }),
      /not in the tenant's published key set/,
    );
    expect(env.issuer.counters.jwks).toBeGreaterThan(before);
  });

  it('picks up a rotated key after refetching the JWKS', async () => {
    const rotated = await env.issuer.newKey();
    env.issuer.publish(rotated);
    const r = await me(await env.issuer.accessToken({ groups: [viewerGroup] }, { key: rotated }));
    expect(r.status).toBe(200);
  });

  it('never takes keys from jku / x5u / jwk headers', async () => {
    const stranger = await env.issuer.newKey();
    await expectRejected(
      await env.issuer.accessToken({ groups: [viewerGroup] }, { key: stranger, header: { jwk: stranger.publicJwk } }),
      /'jwk' header/,
    );
    await expectRejected(
      await env.issuer.accessToken({ groups: [viewerGroup] }, { header: { jku: 'https://attacker.example/keys' } }),
      /'jku' header/,
    );
    await expectRejected(
      await env.issuer.accessToken({ groups: [viewerGroup] }, { header: { x5u: 'https://attacker.example/cert' } }),
      /'x5u' header/,
    );
  });

  it('rejects a bad signature', async () => {
    const t = await env.issuer.accessToken({ groups: [viewerGroup] });
    const [h, p, s] = t.split('.');
    const flipped = s!.slice(0, -4) + (s!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA');
    await expectRejected(`${h}.${p}.${flipped}`, /signature/);
  });

  it('rejects an ID token instead of an access token', async () => {
    // An ID token: audience is the client, it carries a nonce, no scp/roles.
    const idToken = await env.issuer.accessToken({ groups: [viewerGroup], nonce: 'n-0S6_WzA2Mj' });
    await expectRejected(idToken, /ID token/);
    const noScope = await env.issuer.accessToken({ groups: [viewerGroup] });
    const claims = JSON.parse(Buffer.from(noScope.split('.')[1]!, 'base64url').toString());
    delete claims.scp;
    await expectRejected(await env.issuer.sign(claims), /neither 'scp' nor 'roles'/);
    await expectRejected(await env.issuer.accessToken({ groups: [viewerGroup], ver: '1.0' }), /v2\.0 access tokens/);
  });

  it('rejects tokens without oid, and malformed Authorization headers', async () => {
    const t = await env.issuer.accessToken({ groups: [viewerGroup] }, { omit: ['oid'] });
    const claims = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString());
    delete claims.oid;
    await expectRejected(await env.issuer.sign(claims), /oid/);
    expect((await env.call('GET', '/api/me', null, undefined, { authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
    expect((await env.call('GET', '/api/me', null, undefined, { authorization: 'Bearer not-a-jwt' })).body.detail).toMatch(/well-formed/);
  });

  it('refuses a request that carries both a token and an API key', async () => {
    const r = await me(await env.issuer.accessToken({ groups: [viewerGroup] }), { 'x-api-key': 'dmt_' + 'a'.repeat(43) });
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(/not both/);
  });

  it('gives no role (403 no_role) to a valid user whose groups map to nothing', async () => {
    const r = await me(await env.issuer.accessToken({ groups: [randomUUID()] }));
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('no_role');
  });

  it('takes the highest of group roles, app roles and a direct grant', async () => {
    const editor = await env.groupFor('editor');
    const r1 = await me(await env.issuer.accessToken({ groups: [viewerGroup, editor] }));
    expect(r1.body.role).toBe('editor');
    const r2 = await me(await env.issuer.accessToken({ groups: [viewerGroup], roles: ['Demiton.Admin'] }));
    expect(r2.body.role).toBe('admin');
    // An app-only token (client credentials of another system) with an app role.
    const r3 = await me(await env.issuer.accessToken({ scp: undefined, roles: ['Demiton.Operator'], idtyp: 'app' }));
    expect(r3.status).toBe(200);
    expect(r3.body.role).toBe('operator');
  });

  it('maps each tenant to its own organisation', async () => {
    const g = await env.groupFor('viewer', env.tenants[1]);
    const r = await me(await env.issuer.accessToken({ groups: [g] }, { tenant: env.tenants[1] }));
    expect(r.status).toBe(200);
    expect(r.body.orgId).toBe(await env.orgOf(env.tenants[1]!));
    expect(r.body.orgId).not.toBe(await env.orgOf(env.tenants[0]!));
    // Tenant B's group id means nothing in tenant A's org.
    expect((await me(await env.issuer.accessToken({ groups: [g] }))).status).toBe(403);
  });

  describe('group overage (Microsoft Graph through MSAL)', () => {
    const overage = (oid: string) => ({
      oid,
      groups: undefined,
      _claim_names: { groups: 'src1' },
      _claim_sources: { src1: { endpoint: `https://graph.windows.net/${env.tenants[0]}/users/${oid}/getMemberObjects` } },
    });

    it('resolves the groups through Graph with a client-credentials token', async () => {
      const oid = randomUUID();
      env.issuer.graphGroups.set(oid, [...Array.from({ length: 250 }, () => randomUUID()), await env.groupFor('editor')]);
      const graphBefore = env.issuer.counters.graph;
      const r = await me(await env.issuer.accessToken(overage(oid)));
      expect(r.status).toBe(200);
      expect(r.body.role).toBe('editor');
      // MSAL fetched a Graph token from the issuer's token endpoint (client credentials) and Graph was asked once.
      expect(env.issuer.counters.token).toBeGreaterThanOrEqual(1);
      expect(env.issuer.counters.graph).toBe(graphBefore + 1);
    });

    it('fails closed when Graph is down', async () => {
      const oid = randomUUID();
      env.issuer.graphGroups.set(oid, [await env.groupFor('owner')]);
      env.issuer.graphDown = true;
      try {
        const r = await me(await env.issuer.accessToken(overage(oid)));
        expect(r.status).toBe(503);
        expect(r.body.code).toBe('graph_unavailable');
      } finally {
        env.issuer.graphDown = false;
      }
      // Once Graph is back the same user gets in.
      expect((await me(await env.issuer.accessToken(overage(oid)))).body.role).toBe('owner');
    });
  });
});
