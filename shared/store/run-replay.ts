/**
 * Replay after a fix: a FAILED or CANCELLED run becomes PENDING again as its next attempt, with
 * the version, input and task rows a rerun with options chose (engine/retry-plan.ts decides; this
 * module writes). Everything happens in the caller's transaction, with the run row locked first.
 */
import type { Queryable } from '../db/db';
import type { RunStatus } from '../domain/api';
import type { TaskType } from '../domain/workflow-definition';

export interface ReplayableRun {
  id: string;
  status: RunStatus;
  parentRunId: string | null;
  workflowId: string;
  workflowVersion: number;
  input: Record<string, unknown>;
  attempt: number;
  /** The latest published version of the run's workflow. */
  latestVersion: number;
  /** Whether the run's workflow is archived (its runs are not retried). */
  archived: boolean;
  /** Its task rows, by position. */
  tasks: Array<{ id: string; key: string; status: string }>;
}

/**
 * Locks a run for a rerun and reads what planning needs; null when absent. The workflow row is
 * share-locked too, so archiving (which locks it for update and then counts live runs) waits for
 * the rerun to commit and sees it, and a rerun that waited for an archive sees the archived mark.
 */
export async function lockRunForReplay(q: Queryable, orgId: string, runId: string): Promise<ReplayableRun | null> {
  const { rows } = await q.query<Omit<ReplayableRun, 'tasks'>>(
    `SELECT r.id, r.status, r.parent_run_id AS "parentRunId", r.workflow_id AS "workflowId", r.workflow_version AS "workflowVersion",
            r.input, r.attempt, w.latest_version AS "latestVersion", w.archived_at IS NOT NULL AS archived
       FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      WHERE r.id = $1::uuid AND r.org_id = $2::uuid
        FOR UPDATE OF r FOR SHARE OF w`,
    [runId, orgId],
  );
  const run = rows[0];
  if (!run) return null;
  const tasks = await q.query<{ id: string; key: string; status: string }>(
    'SELECT id, key, status FROM task_runs WHERE run_id = $1::uuid AND org_id = $2::uuid ORDER BY position',
    [runId, orgId],
  );
  return { ...run, tasks: tasks.rows };
}

/** One task of the next attempt, as planned. */
export interface ReplayTask {
  key: string;
  position: number;
  type: TaskType;
  action: 'keep' | 'rerun' | 'renew' | 'insert';
  rowId?: string | undefined;
}

/**
 * Rewrites the task rows of a locked run for its next attempt and queues it (PENDING, attempt + 1,
 * the chosen version and input). `keep` rows stay as they are; `rerun` rows become PENDING under
 * the same id; `renew` rows become PENDING under a new id (a new idempotency key) with their chunk
 * rows removed and their child unlinked; `insert` adds a row; rows of removed tasks go, with their
 * chunks. Failed or cancelled child runs of `rerun` tasks are queued again as their own next
 * attempt (the same children, the same keys). Returns the new attempt number.
 */
