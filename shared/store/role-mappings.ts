/** Entra group id → role, per organisation. */
import type { Role } from '../domain/principal';
import type { Queryable } from '../db/db';

export interface RoleMappingRow {
  groupId: string;
  role: Role;
  description: string | null;
  createdBy: string;
  createdAt: Date;
}

const COLUMNS = `group_id AS "groupId", role, description, created_by AS "createdBy", created_at AS "createdAt"`;

/** Every mapping of the organisation, by group id. */
export async function listRoleMappings(q: Queryable, orgId: string): Promise<RoleMappingRow[]> {
  const { rows } = await q.query<RoleMappingRow>(`SELECT ${COLUMNS} FROM role_mappings WHERE org_id = $1::uuid ORDER BY group_id`, [orgId]);
  return rows;
}

/** One mapping, or null. */
export async function getRoleMapping(q: Queryable, orgId: string, groupId: string): Promise<RoleMappingRow | null> {
  const { rows } = await q.query<RoleMappingRow>(`SELECT ${COLUMNS} FROM role_mappings WHERE org_id = $1::uuid AND group_id = $2::uuid`, [
    orgId,
    groupId,
  ]);
  return rows[0] ?? null;
}

/** Creates or replaces the mapping of a group. */
export async function putRoleMapping(
  q: Queryable,
  orgId: string,
  m: { groupId: string; role: Role; description: string | null; createdBy: string },
): Promise<RoleMappingRow> {
  const { rows } = await q.query<RoleMappingRow>(
    `INSERT INTO role_mappings (org_id, group_id, role, description, created_by)
     VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::text)
     ON CONFLICT (org_id, group_id) DO UPDATE SET role = EXCLUDED.role, description = EXCLUDED.description
     RETURNING ${COLUMNS}`,
    [orgId, m.groupId, m.role, m.description, m.createdBy],
  );
  return rows[0]!;
}

/** Deletes a mapping; returns the deleted row, or null when there was none. */
export async function deleteRoleMapping(q: Queryable, orgId: string, groupId: string): Promise<RoleMappingRow | null> {
  const { rows } = await q.query<RoleMappingRow>(
    `DELETE FROM role_mappings WHERE org_id = $1::uuid AND group_id = $2::uuid RETURNING ${COLUMNS}`,
    [orgId, groupId],
  );
  return rows[0] ?? null;
}
