import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { ConfigError } from '../domain/errors';

const T1 = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const T2 = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

function issues(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('identity configuration', () => {
  it('is development mode only when DEMITON_DEV_MODE=on', () => {
    const c = loadConfig({ DEMITON_DEV_MODE: 'on' });
    expect(c.devMode).toBe(true);
    expect(c.entra).toBeNull();
    // Loopback, one user: no limits unless asked for.
    expect(c.rateLimit).toEqual({ windowSeconds: 60, perCaller: 0, perOrg: 0 });
    expect(loadConfig({ DEMITON_DEV_MODE: 'on', RATE_LIMIT_PER_CALLER: '5' }).rateLimit).toEqual({
      windowSeconds: 60,
      perCaller: 5,
      perOrg: 0,
    });
    // No identity provider is not development mode by itself.
    const none = loadConfig({});
    expect(none.devMode).toBe(false);
    expect(none.rateLimit).toEqual({ windowSeconds: 60, perCaller: 600, perOrg: 3000 });
  });

  it('refuses development mode with an identity provider or in Azure', () => {
    expect(issues({ DEMITON_DEV_MODE: 'on', ENTRA_TENANT_ID: T1, ENTRA_API_AUDIENCE: 'api://x' })).toEqual([
      expect.stringMatching(/^DEMITON_DEV_MODE: is on but ENTRA_TENANT_ID is set/),
    ]);
    expect(issues({ DEMITON_DEV_MODE: 'on', WEBSITE_INSTANCE_ID: 'abc123' })).toEqual([
      expect.stringMatching(/^DEMITON_DEV_MODE: is refused in Azure \(WEBSITE_INSTANCE_ID is set\)/),
    ]);
    expect(issues({ DEMITON_DEV_MODE: 'on', CONTAINER_APP_NAME: 'demiton' })).toHaveLength(1);
    expect(issues({ WEBSITE_INSTANCE_ID: 'abc123' })).toEqual([]);
  });

  it('compiles tenants, audience, authority host and defaults', () => {
    const c = loadConfig({ ENTRA_TENANT_ID: ` ${T1.toUpperCase()}, ${T2} `, ENTRA_API_AUDIENCE: 'api://demiton' });
    expect(c.devMode).toBe(false);
    expect(c.entra).toMatchObject({
      tenants: [T1, T2],
      audience: 'api://demiton',
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
      clockSkewSeconds: 60,
      client: null,
      spa: null,
    });
    expect(c.rateLimit).toEqual({ windowSeconds: 60, perCaller: 600, perOrg: 3000 });
  });

  it('derives the studio scope from the audience and takes a client secret or certificate', () => {
    const c = loadConfig({
      ENTRA_TENANT_ID: T1,
      ENTRA_API_AUDIENCE: T2,
      ENTRA_SPA_CLIENT_ID: T2,
      ENTRA_CLIENT_ID: T2,
      ENTRA_CLIENT_SECRET: 's',
    });
    expect(c.entra?.spa).toEqual({ clientId: T2, scopes: [`api://${T2}/.default`] });
    expect(c.entra?.client).toEqual({ clientId: T2, secret: 's' });
    const cert = loadConfig({
      ENTRA_TENANT_ID: T1,
      ENTRA_API_AUDIENCE: 'api://x',
      ENTRA_CLIENT_ID: T2,
      ENTRA_CLIENT_CERTIFICATE_PATH: '/etc/demiton/graph.pem',
    });
    expect(cert.entra?.client).toEqual({ clientId: T2, certificatePath: '/etc/demiton/graph.pem' });
  });

  it('names each bad variable', () => {
    expect(issues({ ENTRA_TENANT_ID: 'contoso.onmicrosoft.com' })[0]).toMatch(/^ENTRA_TENANT_ID: expected a tenant id/);
    expect(issues({ ENTRA_TENANT_ID: T1 })).toEqual([expect.stringMatching(/^ENTRA_API_AUDIENCE: required/)]);
    expect(issues({ ENTRA_AUTHORITY_HOST: 'http://login.example' })[0]).toMatch(/^ENTRA_AUTHORITY_HOST: expected an https/);
    expect(issues({ ENTRA_AUTHORITY_HOST: 'https://login.example/tenant' })[0]).toMatch(/^ENTRA_AUTHORITY_HOST/);
    expect(issues({ ENTRA_TENANT_ID: T1, ENTRA_API_AUDIENCE: 'a', ENTRA_CLIENT_SECRET: 's' })).toEqual([
      expect.stringMatching(/^ENTRA_CLIENT_ID: required/),
    ]);
    expect(issues({ RATE_LIMIT_PER_CALLER: '-1' })[0]).toMatch(/^RATE_LIMIT_PER_CALLER/);
  });
});
