/**
 * Deleting a project or a digital worker. Nothing is cascaded: the foreign keys of everything
 * that may live in a project (workflows, connectors, business object types, workers) or belong to
 * a worker (workflows) refuse the delete while anything does (SQLSTATE 23503), which the caller
 * reports as 409.
 */
import type { Queryable } from '../db/db';

/** True when PostgreSQL refused a delete because a row still refers to it (SQLSTATE 23503). */
export function isStillReferenced(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { code?: unknown }).code === '23503';
}

/** Deletes a project that is not the organisation's default; which one it was, or why not. */
export async function deleteProject(q: Queryable, orgId: string, id: string): Promise<'deleted' | 'absent' | 'default'> {
  const { rows } = await q.query<{ isDefault: boolean; deleted: boolean }>(
    `WITH p AS (SELECT is_default FROM projects WHERE org_id = $1::uuid AND id = $2::uuid),
          d AS (DELETE FROM projects WHERE org_id = $1::uuid AND id = $2::uuid AND NOT is_default RETURNING id)
     SELECT p.is_default AS "isDefault", EXISTS (SELECT 1 FROM d) AS deleted FROM p`,
    [orgId, id],
  );
  const r = rows[0];
  return !r ? 'absent' : r.deleted ? 'deleted' : 'default';
}

/** Deletes a digital worker; false when absent. */
export async function deleteWorker(q: Queryable, orgId: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM workers WHERE org_id = $1::uuid AND id = $2::uuid', [orgId, id]);
  return (rowCount ?? 0) > 0;
}
