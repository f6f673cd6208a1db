/**
 * The task state machine, in one place: the states a TaskRun can be in, the transitions allowed
 * between them, and the statement that performs each. Every statement that changes a task's
 * status writes it with the SET lists below (`START_TASK`, `endTask`), so "where does a task
 * start or end" has one answer; the statements that change runs as well (claim, run end, cancel,
 * rerun) live with the runs in store/runs.ts and store/run-batches.ts and take their task part
 * from here. docs/architecture.md shows `TASK_TRANSITIONS` as a table; a test keeps the two equal.
 *
 * The task-only statements are here: each is one round trip, fenced on the run's lease inside the
 * statement (the worker still holds the run: same owner, RUNNING, lease not expired).
 */
import { statement, type Queryable } from '../db/db';
import type { StoredError } from '../domain/errors';

/**
 * The states of a task. WAITING: a `wait` or `approval` task whose run was let go until a
 * signal, event, time or decision ends the wait (store/waits.ts); the claim of the woken run
 * starts it again, uncounted, and it ends with the wait's result.
 */
export const TASK_STATES = ['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATES)[number];

export interface TaskTransition {
  from: readonly TaskStatus[];
  to: TaskStatus;
  /** The function that issues the statement, as `module.function`. */
  statement: string;
  why: string;
}

/** Every allowed change of a task's status, and the one statement that makes it. */
export const TASK_TRANSITIONS: readonly TaskTransition[] = [
  {
    from: ['PENDING', 'RUNNING', 'WAITING'],
    to: 'RUNNING',
    statement: 'run-batches.claimRuns',
    why: 'a worker claims the run; its first task not yet ended (by position) starts with the claim (a WAITING task uncounted: its wait ended)',
  },
  {
    from: ['RUNNING'],
    to: 'WAITING',
    statement: 'waits.parkRun',
    why: 'the run is let go while the task waits for a signal, event, time or decision (no lease, no worker)',
  },
  {
    from: ['WAITING'],
    to: 'RUNNING',
    statement: 'task-transitions.advanceTasks',
    why: 'a woken graph run starts its waiting tasks again, uncounted, to take their wait results',
  },
  {
    from: ['PENDING', 'RUNNING', 'WAITING'],
    to: 'RUNNING',
    statement: 'task-transitions.startTask',
    why: 'a task starts on its own (resumed, or its needs were met without another task ending; a WAITING task of a child run taken over again, uncounted)',
  },
  {
    from: ['RUNNING'],
    to: 'RUNNING',
    statement: 'task-transitions.retryTask',
    why: 'a failed attempt is logged and the next attempt starts',
  },
  {
    from: ['RUNNING'],
    to: 'SUCCEEDED',
    statement: 'task-transitions.finishTaskStartNext',
    why: 'in a chain, a task ends and the next one starts in the same statement',
  },
  {
    from: ['PENDING'],
    to: 'RUNNING',
    statement: 'task-transitions.finishTaskStartNext',
    why: 'the next task of a chain starts with the end of the one before',
  },
  {
    from: ['RUNNING'],
    to: 'SUCCEEDED',
    statement: 'task-transitions.advanceTasks',
    why: 'in a graph, the tasks that ended since the last write, with the skips and starts they caused',
  },
  {
    from: ['RUNNING'],
    to: 'FAILED',
    statement: 'task-transitions.advanceTasks',
    why: 'a failed task whose run goes on (handled, continued, or other branches still running)',
  },
  {
    from: ['PENDING'],
    to: 'SKIPPED',
    statement: 'task-transitions.advanceTasks',
    why: 'its `when` was false, or every task it needs was skipped (or, for a failure handler, none failed)',
  },
  {
    from: ['RUNNING'],
    to: 'SKIPPED',
    statement: 'task-transitions.advanceTasks',
    why: "the claim started a task that the trigger rule skips (the claim's attempt is uncounted)",
  },
  {
    from: ['PENDING', 'RUNNING'],
    to: 'RUNNING',
    statement: 'task-transitions.advanceTasks',
    why: 'tasks whose needs were met start with the write that met them (a branch a crashed worker left RUNNING starts again, its attempt counted)',
  },
  {
    from: ['RUNNING'],
    to: 'PENDING',
    statement: 'task-transitions.advanceTasks',
    why: "the claim started a task that cannot run yet, or an upstream failure blocks a task left RUNNING (a claim's attempt is uncounted)",
  },
  {
    from: ['RUNNING'],
    to: 'SUCCEEDED',
    statement: 'task-transitions.finishTask',
    why: 'a task ends with no write to share (the task after it already ended)',
  },
  {
    from: ['RUNNING'],
    to: 'FAILED',
    statement: 'task-transitions.finishTask',
    why: 'offered to callers; the engine writes failures with advanceTasks or endRuns',
  },
  { from: ['RUNNING'], to: 'SUCCEEDED', statement: 'run-batches.endRuns', why: 'the last task ends with its run' },
  { from: ['RUNNING'], to: 'FAILED', statement: 'run-batches.endRuns', why: 'the failing task ends with its run' },
  {
    from: ['RUNNING'],
    to: 'PENDING',
    statement: 'runs.unclaimRun',
    why: "the run waits for a concurrency slot; the claim's attempt is uncounted",
  },
  {
    from: ['PENDING', 'RUNNING', 'WAITING'],
    to: 'CANCELLED',
    statement: 'runs.cancelRunTree',
    why: 'the run (or an ancestor) is cancelled, or a child timed out',
  },
  {
    from: ['PENDING', 'RUNNING', 'WAITING'],
    to: 'CANCELLED',
    statement: 'runs.closeOrphans',
    why: 'a child run whose parent already ended',
  },
  {
    from: ['PENDING', 'RUNNING', 'WAITING', 'FAILED', 'CANCELLED'],
    to: 'PENDING',
    statement: 'runs.rerunRunTree',
    why: 'rerun from failure: everything but SUCCEEDED and SKIPPED tasks runs again',
  },
  {
    from: ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'],
    to: 'PENDING',
    statement: 'run-replay.replayRunTasks',
    why: 'replay after a fix (latest version, edited input, from a task): the tasks the retry plan runs again, ended or not',
  },
];

/** Whether `from → to` is an allowed transition (the engine checks every change it plans). */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_TRANSITIONS.some((t) => t.to === to && t.from.includes(from));
}

