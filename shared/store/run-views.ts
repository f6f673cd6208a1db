/** Read models of runs for the API: one run with its tasks, and keyset-paginated lists. */
import type { Queryable } from '../db/db';
import type { RunStatus } from '../domain/api';
import type { StoredError } from '../domain/errors';
import type { TaskDefinition } from '../domain/workflow-definition';
import type { TaskStatus } from './task-transitions';
import type { RunTrigger } from './runs';

export interface TaskRunRow {
  key: string;
  type: 'atomic' | 'workflow' | 'chunked';
  status: TaskStatus;
  attempts: number;
  output: unknown;
  error: StoredError | null;
  childRunId: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  chunksTotal: string | null;
  chunksSucceeded: string | null;
  chunksFailed: string | null;
  chunksRunning: string | null;
  /** Failed attempts, oldest first (task_runs.attempt_log). */
  attemptLog?: Array<{ attempt: number; error: StoredError | null; startedAt: string | null; finishedAt: string | null }>;
}

export interface RunRow {
  id: string;
  workflowId: string;
  workflowName: string;
  workflowVersion: number;
  status: RunStatus;
  trigger: RunTrigger;
  input: unknown;
  output: unknown;
  error: StoredError | null;
  parentRunId: string | null;
  createdAt: Date;
  /** The first attempt's start. */
  startedAt: Date | null;
  /** The current attempt's start (null while it waits for a worker). */
  attemptStartedAt: Date | null;
  finishedAt: Date | null;
  /** Execution attempt (only read with one run). */
  attempt?: number;
  /** The run whose failure started this one (only read with one run). */
  onFailureOf?: string | null;
  /** The tasks of the run's workflow version (only read with one run): needs and trigger rules. */
  definitionTasks?: TaskDefinition[] | null;
  /** Microseconds since the epoch of createdAt: exact, for cursors. */
  createdMicros: string;
}

const RUN_COLUMNS = `r.id, r.workflow_id AS "workflowId", w.name AS "workflowName", r.workflow_version AS "workflowVersion",
  r.status, r.trigger, r.error, r.parent_run_id AS "parentRunId", r.created_at AS "createdAt",
  coalesce(r.first_started_at, r.started_at) AS "startedAt", r.started_at AS "attemptStartedAt", r.finished_at AS "finishedAt",
  (extract(epoch FROM r.created_at) * 1000000)::bigint::text AS "createdMicros"`;

/** One run with its tasks (in order), or null. */
export async function getRunWithTasks(q: Queryable, orgId: string, runId: string): Promise<{ run: RunRow; tasks: TaskRunRow[] } | null> {
  const { rows } = await q.query<RunRow & { tasks: TaskRunRow[] }>(
    `SELECT ${RUN_COLUMNS}, r.input, r.output, r.attempt, r.on_failure_of AS "onFailureOf",
            coalesce(r.test_step->'definition'->'tasks',
                     (SELECT v.definition->'tasks' FROM workflow_versions v WHERE v.workflow_id = r.workflow_id AND v.version = r.workflow_version)) AS "definitionTasks",
            (SELECT coalesce(json_agg(json_build_object(
                'key', t.key, 'type', t.type, 'status', t.status, 'attempts', t.attempts, 'output', t.output,
                'error', t.error, 'childRunId', t.child_run_id, 'startedAt', t.started_at, 'finishedAt', t.finished_at,
                'chunksTotal', t.chunks_total::text, 'chunksSucceeded', t.chunks_succeeded::text,
                'chunksFailed', t.chunks_failed::text, 'chunksRunning', t.chunks_running::text,
                'attemptLog', t.attempt_log) ORDER BY t.position), '[]'::json)
               FROM task_runs t WHERE t.run_id = r.id) AS tasks
       FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      WHERE r.org_id = $1::uuid AND r.id = $2::uuid`,
    [orgId, runId],
  );
  const row = rows[0];
  if (!row) return null;
  const { tasks, ...run } = row;
  const fixDate = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    run,
    tasks: tasks.map((t) => ({ ...t, startedAt: fixDate(t.startedAt), finishedAt: fixDate(t.finishedAt) })),
  };
}

export interface RunListFilter {
  workflowId?: string | undefined;
  status?: RunStatus | undefined;
  trigger?: RunTrigger | undefined;
  /** Created at or after this instant. */
  createdAfter?: Date | undefined;
  /** Created strictly before this instant. */
  createdBefore?: Date | undefined;
  limit: number;
  /** Keyset position: strictly older than this (createdMicros, id). */
  before?: { micros: string; id: string } | undefined;
}

/** Runs of an organisation, newest first, `limit + 1` rows so the caller knows whether more exist. */
export async function listRuns(q: Queryable, orgId: string, f: RunListFilter): Promise<RunRow[]> {
  const { rows } = await q.query<RunRow>(
    `SELECT ${RUN_COLUMNS}
       FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      WHERE r.org_id = $1::uuid
        AND ($2::uuid IS NULL OR r.workflow_id = $2::uuid)
        AND ($3::text IS NULL OR r.status = $3::text)
        AND ($4::bigint IS NULL OR (r.created_at, r.id) < ('epoch'::timestamptz + $4::bigint * interval '1 microsecond', $5::uuid))
        AND ($7::timestamptz IS NULL OR r.created_at >= $7::timestamptz)
        AND ($8::timestamptz IS NULL OR r.created_at < $8::timestamptz)
        AND ($9::text IS NULL OR r.trigger = $9::text)
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT $6::int`,
    [
      orgId,
      f.workflowId ?? null,
      f.status ?? null,
      f.before?.micros ?? null,
      f.before?.id ?? null,
      f.limit + 1,
      f.createdAfter ?? null,
      f.createdBefore ?? null,
      f.trigger ?? null,
    ],
  );
  return rows;
}
