/**
 * Deleting an archived workflow with everything that belongs to it: its versions, draft,
 * schedules (and their fires), triggers (and their deliveries and leases), and its runs with
 * their whole trees (child and chunk runs of any workflow, task and chunk rows, waits, signals,
 * approval decisions, attempts, model usage). The audit log is not touched (it is append-only).
 * One transaction, in the caller's, after the workflow row is locked.
 */
import type { Queryable } from '../db/db';

/**
 * The runs deleting a workflow takes with it: its runs and, transitively, the runs they started,
 * with how many of them are PENDING or RUNNING.
 */
export async function runTreesOf(q: Queryable, orgId: string, workflowId: string): Promise<{ ids: string[]; live: number }> {
  const { rows } = await q.query<{ ids: string[] | null; live: number }>(
    `WITH RECURSIVE tree AS (
       SELECT id, status FROM workflow_runs WHERE org_id = $1::uuid AND workflow_id = $2::uuid
       UNION
       SELECT c.id, c.status FROM workflow_runs c JOIN tree ON c.parent_run_id = tree.id WHERE c.org_id = $1::uuid
     )
     SELECT array_agg(id) AS ids, count(*) FILTER (WHERE status IN ('PENDING', 'RUNNING'))::int AS live FROM tree`,
    [orgId, workflowId],
  );
  return { ids: rows[0]?.ids ?? [], live: rows[0]?.live ?? 0 };
}

/** What a delete removed, for its audit entry. */
export interface DeletedCounts {
  runs: number;
  versions: number;
  schedules: number;
  triggers: number;
}

/**
 * Deletes the workflow, its rows and the given runs (`runTreesOf`). A parent run that stays (of
 * another workflow, whose task started one of them) has that task's or chunk's child link
 * cleared. An alert run of another workflow keeps the id in `onFailureOf` (no index leads to it,
 * and the id still says which run failed).
 */
export async function deleteWorkflowRows(
  q: Queryable,
  orgId: string,
  workflowId: string,
  runIds: readonly string[],
): Promise<DeletedCounts> {
  // Schedules first: their fires point at runs about to go (the fires go with them, ON DELETE CASCADE).
  const schedules = await q.query('DELETE FROM schedules WHERE org_id = $1::uuid AND workflow_id = $2::uuid', [orgId, workflowId]);
  const triggers = await q.query('DELETE FROM workflow_triggers WHERE org_id = $1::uuid AND workflow_id = $2::uuid', [orgId, workflowId]);
  if (runIds.length > 0) {
    const ids = [...runIds];
    await q.query(
      `DELETE FROM approval_decisions WHERE wait_id IN (SELECT id FROM run_waits WHERE run_id = ANY($1::uuid[]) AND org_id = $2::uuid)`,
      [ids, orgId],
    );
    await q.query('DELETE FROM run_signals WHERE run_id = ANY($1::uuid[]) AND org_id = $2::uuid', [ids, orgId]);
    await q.query('DELETE FROM run_waits WHERE run_id = ANY($1::uuid[]) AND org_id = $2::uuid', [ids, orgId]);
    await q.query('DELETE FROM chunk_runs WHERE run_id = ANY($1::uuid[]) AND org_id = $2::uuid', [ids, orgId]);
    await q.query('DELETE FROM task_runs WHERE run_id = ANY($1::uuid[]) AND org_id = $2::uuid', [ids, orgId]);
    // A run of this workflow started by a run that stays: its parent's task or chunk row forgets
    // it (found through the parent's keys, which are indexed; child_run_id is not).
    await q.query(
      `UPDATE task_runs t SET child_run_id = NULL
         FROM workflow_runs r
        WHERE r.id = ANY($1::uuid[]) AND r.org_id = $2::uuid AND r.parent_chunk_index IS NULL
          AND t.run_id = r.parent_run_id AND t.key = r.parent_task_key AND t.child_run_id = r.id`,
      [ids, orgId],
    );
    await q.query(
      `UPDATE chunk_runs c SET child_run_id = NULL
         FROM workflow_runs r JOIN task_runs t ON t.run_id = r.parent_run_id AND t.key = r.parent_task_key
        WHERE r.id = ANY($1::uuid[]) AND r.org_id = $2::uuid AND r.parent_chunk_index IS NOT NULL
          AND c.task_run_id = t.id AND c.index = r.parent_chunk_index AND c.child_run_id = r.id`,
      [ids, orgId],
    );
    // One statement: the parent_run_id links inside the set are checked at its end, when all are gone.
    await q.query('DELETE FROM workflow_runs WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid', [ids, orgId]);
  }
  const versions = await q.query('DELETE FROM workflow_versions WHERE org_id = $1::uuid AND workflow_id = $2::uuid', [orgId, workflowId]);
  await q.query('DELETE FROM workflows WHERE org_id = $1::uuid AND id = $2::uuid', [orgId, workflowId]);
  return { runs: runIds.length, versions: versions.rowCount ?? 0, schedules: schedules.rowCount ?? 0, triggers: triggers.rowCount ?? 0 };
}
