/** Per-organisation settings (a JSON document validated by shared/hq/org-settings.ts) and the organisation's name. */
import type { Queryable } from '../db/db';

export interface OrgSettingsRow {
  name: string;
  settings: Record<string, unknown>;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The organisation's name and stored settings; null when the organisation does not exist. */
export async function getOrgSettings(q: Queryable, orgId: string): Promise<OrgSettingsRow | null> {
  const { rows } = await q.query<OrgSettingsRow>(
    `SELECT o.name, COALESCE(s.settings, '{}'::jsonb) AS settings, s.updated_by AS "updatedBy", s.updated_at AS "updatedAt"
       FROM organisations o LEFT JOIN org_settings s ON s.org_id = o.id
      WHERE o.id = $1::uuid`,
    [orgId],
  );
  return rows[0] ?? null;
}

/** Replaces the settings document and the name. */
export async function putOrgSettings(
  q: Queryable,
  orgId: string,
  name: string,
  settings: Record<string, unknown>,
  by: string,
): Promise<void> {
  await q.query('UPDATE organisations SET name = $2::text WHERE id = $1::uuid', [orgId, name]);
  await q.query(
    `INSERT INTO org_settings (org_id, settings, updated_by, updated_at) VALUES ($1::uuid, $2::jsonb, $3::text, now())
     ON CONFLICT (org_id) DO UPDATE SET settings = EXCLUDED.settings, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [orgId, JSON.stringify(settings), by],
  );
}
