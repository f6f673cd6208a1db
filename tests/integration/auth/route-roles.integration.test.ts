/**
 * Role enforcement over the whole route table: for every route (including routes added after this
 * test was written) a caller one role below the declared one is refused with 403, a caller at the
 * role gets past authorisation, and a caller without credentials gets 401. Public routes answer
 * without credentials. Real Entra tokens from the loopback issuer; roles come from group mappings.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../shared/domain/principal';
import type { Route } from '../../../functions/http-kit';
import { routes } from '../../../functions/routes';
import { startEntraEnv, type EntraEnv } from './entra-env';

let env: EntraEnv;
const tokens = new Map<Role, string>();

beforeAll(async () => {
  env = await startEntraEnv();
  for (const role of ROLES) tokens.set(role, await env.tokenFor(role));
});
afterAll(async () => {
  await env?.close();
});

function pathOf(r: Route): string {
  return '/api/' + r.route.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}/g, () => randomUUID());
}

/** Status only: the body is not read (some routes stream). */
async function statusOf(r: Route, token: string | null): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${env.url}${pathOf(r)}`, {
    method: r.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(r.body ? { 'content-type': 'application/json' } : {}) },
    ...(r.body && r.method !== 'GET' ? { body: '{}' } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  let code: string | undefined;
  if (res.status === 401 || res.status === 403) code = ((await res.json()) as { code?: string }).code;
  else await res.body?.cancel();
  return { status: res.status, ...(code ? { code } : {}) };
}

const protectedRoutes = routes.filter((r) => r.role !== 'public');
const publicRoutes = routes.filter((r) => r.role === 'public');

describe('every route enforces the role it declares', () => {
  it('the route table declares a known role on every route', () => {
    expect(protectedRoutes.length).toBeGreaterThan(10);
    for (const r of routes) expect([...ROLES, 'public'], r.name).toContain(r.role);
  });

  it.each(protectedRoutes.map((r) => [`${r.method} /api/${r.route} (${r.role})`, r] as const))('%s', async (_label, r) => {
    const needed = r.role as Role;
    // No credentials: 401.
    expect((await statusOf(r, null)).status, 'no credentials').toBe(401);
    for (const role of ROLES) {
      const got = await statusOf(r, tokens.get(role)!);
      if (ROLES.indexOf(role) < ROLES.indexOf(needed)) {
        expect(got, `${role} calling ${r.name}`).toEqual({ status: 403, code: 'forbidden' });
      } else {
        expect([401, 403], `${role} calling ${r.name} got ${got.status} ${got.code ?? ''}`).not.toContain(got.status);
      }
    }
  });

  it.each(publicRoutes.map((r) => [`${r.method} /api/${r.route}`, r] as const))(
    'public: %s answers without credentials',
    async (_label, r) => {
      const got = await statusOf(r, null);
      expect([401, 403]).not.toContain(got.status);
    },
  );
});
