/**
 * Workflow runs one at a time: child runs inserted with their task rows in one statement, a child
 * claimed under its parent's lease, lease heartbeats and hand-backs, the recovery sweep's queries,
 * cancel and rerun of a run tree, and reading a run's state. Triggered runs are committed, and
 * top-level runs claimed and ended, many to a statement in run-batches.ts; a task's state changes
 * are in task-transitions.ts.
 */
import { statement, type Queryable } from '../db/db';
import type { RunStatus } from '../domain/api';
import type { StoredError } from '../domain/errors';
import type { TaskType } from '../domain/workflow-definition';
import type { TestStep } from '../domain/test-step';
import { CLAIMABLE_TASK, COUNT_INTERRUPTED, FENCE, KEPT_ON_RERUN, RELEASE_TASK, RUN_CRASHED, type TaskStatus } from './task-transitions';

export type RunTrigger = 'http' | 'schedule' | 'workflow' | 'chunk' | 'event' | 'test';

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
  /** Lease length for a run created RUNNING (claimed at birth). */
  leaseMs?: number;
  /** The run whose failure started this one (a workflow's `onFailure`). */
  onFailureOf?: string | null;
  /** A test of one step (trigger 'test'): what the worker executes instead of the version's definition. */
  testStep?: TestStep | null;
}

/**
 * Inserts a run and its task rows in one statement: one round trip and one commit (child runs;
 * triggered runs go through `insertRunsIfCurrent` in run-batches.ts, with their audit entries).
 * Returns false when the idempotency key already names a run (then nothing is written).
 */