/** The transitions as the markdown table docs/architecture.md shows. */
export function transitionTable(): string {
  const rows = TASK_TRANSITIONS.map((t) => `| ${t.from.join(', ')} | ${t.to} | \`${t.statement}\` | ${t.why} |`);
  return ['| from | to | statement | when |', '|---|---|---|---|', ...rows].join('\n');
}

/** SET list that starts a task: RUNNING, its attempt counted (a WAITING task resumes its attempt, uncounted). */
export const START_TASK = `status = 'RUNNING', attempts = attempts + CASE WHEN status = 'WAITING' THEN 0 ELSE 1 END,
            started_at = CASE WHEN status = 'WAITING' THEN started_at ELSE clock_timestamp() END, error = NULL`;

/**
 * SET list that ends a task with the SQL expressions given for its status, output and error; a
 * failure is also appended to `attempt_log`.
 */
export function endTask(status: string, output: string, error: string): string {
  return `status = ${status}, output = ${output}, error = ${error}, finished_at = clock_timestamp(),
            attempt_log = CASE WHEN ${status} = 'FAILED'
              THEN attempt_log || jsonb_build_array(jsonb_build_object('attempt', attempts, 'error', ${error},
                     'startedAt', started_at, 'finishedAt', clock_timestamp()))
              ELSE attempt_log END`;
}

/** SET list that skips a task (a claimed start taken back is uncounted). */
export const SKIP_TASK = `status = 'SKIPPED', finished_at = clock_timestamp(), error = NULL,
            attempts = CASE WHEN status = 'RUNNING' THEN greatest(attempts - 1, 0) ELSE attempts END`;

/** SET list that takes back a start made by the claim: PENDING again, the attempt uncounted. */
export const RELEASE_TASK = `status = 'PENDING', attempts = greatest(attempts - 1, 0), started_at = NULL`;