export async function replayRunTasks(
  q: Queryable,
  orgId: string,
  run: { id: string; workflowVersion: number; input: Record<string, unknown> | null },
  tasks: readonly ReplayTask[],
  removedRowIds: readonly string[],
): Promise<number> {
  const existing = tasks.filter((t) => t.rowId !== undefined);
  const gone = [...removedRowIds, ...existing.filter((t) => t.action === 'renew').map((t) => t.rowId!)];
  if (gone.length > 0) {
    await q.query('DELETE FROM chunk_runs WHERE task_run_id = ANY($1::uuid[]) AND org_id = $2::uuid', [gone, orgId]);
  }
  if (removedRowIds.length > 0) {
    await q.query('DELETE FROM task_runs WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid', [removedRowIds, orgId]);
  }
  // Positions are unique per run and checked row by row: move every row out of the way first.
  await q.query('UPDATE task_runs SET position = -1 - position WHERE run_id = $1::uuid AND org_id = $2::uuid', [run.id, orgId]);
  await q.query(
    `UPDATE task_runs t
        SET position = u.position, type = u.type,
            id = CASE WHEN u.action = 'renew' THEN gen_random_uuid() ELSE t.id END,
            status = CASE WHEN u.action = 'keep' THEN t.status ELSE 'PENDING' END,
            output = CASE WHEN u.action = 'keep' THEN t.output END,
            error = CASE WHEN u.action = 'keep' THEN t.error END,
            finished_at = CASE WHEN u.action = 'keep' THEN t.finished_at END,
            child_run_id = CASE WHEN u.action = 'renew' THEN NULL ELSE t.child_run_id END,
            chunks_total = CASE WHEN u.action = 'renew' THEN NULL ELSE t.chunks_total END,
            chunks_succeeded = CASE WHEN u.action = 'renew' THEN NULL ELSE t.chunks_succeeded END,
            chunks_failed = CASE WHEN u.action = 'renew' THEN NULL ELSE t.chunks_failed END,
            chunks_running = CASE WHEN u.action = 'renew' THEN NULL ELSE t.chunks_running END
       FROM unnest($3::uuid[], $4::int[], $5::text[], $6::text[]) AS u (id, position, type, action)
      WHERE t.id = u.id AND t.run_id = $1::uuid AND t.org_id = $2::uuid`,
    [
      run.id,
      orgId,
      existing.map((t) => t.rowId),
      existing.map((t) => t.position),
      existing.map((t) => t.type),
      existing.map((t) => t.action),
    ],
  );
  const inserted = tasks.filter((t) => t.action === 'insert');
  if (inserted.length > 0) {
    await q.query(
      `INSERT INTO task_runs (org_id, run_id, position, key, type, status)
       SELECT $1::uuid, $2::uuid, u.position, u.key, u.type, 'PENDING'
         FROM unnest($3::int[], $4::text[], $5::text[]) AS u (position, key, type)`,
      [orgId, run.id, inserted.map((t) => t.position), inserted.map((t) => t.key), inserted.map((t) => t.type)],
    );
  }
  const rerunKeys = tasks.filter((t) => t.action === 'rerun').map((t) => t.key);
  if (rerunKeys.length > 0) {
    await q.query(
      `WITH RECURSIVE tree AS (
         SELECT id FROM workflow_runs
          WHERE parent_run_id = $2::uuid AND org_id = $1::uuid AND parent_task_key = ANY($3::text[]) AND status IN ('FAILED', 'CANCELLED')
         UNION
         SELECT k.id FROM workflow_runs k JOIN tree ON k.parent_run_id = tree.id
          WHERE k.org_id = $1::uuid AND k.status IN ('FAILED', 'CANCELLED')
       ), queued AS (
         UPDATE workflow_runs SET status = 'PENDING', attempt = attempt + 1, error = NULL, output = NULL, finished_at = NULL,
                lease_owner = NULL, lease_expires_at = NULL, first_started_at = coalesce(first_started_at, started_at), started_at = NULL
          WHERE id IN (SELECT id FROM tree) AND org_id = $1::uuid
       )
       UPDATE task_runs SET status = 'PENDING', error = NULL, output = NULL, finished_at = NULL
        WHERE run_id IN (SELECT id FROM tree) AND org_id = $1::uuid AND status NOT IN ('SUCCEEDED', 'SKIPPED')`,
      [orgId, run.id, rerunKeys],
    );
  }
  const { rows } = await q.query<{ attempt: number }>(
    `UPDATE workflow_runs SET status = 'PENDING', attempt = attempt + 1, workflow_version = $3::int, input = coalesce($4::jsonb, input),
            error = NULL, output = NULL, finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
            first_started_at = coalesce(first_started_at, started_at), started_at = NULL
      WHERE id = $1::uuid AND org_id = $2::uuid
      RETURNING attempt`,
    [run.id, orgId, run.workflowVersion, run.input === null ? null : JSON.stringify(run.input)],
  );
  return rows[0]!.attempt;
}

/** What a rerun chose, recorded with the attempt it started. */
export interface RunAttemptRecord {
  runId: string;
  orgId: string;
  attempt: number;
  workflowVersion: number;
  previousVersion: number;
  inputEdited: boolean;
  fromTask: string | null;
  renewedTasks: readonly string[];
  requestedBy: string;
  bulkActionId?: string | null;
}

export async function insertRunAttempt(q: Queryable, a: RunAttemptRecord): Promise<void> {
  await q.query(
    `INSERT INTO run_attempts (run_id, org_id, attempt, workflow_version, previous_version, input_edited, from_task, renewed_tasks,
                               requested_by, bulk_action_id)
     VALUES ($1::uuid, $2::uuid, $3::int, $4::int, $5::int, $6::boolean, $7::text, $8::text[], $9::text, $10::uuid)`,
    [
      a.runId,
      a.orgId,
      a.attempt,
      a.workflowVersion,
      a.previousVersion,
      a.inputEdited,
      a.fromTask,
      [...a.renewedTasks],
      a.requestedBy,
      a.bulkActionId ?? null,
    ],
  );
}

/** The reruns of a run, oldest first. */
export async function listRunAttempts(
  q: Queryable,
  orgId: string,
  runId: string,
): Promise<Array<Omit<RunAttemptRecord, 'runId' | 'orgId'> & { requestedAt: Date }>> {
  const { rows } = await q.query<Omit<RunAttemptRecord, 'runId' | 'orgId'> & { requestedAt: Date }>(
    `SELECT attempt, workflow_version AS "workflowVersion", previous_version AS "previousVersion", input_edited AS "inputEdited",
            from_task AS "fromTask", renewed_tasks AS "renewedTasks", requested_by AS "requestedBy", requested_at AS "requestedAt",
            bulk_action_id AS "bulkActionId"
       FROM run_attempts WHERE run_id = $1::uuid AND org_id = $2::uuid ORDER BY attempt`,
    [runId, orgId],
  );
  return rows;
}