export async function insertRun(q: Queryable, r: NewRun): Promise<boolean> {
  const running = r.status === 'RUNNING';
  const { rowCount } = await q.query(
    statement(
      'demiton_insert_run',
      `WITH run AS (
       INSERT INTO workflow_runs (id, org_id, workflow_id, workflow_version, status, trigger, input,
                                  parent_run_id, parent_task_key, parent_chunk_index, idempotency_key, input_hash,
                                  started_at, lease_owner, lease_expires_at, on_failure_of, test_step)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::int, $5::text, $6::text, $7::jsonb,
               $8::uuid, $9::text, $10::bigint, $11::text, $12::text,
               CASE WHEN $5::text = 'RUNNING' THEN clock_timestamp() END, $15::text,
               CASE WHEN $5::text = 'RUNNING' THEN clock_timestamp() + $16::int * interval '1 millisecond' END, $17::uuid, $18::jsonb)
       ON CONFLICT (org_id, workflow_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, org_id
     ), tasks AS (
       INSERT INTO task_runs (org_id, run_id, position, key, type, status)
       SELECT run.org_id, run.id, t.ord - 1, t.key, t.type, 'PENDING'
         FROM run, unnest($13::text[], $14::text[]) WITH ORDINALITY AS t(key, type, ord)
     )
     SELECT id FROM run`,
    ),
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
      r.leaseMs ?? 60_000,
      r.onFailureOf ?? null,
      r.testStep ? JSON.stringify(r.testStep) : null,
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
  status: TaskStatus;
  attempts: number;
  output: unknown;
  /** The recorded error of a FAILED task (a resumed graph run hands it to its failure handlers). */
  error?: StoredError | null;
  /** Attempts cut off by a worker's death before this claim (the claim's own count is in `ClaimedRun.crashed`). */
  interrupted?: number;
}

export interface ClaimedRun {
  id: string;
  orgId: string;
  workflowId: string;
  workflowVersion: number;
  input: Record<string, unknown>;
  parentRunId: string | null;
  tasks: TaskState[];
  /** The task the claim already started (RUNNING, attempt counted), so the executor skips its startTask. */
  startedTaskId?: string | null;
  /**
   * The run was taken from a worker that died holding it: every task it found RUNNING had one more
   * attempt interrupted, counted by the claim (`interrupted` + 1).
   */
  crashed?: boolean;
  /** Set on a test of one step: executed instead of the version's definition. */
  testStep?: TestStep | null;
}

/** The columns of a claimed run, read from a CTE named `claimed` that returned the updated run rows. */
export const CLAIMED_COLUMNS = `claimed.id, claimed.org_id AS "orgId", claimed.workflow_id AS "workflowId", claimed.workflow_version AS "workflowVersion",
            claimed.input, claimed.parent_run_id AS "parentRunId", claimed.test_step AS "testStep",
            (SELECT coalesce(json_agg(json_build_object('id', t.id, 'position', t.position, 'key', t.key, 'type', t.type,
                     'status', t.status, 'attempts', t.attempts, 'output', t.output, 'error', t.error,
                     'interrupted', t.interrupted_attempts) ORDER BY t.position), '[]'::json)
               FROM task_runs t WHERE t.run_id = claimed.id) AS tasks`;

/**
 * Takes over an existing child run (PENDING after a rerun, or RUNNING under a worker that lost the
 * parent) for the worker that holds its parent's lease. Fenced on the parent: only the holder of
 * the parent's lease may take its children.
 */
export async function claimChild(
  q: Queryable,
  orgId: string,
  childId: string,
  workerId: string,
  leaseMs: number,
): Promise<ClaimedRun | null> {
  const { rows } = await q.query<ClaimedRun>(
    statement(
      'demiton_claim_child',
      `WITH locked AS (
       -- A child this same worker still holds was not left by a dead one.
       SELECT k.id, (${RUN_CRASHED('k')} AND k.lease_owner <> $3::text) AS crashed FROM workflow_runs k
        WHERE k.id = $2::uuid AND k.org_id = $1::uuid AND k.status IN ('PENDING', 'RUNNING')
          AND EXISTS (SELECT 1 FROM workflow_runs p WHERE p.id = k.parent_run_id AND p.lease_owner = $3::text AND p.status = 'RUNNING')
        FOR UPDATE
     ), claimed AS (
       UPDATE workflow_runs k
          SET status = 'RUNNING', started_at = coalesce(k.started_at, clock_timestamp()),
              lease_owner = $3::text, lease_expires_at = clock_timestamp() + $4::int * interval '1 millisecond'
         FROM locked WHERE k.id = locked.id
        RETURNING k.id, k.org_id, k.workflow_id, k.workflow_version, k.input, k.parent_run_id, k.test_step, locked.crashed
     ), interrupted AS (
       UPDATE task_runs t SET ${COUNT_INTERRUPTED('claimed.crashed')}
         FROM claimed WHERE claimed.crashed AND t.run_id = claimed.id AND t.org_id = claimed.org_id AND t.status = 'RUNNING'
     )
     SELECT ${CLAIMED_COLUMNS}, claimed.crashed FROM claimed`,
    ),
    [orgId, childId, workerId, leaseMs],
  );
  return rows[0] ?? null;
}

/** The task rows of a run, in order (for runs claimed at birth). */
export async function loadTasks(q: Queryable, orgId: string, runId: string): Promise<TaskState[]> {
  const { rows } = await q.query<TaskState>(
    statement(
      'demiton_load_tasks',
      `SELECT id, position, key, type, status, attempts, output, error FROM task_runs
      WHERE org_id = $1::uuid AND run_id = $2::uuid ORDER BY position`,
    ),
    [orgId, runId],
  );
  return rows;
}

/** Status of a run in an organisation, or null when no such row was ever committed. */
export async function runStatus(q: Queryable, orgId: string, runId: string): Promise<RunStatus | null> {
  const { rows } = await q.query<{ status: RunStatus }>(
    statement('demiton_run_status', 'SELECT status FROM workflow_runs WHERE id = $1::uuid AND org_id = $2::uuid'),
    [runId, orgId],
  );
  return rows[0]?.status ?? null;
}

// Task transitions live in task-transitions.ts (the state machine); re-exported for callers of this module.
export { finishTask, finishTaskStartNext, retryTask, startTask } from './task-transitions';

/** Records the child run a WorkflowRef task started. False when the lease is gone. */
export async function setTaskChild(q: Queryable, orgId: string, taskId: string, owner: string, childRunId: string): Promise<boolean> {
  const { rowCount } = await q.query(
    statement(
      'demiton_set_task_child',
      `UPDATE task_runs SET child_run_id = $4::uuid WHERE id = $1::uuid AND org_id = $2::uuid AND ${FENCE('task_runs.run_id', '$3')}`,
    ),
    [taskId, orgId, owner, childRunId],
  );
  return (rowCount ?? 0) > 0;
}

/** A task end written together with its run's end. */
export interface TaskEnd {
  id: string;
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: StoredError | null;
}

/**
 * The heartbeat: extends the leases `owner` still holds among `runIds` (one statement for all the
 * runs in hand). Returns the ids still held; a missing id was cancelled or taken over.
 */
export async function extendLeases(q: Queryable, owner: string, runIds: readonly string[], leaseMs: number): Promise<Set<string>> {
  if (!runIds.length) return new Set();
  // Rows locked in id order, like the batched claims and run ends (store/run-batches.ts): the
  // heartbeat and a batch touching the same runs then queue behind each other, never deadlock.
  const { rows } = await q.query<{ id: string }>(
    statement(
      'demiton_extend_leases',
      `WITH locked AS (
       SELECT id FROM workflow_runs
        WHERE id = ANY($2::uuid[]) AND lease_owner = $1::text AND status = 'RUNNING' AND lease_expires_at > clock_timestamp()
        ORDER BY id FOR UPDATE
     )
     UPDATE workflow_runs w SET lease_expires_at = clock_timestamp() + $3::int * interval '1 millisecond'
       FROM locked WHERE w.id = locked.id
     RETURNING w.id`,
    ),
    [owner, runIds, leaseMs],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Lets a lease go at once (the worker gave the run up: shutdown, or an infrastructure error), so
 * recovery need not wait for it to expire. The owner is cleared too, on the run and on the inline
 * children this worker holds under it: the next claim then knows the run was handed back, not left
 * by a worker that died, and counts no interrupted attempt (`RUN_CRASHED`).
 */
export async function expireLease(q: Queryable, runId: string, owner: string): Promise<void> {
  await q.query(
    `WITH RECURSIVE tree AS (
       SELECT id FROM workflow_runs WHERE id = $1::uuid AND lease_owner = $2::text AND status = 'RUNNING'
       UNION
       SELECT k.id FROM workflow_runs k JOIN tree ON k.parent_run_id = tree.id WHERE k.lease_owner = $2::text AND k.status = 'RUNNING'
     )
     UPDATE workflow_runs SET lease_expires_at = clock_timestamp(), lease_owner = NULL WHERE id IN (SELECT id FROM tree)`,
    [runId, owner],
  );
}

/**
 * Hands a claimed run back to PENDING (its concurrency group is full; it waits in the queue), and
 * the task its claim started back to PENDING with that attempt uncounted.
 */
export async function unclaimRun(
  q: Queryable,
  orgId: string,
  runId: string,
  owner: string,
  startedTaskId: string | null = null,
): Promise<boolean> {
  const { rows } = await q.query<{ ok: boolean }>(
    statement(
      'demiton_unclaim_run',
      `WITH released AS (
       UPDATE workflow_runs SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1::uuid AND org_id = $2::uuid AND status = 'RUNNING' AND lease_owner = $3::text
        RETURNING id
     ), released_task AS (
       UPDATE task_runs SET ${RELEASE_TASK}
        WHERE id = $4::uuid AND org_id = $2::uuid AND run_id IN (SELECT id FROM released) AND status = 'RUNNING'
     )
     SELECT EXISTS (SELECT 1 FROM released) AS ok`,
    ),
    [runId, orgId, owner, startedTaskId],
  );
  return rows[0]?.ok ?? false;
}

/**
 * Runs the sweep hands back to the queue: top-level PENDING runs older than `pendingOlderThanMs`
 * (their message may be lost) and top-level RUNNING runs whose lease expired (their worker died).
 */
export async function recoverableRuns(
  q: Queryable,
  pendingOlderThanMs: number,
  limit: number,
): Promise<Array<{ id: string; orgId: string; status: RunStatus }>> {
  const { rows } = await q.query<{ id: string; orgId: string; status: RunStatus }>(
    `(SELECT id, org_id AS "orgId", status FROM workflow_runs
       WHERE status = 'RUNNING' AND parent_run_id IS NULL AND lease_expires_at < clock_timestamp()
       ORDER BY lease_expires_at LIMIT $2::int)
     UNION ALL
     (SELECT id, org_id AS "orgId", status FROM workflow_runs
       WHERE status = 'PENDING' AND parent_run_id IS NULL AND created_at < clock_timestamp() - $1::int * interval '1 millisecond'
       ORDER BY created_at LIMIT $2::int)`,
    [pendingOlderThanMs, limit],
  );
  return rows;
}

/**
 * Children whose parent already ended while they were left unfinished and unheld (e.g. the parent
 * was failed by hand): nobody will resume them, so they are closed as CANCELLED.
 */
export async function closeOrphans(q: Queryable, limit: number): Promise<number> {
  const { rowCount } = await q.query(
    `WITH orphans AS (
       SELECT k.id FROM workflow_runs k JOIN workflow_runs p ON p.id = k.parent_run_id
        WHERE k.status IN ('PENDING', 'RUNNING', 'WAITING') AND (k.lease_expires_at IS NULL OR k.lease_expires_at < clock_timestamp())
          AND p.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
        LIMIT $1::int
     ), orphan_waits AS (
       -- The arbiter's conditional update (store/waits.ts): a wait a signal already ended stays ended.
       UPDATE run_waits SET status = 'cancelled', resolved_at = clock_timestamp()
        WHERE run_id IN (SELECT id FROM orphans) AND status = 'waiting'
     ), orphan_tasks AS (
       UPDATE task_runs SET status = 'CANCELLED', finished_at = clock_timestamp()
        WHERE run_id IN (SELECT id FROM orphans) AND ${CLAIMABLE_TASK}
     )
     UPDATE workflow_runs SET status = 'CANCELLED', finished_at = clock_timestamp(), lease_owner = NULL, lease_expires_at = NULL,
            error = '{"code":"parent_finished","message":"The parent run ended before this child finished.","retryable":false}'::jsonb
      WHERE id IN (SELECT id FROM orphans)`,
    [limit],
  );
  return rowCount ?? 0;
}

/** A run's recorded state, for resuming it (null when absent). */
export async function getRunState(
  q: Queryable,
  orgId: string,
  runId: string,
): Promise<{
  status: RunStatus;
  output: unknown;
  error: StoredError | null;
  workflowId: string;
  workflowVersion: number;
  input: Record<string, unknown>;
  parentRunId: string | null;
} | null> {
  const { rows } = await q.query<{
    status: RunStatus;
    output: unknown;
    error: StoredError | null;
    workflowId: string;
    workflowVersion: number;
    input: Record<string, unknown>;
    parentRunId: string | null;
  }>(
    `SELECT status, output, error, workflow_id AS "workflowId", workflow_version AS "workflowVersion", input, parent_run_id AS "parentRunId"
       FROM workflow_runs WHERE org_id = $1::uuid AND id = $2::uuid`,
    [orgId, runId],
  );
  return rows[0] ?? null;
}

/**
 * Cancels a run and every unfinished run below it (children and chunk children), with their
 * unfinished tasks and chunks, in one statement. Returns the ids of the runs cancelled (empty when
 * the run had already ended). A worker executing any of them loses its fence at once.
 */
export async function cancelRunTree(q: Queryable, orgId: string, runId: string, error: StoredError): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `WITH RECURSIVE tree AS (
       SELECT id FROM workflow_runs WHERE id = $2::uuid AND org_id = $1::uuid AND status IN ('PENDING', 'RUNNING', 'WAITING')
       UNION
       SELECT k.id FROM workflow_runs k JOIN tree ON k.parent_run_id = tree.id
        WHERE k.org_id = $1::uuid AND k.status IN ('PENDING', 'RUNNING', 'WAITING')
     ), cancelled AS (
       UPDATE workflow_runs SET status = 'CANCELLED', error = $3::jsonb, finished_at = clock_timestamp(),
              lease_owner = NULL, lease_expires_at = NULL
        WHERE id IN (SELECT id FROM tree) AND org_id = $1::uuid AND status IN ('PENDING', 'RUNNING', 'WAITING')
        RETURNING id
     ), cancelled_waits AS (
       -- The arbiter's conditional update (store/waits.ts): a wait already ended by a signal stays ended.
       UPDATE run_waits SET status = 'cancelled', resolved_at = clock_timestamp()
        WHERE run_id IN (SELECT id FROM cancelled) AND status = 'waiting'
     ), cancelled_tasks AS (
       UPDATE task_runs SET status = 'CANCELLED', finished_at = clock_timestamp(),
              chunks_running = CASE WHEN chunks_running IS NULL THEN NULL ELSE 0 END
        WHERE run_id IN (SELECT id FROM tree) AND org_id = $1::uuid AND ${CLAIMABLE_TASK}
     ), cancelled_chunks AS (
       UPDATE chunk_runs SET status = 'CANCELLED', finished_at = clock_timestamp()
        WHERE run_id IN (SELECT id FROM tree) AND org_id = $1::uuid AND status IN ('PENDING', 'RUNNING')
     )
     SELECT id FROM cancelled`,
    [orgId, runId, JSON.stringify(error)],
  );
  return rows.map((r) => r.id);
}

/**
 * Rerun from failure, as a new attempt of the same run: the run and its FAILED or CANCELLED
 * descendants go back to PENDING with `attempt + 1`; their tasks that did not succeed (and were
 * not skipped) go back to PENDING; tasks that succeeded keep their outputs and never run again,
 * and skipped tasks stay skipped (their needs and `when` saw the same kept outputs). Chunk rows stay: a chunked
 * task re-runs only the chunks that did not succeed. Returns false when the run is not a
 * top-level run that ended FAILED or CANCELLED.
 */
export async function rerunRunTree(q: Queryable, orgId: string, runId: string): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `WITH RECURSIVE tree AS (
       SELECT id FROM workflow_runs
        WHERE id = $2::uuid AND org_id = $1::uuid AND parent_run_id IS NULL AND status IN ('FAILED', 'CANCELLED')
       UNION
       SELECT k.id FROM workflow_runs k JOIN tree ON k.parent_run_id = tree.id
        WHERE k.org_id = $1::uuid AND k.status IN ('FAILED', 'CANCELLED')
     ), rerun AS (
       UPDATE workflow_runs SET status = 'PENDING', attempt = attempt + 1, error = NULL, output = NULL, finished_at = NULL,
              lease_owner = NULL, lease_expires_at = NULL,
              -- The claim of the next attempt sets started_at again; the first attempt's start is kept.
              first_started_at = coalesce(first_started_at, started_at), started_at = NULL
        WHERE id IN (SELECT id FROM tree) AND org_id = $1::uuid
        RETURNING id, parent_run_id
     ), rerun_tasks AS (
       UPDATE task_runs SET status = 'PENDING', error = NULL, output = NULL, finished_at = NULL, interrupted_attempts = 0
        WHERE run_id IN (SELECT id FROM tree) AND org_id = $1::uuid AND NOT (${KEPT_ON_RERUN})
     )
     SELECT id FROM rerun WHERE parent_run_id IS NULL`,
    [orgId, runId],
  );
  return rows.length > 0;
}

/** A run's status, attempt and parent, or null when absent. */
export async function runHeader(
  q: Queryable,
  orgId: string,
  runId: string,
): Promise<{ status: RunStatus; attempt: number; parentRunId: string | null } | null> {
  const { rows } = await q.query<{ status: RunStatus; attempt: number; parentRunId: string | null }>(
    'SELECT status, attempt, parent_run_id AS "parentRunId" FROM workflow_runs WHERE id = $1::uuid AND org_id = $2::uuid',
    [runId, orgId],
  );
  return rows[0] ?? null;
}
