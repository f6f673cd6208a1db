/**
 * Claims and run ends for many runs in one statement each: the worker's group commit. Each row
 * keeps the exact conditions of the single-run statements in store/runs.ts (a claim takes only a
 * PENDING run or a top-level RUNNING run whose lease expired; an end is fenced on the ending
 * worker's unexpired lease), so a batch changes how many runs share a round trip and a commit,
 * not what may happen to any one of them.
 *
 * Rows are locked in id order before they are updated (`ORDER BY id FOR UPDATE`), as the lease
 * heartbeat does, so two statements that touch overlapping runs wait for each other instead of
 * deadlocking. The rows are found by primary key (`id = ANY`); the status conditions are written
 * as CASE expressions so that the planner cannot prefer the partial index of unfinished runs, which
 * it did whenever its statistics lagged behind a backlog (every claim then scanned the backlog).
 * A claim of a run whose worker died (RUNNING, lease expired, owner still set) counts one
 * interrupted attempt on each task it finds RUNNING (`COUNT_INTERRUPTED`), in the same statement.
 * A statement PostgreSQL still aborts as a deadlock victim (SQLSTATE 40P01, e.g.
 * against a cancel of a whole run tree) changed nothing and may be retried.
 */
import { statement, type Queryable } from '../db/db';
import type { StoredError } from '../domain/errors';
import { CLAIMED_COLUMNS, type ClaimedRun, type TaskEnd } from './runs';
import { CLAIMABLE_TASK, COUNT_INTERRUPTED, RUN_CRASHED, START_TASK, endTask } from './task-transitions';

export interface ClaimRequest {
  orgId: string;
  runId: string;
}

const CLAIM_RUNS = statement(
  'demiton_claim_runs',
  `WITH locked AS (
     SELECT w.id, ${RUN_CRASHED('w')} AS crashed FROM workflow_runs w
      WHERE w.id = ANY($1::uuid[])
        AND EXISTS (SELECT 1 FROM unnest($1::uuid[], $2::uuid[]) AS r(id, org_id) WHERE r.id = w.id AND r.org_id = w.org_id)
        AND CASE w.status WHEN 'PENDING' THEN true
                          WHEN 'RUNNING' THEN w.parent_run_id IS NULL AND w.lease_expires_at < clock_timestamp()
                          ELSE false END
      ORDER BY w.id
      FOR UPDATE
   ), claimed AS (
     UPDATE workflow_runs w
        SET status = 'RUNNING', started_at = coalesce(w.started_at, clock_timestamp()),
            lease_owner = $3::text, lease_expires_at = clock_timestamp() + $4::int * interval '1 millisecond'
       FROM locked WHERE w.id = locked.id
     RETURNING w.id, w.org_id, w.workflow_id, w.workflow_version, w.input, w.parent_run_id, w.test_step, locked.crashed
   ), first_tasks AS (
     SELECT DISTINCT ON (t.run_id) t.id, t.run_id FROM task_runs t JOIN claimed ON t.run_id = claimed.id AND t.org_id = claimed.org_id
      WHERE t.${CLAIMABLE_TASK}
      ORDER BY t.run_id, t.position
   ), started AS (
     UPDATE task_runs t SET ${START_TASK}, ${COUNT_INTERRUPTED('claimed.crashed')}
       FROM first_tasks JOIN claimed ON claimed.id = first_tasks.run_id WHERE t.id = first_tasks.id
     RETURNING t.id, t.run_id
   ), interrupted AS (
     UPDATE task_runs t SET ${COUNT_INTERRUPTED('claimed.crashed')}
       FROM claimed WHERE claimed.crashed AND t.run_id = claimed.id AND t.org_id = claimed.org_id AND t.status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM first_tasks WHERE first_tasks.id = t.id)
   )
   SELECT ${CLAIMED_COLUMNS}, claimed.crashed, (SELECT started.id FROM started WHERE started.run_id = claimed.id) AS "startedTaskId" FROM claimed`,
);

/**
 * Claims every run of `reqs` that is claimable for `workerId`, each with its first unfinished task
 * started. Returns the claimed runs by id; a run absent from the map
 * was not claimable (already claimed or finished, or no such run in that organisation).
 */
