/**
 * When the identity provider cannot be reached, tokens cannot be checked: requests are refused
 * with 503 identity_provider_unavailable (never let through), the failure is not cached, and
 * requests succeed once the provider is back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestPlatform, startTestHost } from '../../helpers/test-platform';
import { TEST_AUDIENCE } from '../../servers/oidc-issuer';
import { startEntraEnv, type EntraEnv } from './entra-env';

let env: EntraEnv;
beforeAll(async () => {
  env = await startEntraEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('identity provider outage', () => {
  it('refuses requests while metadata and keys cannot be read, and recovers without a restart', async () => {
    const token = await env.issuer.accessToken({ groups: [await env.groupFor('viewer')] });
    env.issuer.down = true;
    try {
      const r = await env.call('GET', '/api/me', token);
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('identity_provider_unavailable');
      expect(env.issuer.counters.metadata).toBe(0); // it answered 503 before counting
    } finally {
      env.issuer.down = false;
    }
    const ok = await env.call('GET', '/api/me', token);
    expect(ok.status).toBe(200);
    expect(env.issuer.counters.metadata).toBe(1);
    expect(env.issuer.counters.jwks).toBe(1);
  });

  it('answers 503 when the authority host does not answer at all', async () => {
    // Port 1 on loopback: nothing listens there.
    const platform = await createTestPlatform({
      env: { ENTRA_TENANT_ID: env.tenants[0]!, ENTRA_API_AUDIENCE: TEST_AUDIENCE, ENTRA_AUTHORITY_HOST: 'https://127.0.0.1:1' },
    });
    const host = await startTestHost(platform);
    try {
      const token = await env.issuer.accessToken({ oid: randomUUID(), groups: [] });
      const r = await api(host.url, 'GET', '/api/me', undefined, { authorization: `Bearer ${token}` });
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('identity_provider_unavailable');
      expect((await api(host.url, 'GET', '/api/health')).status).toBe(200);
    } finally {
      await host.close();
      await platform.close();
    }
  });
});
