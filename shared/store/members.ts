/** People who signed in to an organisation, known by tenant id + object id, and their direct role grants. */
import type { Role } from '../domain/principal';
import type { Queryable } from '../db/db';

export interface MemberRow {
  tenantId: string;
  objectId: string;
  displayName: string | null;
  username: string | null;
  role: Role | null;
  effectiveRole: Role | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** What sign-in needs in one round trip: the tenant's org, the roles its groups map to, the member's row. */
export interface SignInFacts {
  orgId: string;
  groupRoles: Role[];
  directRole: Role | null;
  effectiveRole: Role | null;
  known: boolean;
  /** True when last_seen_at is old enough to be worth rewriting. */
  stale: boolean;
}

const COLUMNS = `tenant_id AS "tenantId", object_id AS "objectId", display_name AS "displayName", username, role,
  effective_role AS "effectiveRole", first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt"`;

// last_seen_at is rewritten at most once a minute per person, not on every request.
const TOUCH_EVERY = "interval '60 seconds'";

/** Reads the sign-in facts for a person of a tenant; null when the tenant has no organisation. */
export async function signInFacts(
  q: Queryable,
  tenantId: string,
  objectId: string,
  groupIds: readonly string[],
): Promise<SignInFacts | null> {
  const { rows } = await q.query<SignInFacts>(
    `SELECT t.org_id AS "orgId",
            COALESCE((SELECT array_agg(DISTINCT r.role) FROM role_mappings r WHERE r.org_id = t.org_id AND r.group_id = ANY($3::uuid[])), '{}') AS "groupRoles",
            m.role AS "directRole", m.effective_role AS "effectiveRole",
            m.object_id IS NOT NULL AS known,
            COALESCE(m.last_seen_at < now() - ${TOUCH_EVERY}, true) AS stale
       FROM org_tenants t
       LEFT JOIN members m ON m.org_id = t.org_id AND m.tenant_id = $1::uuid AND m.object_id = $2::uuid
      WHERE t.tenant_id = $1::uuid`,
    [tenantId, objectId, groupIds],
  );
  return rows[0] ?? null;
}

/** Records a sign-in: creates the member or refreshes name, last-seen time and effective role. */
export async function touchMember(
  q: Queryable,
  orgId: string,
  m: { tenantId: string; objectId: string; displayName: string | null; username: string | null; effectiveRole: Role },
): Promise<void> {
  await q.query(
    `INSERT INTO members (org_id, tenant_id, object_id, display_name, username, effective_role)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text)
     ON CONFLICT (org_id, tenant_id, object_id) DO UPDATE
       SET display_name = EXCLUDED.display_name, username = EXCLUDED.username,
           effective_role = EXCLUDED.effective_role, last_seen_at = now()`,
    [orgId, m.tenantId, m.objectId, m.displayName, m.username, m.effectiveRole],
  );
}

/** Members of the organisation, most recently seen first. */
export async function listMembers(q: Queryable, orgId: string): Promise<MemberRow[]> {
  const { rows } = await q.query<MemberRow>(
    `SELECT ${COLUMNS} FROM members WHERE org_id = $1::uuid ORDER BY last_seen_at DESC, object_id`,
    [orgId],
  );
  return rows;
}

/** One member, or null. */
export async function getMember(q: Queryable, orgId: string, tenantId: string, objectId: string): Promise<MemberRow | null> {
  const { rows } = await q.query<MemberRow>(
    `SELECT ${COLUMNS} FROM members WHERE org_id = $1::uuid AND tenant_id = $2::uuid AND object_id = $3::uuid`,
    [orgId, tenantId, objectId],
  );
  return rows[0] ?? null;
}

/**
 * Sets (or clears, with null) a person's direct role. The person need not have signed in yet: an
 * admin may grant a role to a known object id in advance.
 */
export async function setMemberRole(
  q: Queryable,
  orgId: string,
  tenantId: string,
  objectId: string,
  role: Role | null,
): Promise<MemberRow> {
  const { rows } = await q.query<MemberRow>(
    `INSERT INTO members (org_id, tenant_id, object_id, role, first_seen_at, last_seen_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, now(), now())
     ON CONFLICT (org_id, tenant_id, object_id) DO UPDATE SET role = EXCLUDED.role
     RETURNING ${COLUMNS}`,
    [orgId, tenantId, objectId, role],
  );
  return rows[0]!;
}