export async function claimRuns(
  q: Queryable,
  workerId: string,
  leaseMs: number,
  reqs: readonly ClaimRequest[],
): Promise<Map<string, ClaimedRun>> {
  const { rows } = await q.query<ClaimedRun>(CLAIM_RUNS, [reqs.map((r) => r.runId), reqs.map((r) => r.orgId), workerId, leaseMs]);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Claims one run: a PENDING run, or a top-level RUNNING run whose lease expired (its worker died;
 * it resumes from the first task that has not succeeded), with its first unfinished task started.
 * Null when neither, or not in this organisation. Inline children are never claimed here: their
 * parent resumes them. The same statement as a batch of one.
 */
export async function claimRun(q: Queryable, orgId: string, runId: string, workerId: string, leaseMs: number): Promise<ClaimedRun | null> {
  return (await claimRuns(q, workerId, leaseMs, [{ orgId, runId }])).get(runId) ?? null;
}

/** How a run ends, with its last (or failing) task's end when that is written in the same statement. */
export interface RunEnd {
  orgId: string;
  runId: string;
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: StoredError | null;
  task: TaskEnd | null;
}

// The ends' values stay in their arrays and each updated row takes its own by position (`n`):
// joining a CTE of all the values instead made PostgreSQL copy that CTE's whole row, JSON
// included, three times per run (UPDATE ... FROM and FOR UPDATE keep a copy of every joined row
// for rechecks), about a twelfth of its CPU per run in the trigger benchmark.
const END_RUNS = statement(
  'demiton_end_runs',
  `WITH ends AS (
     SELECT * FROM unnest($2::uuid[], $3::uuid[]) WITH ORDINALITY AS e(run_id, org_id, n)
   ), locked AS (
     SELECT w.id, ends.n FROM workflow_runs w JOIN ends ON ends.run_id = w.id AND ends.org_id = w.org_id
      WHERE w.id = ANY($2::uuid[])
        AND CASE w.status WHEN 'RUNNING' THEN w.lease_owner = $1::text AND w.lease_expires_at > clock_timestamp() ELSE false END
      ORDER BY w.id
      FOR UPDATE OF w
   ), ended AS (
     UPDATE workflow_runs w
        SET status = ($4::text[])[locked.n], output = ($5::jsonb[])[locked.n], error = ($6::jsonb[])[locked.n], finished_at = clock_timestamp(),
            lease_owner = NULL, lease_expires_at = NULL
       FROM locked WHERE w.id = locked.id
     RETURNING w.id, w.org_id, locked.n
   ), ended_tasks AS (
     UPDATE task_runs t
        SET ${endTask('($8::text[])[ended.n]', '($9::jsonb[])[ended.n]', '($10::jsonb[])[ended.n]')}
       FROM ended WHERE t.id = ($7::uuid[])[ended.n] AND t.org_id = ended.org_id AND t.run_id = ended.id
   )
   SELECT id FROM ended`,
);

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
// Outputs keep JSON null as a value (as the single-run statements do); only undefined is SQL NULL.
const outputJson = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/**
 * Ends many runs held by `owner` (and, for each, its tail task) in one statement. Returns the ids
 * of the runs ended; a run missing from the answer had lost its lease (nothing of it was written).
 * A run must appear at most once in `ends`.
 */
export async function endRuns(q: Queryable, owner: string, ends: readonly RunEnd[]): Promise<Set<string>> {
  const { rows } = await q.query<{ id: string }>(END_RUNS, [
    owner,
    ends.map((e) => e.runId),
    ends.map((e) => e.orgId),
    ends.map((e) => e.status),
    ends.map((e) => outputJson(e.output)),
    ends.map((e) => json(e.error)),
    ends.map((e) => e.task?.id ?? null),
    ends.map((e) => e.task?.status ?? null),
    ends.map((e) => (e.task ? outputJson(e.task.output) : null)),
    ends.map((e) => (e.task ? json(e.task.error) : null)),
  ]);
  return new Set(rows.map((r) => r.id));
}

/** A triggered run to commit if `version` is still the workflow's latest, it is not archived, and its digital worker is not paused. */
export interface GuardedRun {
  id: string;
  orgId: string;
  workflowId: string;
  version: number;
  trigger: string;
  input: unknown;
  tasks: ReadonlyArray<{ key: string; type: string }>;
  idempotencyKey: string | null;
  inputHash: string | null;
  audit: { actorType: string; actorId: string; action: string; source: string | null } | null;
  /**
   * The webhook delivery that started the run, recorded on its trigger (outcome `started`, 202) in
   * the same statement when the run row is inserted: a hook delivery then costs one statement and
   * one commit, not two, and a started run never lacks its delivery record.
   */
  delivery?: { triggerId: string; deliveryId: string | null } | null;
}

/**
 * What became of a guarded run: `current` false when the version was no longer the latest, the
 * workflow was gone or its digital worker paused (nothing written); `inserted` false when the
 * idempotency key already named a run (nothing written).
 */
export interface GuardedResult {
  current: boolean;
  inserted: boolean;
}

// Runs with an idempotency key go through ON CONFLICT; the others are plain inserts, which skip
// the speculative insertion (and its confirm record in the WAL) that ON CONFLICT makes of every row.
const INSERT_RUNS_IF_CURRENT = statement(
  'demiton_insert_runs_if_current',
  `WITH req AS (
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::jsonb[], $7::text[], $8::text[],
                          $9::text[], $10::text[], $11::text[], $12::text[], $17::text[], $18::text[]) WITH ORDINALITY
       AS r(id, org_id, workflow_id, version, trigger, input, idempotency_key, input_hash, actor_type, actor_id, action, source,
            hook_trigger_id, delivery_id, n)
   ), ok AS (
     SELECT req.* FROM req JOIN workflows w ON w.id = req.workflow_id AND w.org_id = req.org_id AND w.latest_version = req.version
      WHERE w.archived_at IS NULL AND NOT EXISTS (SELECT 1 FROM workers k WHERE k.org_id = w.org_id AND k.id = w.worker_id AND k.status = 'paused')
   ), keyed AS (
     INSERT INTO workflow_runs (id, org_id, workflow_id, workflow_version, status, trigger, input, idempotency_key, input_hash)
     SELECT id, org_id, workflow_id, version, 'PENDING', trigger, input, idempotency_key, input_hash FROM ok WHERE idempotency_key IS NOT NULL ORDER BY n
     ON CONFLICT (org_id, workflow_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id, org_id
   ), plain AS (
     INSERT INTO workflow_runs (id, org_id, workflow_id, workflow_version, status, trigger, input, idempotency_key, input_hash)
     SELECT id, org_id, workflow_id, version, 'PENDING', trigger, input, NULL, input_hash FROM ok WHERE idempotency_key IS NULL ORDER BY n
     RETURNING id, org_id
   ), run AS (
     SELECT id, org_id FROM keyed UNION ALL SELECT id, org_id FROM plain
   ), tasks AS (
     INSERT INTO task_runs (org_id, run_id, position, key, type, status)
     SELECT run.org_id, run.id, t.position, t.key, t.type, 'PENDING'
       FROM run JOIN unnest($13::uuid[], $14::int[], $15::text[], $16::text[]) AS t(run_id, position, key, type) ON t.run_id = run.id
   ), audit AS (
     INSERT INTO audit_log (org_id, actor_type, actor_id, action, target_type, target_id, source)
     SELECT ok.org_id, ok.actor_type, ok.actor_id, ok.action, 'run', ok.id::text, ok.source
       FROM ok JOIN run ON run.id = ok.id WHERE ok.actor_type IS NOT NULL ORDER BY ok.n
   ), hook AS (
     -- The triggers still there, locked against a delete until this statement commits: a trigger
     -- deleted meanwhile is skipped (its run is still committed, without a record) instead of
     -- failing the foreign key and with it every run of the batch.
     SELECT t.id FROM workflow_triggers t WHERE t.id IN (SELECT hook_trigger_id FROM req) FOR KEY SHARE
   ), delivered AS (
     INSERT INTO trigger_deliveries (trigger_id, org_id, outcome, status_code, delivery_id, run_id)
     SELECT ok.hook_trigger_id, ok.org_id, 'started', 202, ok.delivery_id, ok.id
       FROM ok JOIN run ON run.id = ok.id JOIN hook ON hook.id = ok.hook_trigger_id
      ORDER BY ok.n
   )
   SELECT req.id, (ok.id IS NOT NULL) AS current, (run.id IS NOT NULL) AS inserted
     FROM req LEFT JOIN ok ON ok.id = req.id LEFT JOIN run ON run.id = req.id`,
);

/**
 * Commits many triggered runs (run row, task rows, audit entry and, for a webhook delivery, its
 * delivery record) in one statement, each
 * only if the workflow version it was validated against is still the latest and its digital
 * worker is not paused: the control plane may then validate inputs against a cached definition
 * and still never commit a run of a superseded version. Results are in the order of `runs`.
 */
export async function insertRunsIfCurrent(q: Queryable, runs: readonly GuardedRun[]): Promise<GuardedResult[]> {
  const tasks = runs.flatMap((r) => r.tasks.map((t, position) => ({ runId: r.id, position, key: t.key, type: t.type })));
  const { rows } = await q.query<{ id: string; current: boolean; inserted: boolean }>(INSERT_RUNS_IF_CURRENT, [
    runs.map((r) => r.id),
    runs.map((r) => r.orgId),
    runs.map((r) => r.workflowId),
    runs.map((r) => r.version),
    runs.map((r) => r.trigger),
    runs.map((r) => JSON.stringify(r.input ?? {})),
    runs.map((r) => r.idempotencyKey),
    runs.map((r) => r.inputHash),
    runs.map((r) => r.audit?.actorType ?? null),
    runs.map((r) => r.audit?.actorId ?? null),
    runs.map((r) => r.audit?.action ?? null),
    runs.map((r) => r.audit?.source ?? null),
    tasks.map((t) => t.runId),
    tasks.map((t) => t.position),
    tasks.map((t) => t.key),
    tasks.map((t) => t.type),
    runs.map((r) => r.delivery?.triggerId ?? null),
    runs.map((r) => (r.delivery?.deliveryId == null ? null : r.delivery.deliveryId.slice(0, 255))),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return runs.map((r) => {
    const row = byId.get(r.id);
    return { current: row?.current ?? false, inserted: row?.inserted ?? false };
  });
}