/**
 * Whether a run being claimed was left by a worker that died: RUNNING with its owner still set (a
 * worker that gives a run up clears the owner in `expireLease`, so a hand-back on shutdown or
 * after an infrastructure error is not a crash). `alias` names the run row before the claim.
 */
export const RUN_CRASHED = (alias: string) => `(${alias}.status = 'RUNNING' AND ${alias}.lease_owner IS NOT NULL)`;

/**
 * SET item that counts an interrupted attempt on a task found RUNNING when `crashedSql` (the
 * claimed run was left by a dead worker): the engine fails the task with `worker_crashed` once
 * the count reaches the configured limit (engine/poison-tasks.ts).
 */
export const COUNT_INTERRUPTED = (crashedSql: string) =>
  `interrupted_attempts = interrupted_attempts + CASE WHEN status = 'RUNNING' AND ${crashedSql} THEN 1 ELSE 0 END`;

/** Tasks a claim may start, and that a rerun leaves alone. */
export const CLAIMABLE_TASK = `status IN ('PENDING', 'RUNNING', 'WAITING')`;
export const KEPT_ON_RERUN = `status IN ('SUCCEEDED', 'SKIPPED')`;

/**
 * The fence on every write a worker makes to a run: it must still hold the run's lease (same
 * owner, RUNNING, not expired). A worker whose lease expired, or whose run was cancelled, can no
 * longer change the run. Checked inside the same statement, so fencing costs no round trip.
 */
export const FENCE = (runIdSql: string, ownerParam: string) =>
  `EXISTS (SELECT 1 FROM workflow_runs f WHERE f.id = ${runIdSql} AND f.lease_owner = ${ownerParam}::text
            AND f.status = 'RUNNING' AND f.lease_expires_at > clock_timestamp())`;

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** Marks a task RUNNING and counts the attempt. Null when the worker no longer holds the run's lease. */
export async function startTask(q: Queryable, orgId: string, taskId: string, owner: string): Promise<number | null> {
  const { rows } = await q.query<{ attempts: number }>(
    statement(
      'demiton_start_task',
      `UPDATE task_runs SET ${START_TASK}
      WHERE id = $1::uuid AND org_id = $2::uuid AND ${FENCE('task_runs.run_id', '$3')} RETURNING attempts`,
    ),
    [taskId, orgId, owner],
  );
  return rows[0]?.attempts ?? null;
}

/**
 * Records a failed attempt of a task and starts the next one in one statement: the failure goes to
 * `attempt_log`, `attempts` counts the new attempt. False when the lease is gone.
 */
export async function retryTask(q: Queryable, orgId: string, taskId: string, owner: string, error: StoredError): Promise<boolean> {
  const { rowCount } = await q.query(
    statement(
      'demiton_retry_task',
      `UPDATE task_runs
        SET attempt_log = attempt_log || jsonb_build_array(jsonb_build_object('attempt', attempts, 'error', $4::jsonb,
                            'startedAt', started_at, 'finishedAt', clock_timestamp())),
            attempts = attempts + 1, started_at = clock_timestamp()
      WHERE id = $1::uuid AND org_id = $2::uuid AND ${FENCE('task_runs.run_id', '$3')}`,
    ),
    [taskId, orgId, owner, JSON.stringify(error)],
  );
  return (rowCount ?? 0) > 0;
}

