/**
 * Workflow runs and task runs. The pre-flight insert writes the run and every task row in one
 * statement (so one transaction, one round trip); a worker claims a run with a conditional update
 * so two workers can never both hold it.
 */
import type { Queryable } from '../db/db';
import type { RunStatus } from '../domain/api';
import type { StoredError } from '../domain/errors';
import type { TaskType } from '../domain/workflow-definition';

export type RunTrigger = 'http' | 'schedule' | 'workflow' | 'chunk' | 'event';

export interface NewRun {
  id: string;
  orgId: string;
  workflowId: string;
  workflowVersion: number;
  trigger: RunTrigger;
  input: unknown;
  tasks: ReadonlyArray<{ key: string; type: TaskType }>;
  parentRunId?: string | null;
  parentTaskKey?: string | null;
  parentChunkIndex?: number | null;
  idempotencyKey?: string | null;
  inputHash?: string | null;
  /** The status the run is created with: PENDING for queued runs, RUNNING for inline children claimed at birth. */
  status?: 'PENDING' | 'RUNNING';
  leaseOwner?: string | null;
}

/** Inserts a run and its task rows. Returns false when the idempotency key already names a run. */
export async function insertRun(q: Queryable, r: NewRun): Promise<boolean> {
  const running = r.status === 'RUNNING';
  const { rowCount } = await q.query(
    `WITH run AS (
       INSERT INTO workflow_runs (id, org_id, workflow_id, workflow_version, status, trigger, input,
                                  parent_run_id, parent_task_key, parent_chunk_index, idempotency_key, input_hash,
                                  started_at, lease_owner)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::int, $5::text, $6::text, $7::jsonb,
               $8::uuid, $9::text, $10::bigint, $11::text, $12::text,
               CASE WHEN $5::text = 'RUNNING' THEN clock_timestamp() END, $15::text)
       ON CONFLICT (org_id, workflow_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, org_id
     ), tasks AS (
       INSERT INTO task_runs (org_id, run_id, position, key, type, status)
       SELECT run.org_id, run.id, t.ord - 1, t.key, t.type, 'PENDING'
         FROM run, unnest($13::text[], $14::text[]) WITH ORDINALITY AS t(key, type, ord)
     )
     SELECT id FROM run`,
    [
      r.id,
      r.orgId,
      r.workflowId,
      r.workflowVersion,
      running ? 'RUNNING' : 'PENDING',
      r.trigger,
      JSON.stringify(r.input ?? {}),
      r.parentRunId ?? null,
      r.parentTaskKey ?? null,
      r.parentChunkIndex ?? null,
      r.idempotencyKey ?? null,
      r.inputHash ?? null,
      r.tasks.map((t) => t.key),
      r.tasks.map((t) => t.type),
      r.leaseOwner ?? null,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/** The run an idempotency key already names, with the hash of the input it was created with. */
export async function findByIdempotencyKey(
  q: Queryable,
  orgId: string,
  workflowId: string,
  key: string,
): Promise<{ id: string; status: RunStatus; inputHash: string | null } | null> {
  const { rows } = await q.query<{ id: string; status: RunStatus; inputHash: string | null }>(
    `SELECT id, status, input_hash AS "inputHash" FROM workflow_runs
      WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND idempotency_key = $3::text`,
    [orgId, workflowId, key],
  );
  return rows[0] ?? null;
}

export interface TaskState {
  id: string;
  position: number;
  key: string;
  type: TaskType;
  status: RunStatus;
  attempts: number;
  output: unknown;
}

export interface ClaimedRun {
  id: string;
  orgId: string;
  workflowId: string;
  workflowVersion: number;
  input: Record<string, unknown>;
  parentRunId: string | null;
  tasks: TaskState[];
}

/**
 * Claims a PENDING run for `workerId` (PENDING → RUNNING) and returns it with its task rows in
 * one round trip. Null when the run is not PENDING or not in this organisation.
 */
export async function claimRun(q: Queryable, orgId: string, runId: string, workerId: string, leaseMs: number): Promise<ClaimedRun | null> {
  const { rows } = await q.query<ClaimedRun>(
    `WITH c AS (
       UPDATE workflow_runs
          SET status = 'RUNNING', started_at = coalesce(started_at, clock_timestamp()),
              lease_owner = $3::text, lease_expires_at = clock_timestamp() + $4::int * interval '1 millisecond'
        WHERE id = $2::uuid AND org_id = $1::uuid AND status = 'PENDING'
        RETURNING id, org_id, workflow_id, workflow_version, input, parent_run_id
     )
     SELECT c.id, c.org_id AS "orgId", c.workflow_id AS "workflowId", c.workflow_version AS "workflowVersion",
            c.input, c.parent_run_id AS "parentRunId",
            (SELECT coalesce(json_agg(json_build_object('id', t.id, 'position', t.position, 'key', t.key, 'type', t.type,
                     'status', t.status, 'attempts', t.attempts, 'output', t.output) ORDER BY t.position), '[]'::json)
               FROM task_runs t WHERE t.run_id = c.id) AS tasks
       FROM c`,
    [orgId, runId, workerId, leaseMs],
  );
  return rows[0] ?? null;
}

/** The task rows of a run, in order (for runs claimed at birth). */
export async function loadTasks(q: Queryable, orgId: string, runId: string): Promise<TaskState[]> {
  const { rows } = await q.query<TaskState>(
    `SELECT id, position, key, type, status, attempts, output FROM task_runs
      WHERE org_id = $1::uuid AND run_id = $2::uuid ORDER BY position`,
    [orgId, runId],
  );
  return rows;
}

/** Status of a run in an organisation, or null when no such row was ever committed. */
export async function runStatus(q: Queryable, orgId: string, runId: string): Promise<RunStatus | null> {
  const { rows } = await q.query<{ status: RunStatus }>('SELECT status FROM workflow_runs WHERE id = $1::uuid AND org_id = $2::uuid', [runId, orgId]);
  return rows[0]?.status ?? null;
}

/** Marks a task RUNNING and counts the attempt. */
export async function startTask(q: Queryable, orgId: string, taskId: string): Promise<number> {
  const { rows } = await q.query<{ attempts: number }>(
    `UPDATE task_runs SET status = 'RUNNING', attempts = attempts + 1, started_at = clock_timestamp(), error = NULL
      WHERE id = $1::uuid AND org_id = $2::uuid RETURNING attempts`,
    [taskId, orgId],
  );
  return rows[0]?.attempts ?? 0;
}

/** Records the child run a WorkflowRef task started. */
export async function setTaskChild(q: Queryable, orgId: string, taskId: string, childRunId: string): Promise<void> {
  await q.query('UPDATE task_runs SET child_run_id = $3::uuid WHERE id = $1::uuid AND org_id = $2::uuid', [taskId, orgId, childRunId]);
}

/** Ends a task. */
export async function finishTask(
  q: Queryable,
  orgId: string,
  taskId: string,
  status: 'SUCCEEDED' | 'FAILED',
  output: unknown,
  error: StoredError | null,
): Promise<void> {
  await q.query(
    `UPDATE task_runs SET status = $3::text, output = $4::jsonb, error = $5::jsonb, finished_at = clock_timestamp()
      WHERE id = $1::uuid AND org_id = $2::uuid`,
    [taskId, orgId, status, output === undefined ? null : JSON.stringify(output), error ? JSON.stringify(error) : null],
  );
}

/** Ends a RUNNING run and releases its lease. */
export async function finishRun(
  q: Queryable,
  orgId: string,
  runId: string,
  status: 'SUCCEEDED' | 'FAILED',
  output: unknown,
  error: StoredError | null,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE workflow_runs SET status = $3::text, output = $4::jsonb, error = $5::jsonb, finished_at = clock_timestamp(),
            lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1::uuid AND org_id = $2::uuid AND status = 'RUNNING'`,
    [runId, orgId, status, output === undefined ? null : JSON.stringify(output), error ? JSON.stringify(error) : null],
  );
  return (rowCount ?? 0) > 0;
}

/** PENDING runs older than `olderThanMs` (their queue message may have been lost). */
export async function pendingRuns(q: Queryable, olderThanMs: number, limit: number): Promise<Array<{ id: string; orgId: string }>> {
  const { rows } = await q.query<{ id: string; orgId: string }>(
    `SELECT id, org_id AS "orgId" FROM workflow_runs
      WHERE status = 'PENDING' AND parent_run_id IS NULL AND created_at < clock_timestamp() - $1::int * interval '1 millisecond'
      ORDER BY created_at LIMIT $2::int`,
    [olderThanMs, limit],
  );
  return rows;
}

/** A run's recorded state, for resuming it (null when absent). */
export async function getRunState(
  q: Queryable,
  orgId: string,
  runId: string,
): Promise<{ status: RunStatus; output: unknown; error: StoredError | null; workflowId: string; workflowVersion: number; input: Record<string, unknown>; parentRunId: string | null } | null> {
  const { rows } = await q.query<{ status: RunStatus; output: unknown; error: StoredError | null; workflowId: string; workflowVersion: number; input: Record<string, unknown>; parentRunId: string | null }>(
    `SELECT status, output, error, workflow_id AS "workflowId", workflow_version AS "workflowVersion", input, parent_run_id AS "parentRunId"
       FROM workflow_runs WHERE org_id = $1::uuid AND id = $2::uuid`,
    [orgId, runId],
  );
  return rows[0] ?? null;
}
