/**
 * An Entra-mode test platform: a loopback OIDC issuer (and Graph), a platform configured for its
 * tenants on a fresh schema, and a host serving the route table. Users get roles through real
 * group mappings in the database and tokens signed by the issuer.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../../shared/domain/principal';
import { putRoleMapping } from '../../../shared/store/role-mappings';
import { orgForTenant } from '../../../shared/store/org-tenants';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';
import { startOidcIssuer, trustIssuer, TEST_AUDIENCE, type OidcIssuer } from '../../servers/oidc-issuer';

export const GRAPH_CLIENT = { clientId: randomUUID(), secret: `secret-${randomUUID()}` };

export interface EntraEnv {
  issuer: OidcIssuer;
  platform: TestPlatform;
  url: string;
  tenants: string[];
  /** Org id of each tenant. */
  orgOf(tenant: string): Promise<string>;
  /** A group mapped to `role` in the tenant's org, created once per (tenant, role). */
  groupFor(role: Role, tenant?: string): Promise<string>;
  /** A token for a new user holding `role` through a group mapping. */
  tokenFor(role: Role, opts?: { tenant?: string; oid?: string }): Promise<string>;
  call(method: string, path: string, token: string | null, body?: unknown, headers?: Record<string, string>): ReturnType<typeof api>;
  close(): Promise<void>;
}

/** Starts issuer, platform and host. */
export async function startEntraEnv(
  opts: { tenants?: number; env?: Record<string, string>; client?: { clientId: string; secret?: string; certificatePem?: string } } = {},
): Promise<EntraEnv> {
  const tenants: string[] = Array.from({ length: opts.tenants ?? 1 }, () => randomUUID());
  const issuer = await startOidcIssuer({ tenants, client: opts.client ?? GRAPH_CLIENT });
  trustIssuer(issuer);
  const platform = await createTestPlatform({
    env: {
      ENTRA_TENANT_ID: tenants.join(','),
      ENTRA_API_AUDIENCE: TEST_AUDIENCE,
      ENTRA_AUTHORITY_HOST: issuer.url,
      GRAPH_BASE_URL: issuer.url,
      ENTRA_CLIENT_ID: GRAPH_CLIENT.clientId,
      ENTRA_CLIENT_SECRET: GRAPH_CLIENT.secret,
      ENTRA_JWKS_REFRESH_COOLDOWN_SECONDS: '0',
      RATE_LIMIT_PER_CALLER: '100000',
      RATE_LIMIT_PER_ORG: '100000',
      ...opts.env,
    },
  });
  const host = await startTestHost(platform);
  const groups = new Map<string, string>();
  const orgOf = async (tenant: string) => (await orgForTenant(platform.db, tenant))!;
  const groupFor = async (role: Role, tenant = tenants[0]!) => {
    const k = `${tenant}/${role}`;
    let g = groups.get(k);
    if (!g) {
      g = randomUUID();
      await putRoleMapping(platform.db, await orgOf(tenant), { groupId: g, role, description: `test ${role}`, createdBy: 'test' });
      groups.set(k, g);
    }
    return g;
  };
  return {
    issuer,
    platform,
    url: host.url,
    tenants,
    orgOf,
    groupFor,
    async tokenFor(role, o = {}) {
      const tenant = o.tenant ?? tenants[0]!;
      return issuer.accessToken({ groups: [await groupFor(role, tenant)], ...(o.oid ? { oid: o.oid } : {}) }, { tenant });
    },
    call: (method, path, token, body, headers = {}) =>
      api(host.url, method, path, body, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }),
    async close() {
      await host.close();
      await platform.close();
      await issuer.close();
    },
  };
}
