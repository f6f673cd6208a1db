/** Which organisation an Entra tenant signs in to. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db';
import { ensureOrganisation } from './organisations';

/** The organisation mapped to a tenant, or null. */
export async function orgForTenant(q: Queryable, tenantId: string): Promise<string | null> {
  const { rows } = await q.query<{ orgId: string }>('SELECT org_id AS "orgId" FROM org_tenants WHERE tenant_id = $1::uuid', [tenantId]);
  return rows[0]?.orgId ?? null;
}

/** Maps a tenant to an existing organisation (replacing nothing: a tenant maps to one org). */
export async function mapTenant(q: Queryable, tenantId: string, orgId: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'INSERT INTO org_tenants (tenant_id, org_id) VALUES ($1::uuid, $2::uuid) ON CONFLICT (tenant_id) DO NOTHING',
    [tenantId, orgId],
  );
  return (rowCount ?? 0) > 0;
}

/** The tenants of an organisation. */
export async function tenantsOfOrg(q: Queryable, orgId: string): Promise<string[]> {
  const { rows } = await q.query<{ tenantId: string }>(
    'SELECT tenant_id AS "tenantId" FROM org_tenants WHERE org_id = $1::uuid ORDER BY tenant_id',
    [orgId],
  );
  return rows.map((r) => r.tenantId);
}

/**
 * Gives every configured tenant an organisation (with its default project) on first start.
 * Concurrent starts are safe: the tenant row is the arbiter, a losing insert leaves no org behind.
 */
export async function ensureTenantOrganisations(
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  tenantIds: readonly string[],
): Promise<void> {
  for (const tenantId of tenantIds) {
    await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1::text))', [`demiton:tenant:${tenantId}`]);
      if (await orgForTenant(q, tenantId)) return;
      const orgId = randomUUID();
      await ensureOrganisation(q, { id: orgId, name: `Tenant ${tenantId}`, defaultProjectId: randomUUID() });
      await mapTenant(q, tenantId, orgId);
    });
  }
}
