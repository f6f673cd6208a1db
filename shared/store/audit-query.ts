/** Reading the audit log: filters and keyset paging on the id (newest first). */
import type { Queryable } from '../db/db';

export interface AuditRow {
  id: string;
  at: Date;
  actorType: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string | null;
  source: string | null;
  diff: unknown;
}

export interface AuditFilter {
  actorId?: string | undefined;
  actorType?: string | undefined;
  action?: string | undefined;
  /** Matches actions starting with this text (e.g. `workflow.`). */
  actionPrefix?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only rows with an id below this one (the keyset cursor). */
  beforeId?: string | undefined;
  limit: number;
}

/**
 * Up to `limit + 1` rows, newest first; the extra row tells the caller there is a next page. Sorted
 * on the bigint column, the key the cursor compares: a bare `ORDER BY id` would name the text
 * output column (`id::text AS id`) and sort `9, 8 … 3, 21, 20, 2, 19`.
 */
export async function listAudit(q: Queryable, orgId: string, f: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await q.query<AuditRow>(
    `SELECT id::text AS id, at, actor_type AS "actorType", actor_id AS "actorId", action, target_type AS "targetType",
            target_id AS "targetId", source, diff
       FROM audit_log
      WHERE org_id = $1::uuid
        AND ($2::text IS NULL OR actor_id = $2::text)
        AND ($3::text IS NULL OR actor_type = $3::text)
        AND ($4::text IS NULL OR action = $4::text)
        AND ($5::text IS NULL OR starts_with(action, $5::text))
        AND ($6::text IS NULL OR target_type = $6::text)
        AND ($7::text IS NULL OR target_id = $7::text)
        AND ($8::timestamptz IS NULL OR at >= $8::timestamptz)
        AND ($9::timestamptz IS NULL OR at < $9::timestamptz)
        AND ($10::bigint IS NULL OR id < $10::bigint)
      ORDER BY audit_log.id DESC
      LIMIT $11::int`,
    [
      orgId,
      f.actorId ?? null,
      f.actorType ?? null,
      f.action ?? null,
      f.actionPrefix ?? null,
      f.targetType ?? null,
      f.targetId ?? null,
      f.from ?? null,
      f.to ?? null,
      f.beforeId ?? null,
      f.limit + 1,
    ],
  );
  return rows;
}