/** Ends a task (a failure is also appended to `attempt_log`). False when the lease is gone. */
export async function finishTask(
  q: Queryable,
  orgId: string,
  taskId: string,
  owner: string,
  status: 'SUCCEEDED' | 'FAILED',
  output: unknown,
  error: StoredError | null,
): Promise<boolean> {
  const { rowCount } = await q.query(
    statement(
      'demiton_finish_task',
      `UPDATE task_runs SET ${endTask('$3::text', '$4::jsonb', '$5::jsonb')}
      WHERE id = $1::uuid AND org_id = $2::uuid AND ${FENCE('task_runs.run_id', '$6')}`,
    ),
    [taskId, orgId, status, json(output), error ? JSON.stringify(error) : null, owner],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Ends a task SUCCEEDED and starts the next one in one statement: one round trip and one commit
 * per task of a sequential run instead of two. Fenced like `finishTask`; the next task starts only
 * if the first update happened. Null when the lease is gone, else the next task's attempt number.
 */
export async function finishTaskStartNext(
  q: Queryable,
  orgId: string,
  runId: string,
  taskId: string,
  nextTaskId: string,
  owner: string,
  output: unknown,
): Promise<number | null> {
  const { rows } = await q.query<{ attempts: number | null }>(
    statement(
      'demiton_finish_task_start_next',
      `WITH done AS (
       UPDATE task_runs SET status = 'SUCCEEDED', output = $5::jsonb, error = NULL, finished_at = clock_timestamp()
        WHERE id = $3::uuid AND org_id = $1::uuid AND run_id = $2::uuid AND ${FENCE('$2::uuid', '$6')}
        RETURNING id
     ), next AS (
       UPDATE task_runs SET ${START_TASK}
        WHERE id = $4::uuid AND org_id = $1::uuid AND run_id = $2::uuid AND EXISTS (SELECT 1 FROM done)
        RETURNING attempts
     )
     SELECT (SELECT attempts FROM next) AS attempts`,
    ),
    [orgId, runId, taskId, nextTaskId, json(output), owner],
  );
  return rows[0]?.attempts ?? null;
}

/** One task's end in `advanceTasks`. */
export interface TaskEndWrite {
  id: string;
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: StoredError | null;
}

/** What one step of a graph run writes: tasks that ended, tasks skipped, claimed starts taken back, tasks started. */
export interface TaskAdvance {
  ended: readonly TaskEndWrite[];
  skipped: readonly string[];
  released: readonly string[];
  started: readonly string[];
}

/**
 * One step of a graph run in one statement: the tasks that ended since the last write, the tasks
 * their ends skipped, and the tasks they made ready, started. So a skipped task and the start of
 * the next ready tasks are committed together. The lists are disjoint (a task appears once).
 * False when the lease is gone (nothing was written).
 */
export async function advanceTasks(q: Queryable, orgId: string, runId: string, owner: string, a: TaskAdvance): Promise<boolean> {
  const { rows } = await q.query<{ held: boolean }>(
    statement(
      'demiton_advance_tasks',
      `WITH fenced AS (SELECT 1 AS ok WHERE ${FENCE('$2::uuid', '$3')}
     ), ended AS (
       UPDATE task_runs t SET ${endTask('e.status', 'e.output', 'e.error')}
         FROM unnest($4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[]) AS e(id, status, output, error)
        WHERE t.id = e.id AND t.org_id = $1::uuid AND t.run_id = $2::uuid AND EXISTS (SELECT 1 FROM fenced)
     ), skipped AS (
       UPDATE task_runs SET ${SKIP_TASK}
        WHERE id = ANY($8::uuid[]) AND org_id = $1::uuid AND run_id = $2::uuid AND status IN ('PENDING', 'RUNNING') AND EXISTS (SELECT 1 FROM fenced)
     ), released AS (
       UPDATE task_runs SET ${RELEASE_TASK}
        WHERE id = ANY($9::uuid[]) AND org_id = $1::uuid AND run_id = $2::uuid AND status = 'RUNNING' AND EXISTS (SELECT 1 FROM fenced)
     ), started AS (
       UPDATE task_runs SET ${START_TASK}
        WHERE id = ANY($10::uuid[]) AND org_id = $1::uuid AND run_id = $2::uuid AND EXISTS (SELECT 1 FROM fenced)
     )
     SELECT EXISTS (SELECT 1 FROM fenced) AS held`,
    ),
    [
      orgId,
      runId,
      owner,
      a.ended.map((e) => e.id),
      a.ended.map((e) => e.status),
      a.ended.map((e) => json(e.output)),
      a.ended.map((e) => (e.error ? JSON.stringify(e.error) : null)),
      a.skipped,
      a.released,
      a.started,
    ],
  );
  return rows[0]?.held ?? false;
}
