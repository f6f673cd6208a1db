/** Archiving and restoring workflows: the archived mark, and the live-run check that guards it. */
import type { Queryable } from '../db/db';

/** Locks a workflow row and reads its archive state; null when absent. */
export async function lockWorkflowForArchive(
  q: Queryable,
  orgId: string,
  id: string,
): Promise<{ id: string; name: string; archivedAt: Date | null } | null> {
  const { rows } = await q.query<{ id: string; name: string; archivedAt: Date | null }>(
    'SELECT id, name, archived_at AS "archivedAt" FROM workflows WHERE id = $1::uuid AND org_id = $2::uuid FOR UPDATE',
    [id, orgId],
  );
  return rows[0] ?? null;
}

/** PENDING or RUNNING runs of a workflow (at most `limit` counted). */
export async function liveRunCount(q: Queryable, orgId: string, workflowId: string, limit: number): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM workflow_runs WHERE org_id = $1::uuid AND workflow_id = $2::uuid
        AND status IN ('PENDING', 'RUNNING') LIMIT $3::int) AS live`,
    [orgId, workflowId, limit],
  );
  return rows[0]!.n;
}

/** Sets or clears the archived mark. */
export async function setArchived(q: Queryable, orgId: string, id: string, by: string | null): Promise<void> {
  await q.query(
    `UPDATE workflows SET archived_at = CASE WHEN $3::text IS NULL THEN NULL ELSE clock_timestamp() END, archived_by = $3::text
      WHERE id = $1::uuid AND org_id = $2::uuid`,
    [id, orgId, by],
  );
}

/** Whether a workflow is archived (false when absent). */
export async function isArchived(q: Queryable, orgId: string, id: string): Promise<boolean> {
  const { rows } = await q.query<{ archived: boolean }>(
    'SELECT archived_at IS NOT NULL AS archived FROM workflows WHERE id = $1::uuid AND org_id = $2::uuid',
    [id, orgId],
  );
  return rows[0]?.archived ?? false;
}
