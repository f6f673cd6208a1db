/** Digital workers: rows, the workflows they own, and the run statistics of their dashboard. */
import type { Queryable } from '../db/db';

export interface WorkerRow {
  id: string;
  projectId: string;
  name: string;
  owner: string;
  description: string | null;
  status: 'active' | 'paused';
  workflows: Array<{ id: string; name: string }>;
  createdAt: Date;
  updatedAt: Date;
}

const SELECT = `
  SELECT k.id, k.project_id AS "projectId", k.name, k.owner, k.description, k.status,
         k.created_at AS "createdAt", k.updated_at AS "updatedAt",
         (SELECT coalesce(json_agg(json_build_object('id', w.id, 'name', w.name) ORDER BY w.name), '[]'::json)
            FROM workflows w WHERE w.org_id = k.org_id AND w.worker_id = k.id) AS workflows
    FROM workers k`;

/** Workers of the organisation (optionally one project), by name. */
export async function listWorkers(q: Queryable, orgId: string, projectId: string | null): Promise<WorkerRow[]> {
  const { rows } = await q.query<WorkerRow>(
    `${SELECT} WHERE k.org_id = $1::uuid AND ($2::uuid IS NULL OR k.project_id = $2::uuid) ORDER BY k.name`,
    [orgId, projectId],
  );
  return rows;
}

/** One worker, or null. */
export async function getWorker(q: Queryable, orgId: string, id: string): Promise<WorkerRow | null> {
  const { rows } = await q.query<WorkerRow>(`${SELECT} WHERE k.org_id = $1::uuid AND k.id = $2::uuid`, [orgId, id]);
  return rows[0] ?? null;
}

/** Inserts a worker. Throws pg's unique violation (23505) on a name taken in the project. */
export async function insertWorker(
  q: Queryable,
  w: { id: string; orgId: string; projectId: string; name: string; owner: string; description: string | null },
): Promise<void> {
  await q.query(
    `INSERT INTO workers (id, org_id, project_id, name, owner, description)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text)`,
    [w.id, w.orgId, w.projectId, w.name, w.owner, w.description],
  );
}

/** Changes the given fields (undefined leaves a field as it is); false when the worker is absent. */
export async function updateWorker(
  q: Queryable,
  orgId: string,
  id: string,
  f: {
    name?: string | undefined;
    owner?: string | undefined;
    description?: string | null | undefined;
    status?: 'active' | 'paused' | undefined;
  },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE workers SET
        name = coalesce($3::text, name),
        owner = coalesce($4::text, owner),
        description = CASE WHEN $5::boolean THEN $6::text ELSE description END,
        status = coalesce($7::text, status),
        updated_at = now()
      WHERE org_id = $1::uuid AND id = $2::uuid`,
    [orgId, id, f.name ?? null, f.owner ?? null, f.description !== undefined, f.description ?? null, f.status ?? null],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Sets (or clears, with null) the worker of a workflow. Returns 'ok', 'no-workflow', or
 * 'other-project' when the workflow is not in the worker's project.
 */
export async function setWorkflowWorker(
  q: Queryable,
  orgId: string,
  workflowId: string,
  worker: { id: string; projectId: string } | null,
): Promise<'ok' | 'no-workflow' | 'other-project'> {
  const { rows } = await q.query<{ projectId: string; updated: boolean }>(
    `WITH target AS (SELECT id, project_id FROM workflows WHERE org_id = $1::uuid AND id = $2::uuid),
          upd AS (
            UPDATE workflows w SET worker_id = $3::uuid FROM target t
             WHERE w.id = t.id AND ($4::uuid IS NULL OR t.project_id = $4::uuid)
             RETURNING w.id)
     SELECT t.project_id AS "projectId", EXISTS (SELECT 1 FROM upd) AS updated FROM target t`,
    [orgId, workflowId, worker?.id ?? null, worker?.projectId ?? null],
  );
  const row = rows[0];
  if (!row) return 'no-workflow';
  return row.updated ? 'ok' : 'other-project';
}

/** The paused worker owning a workflow, or null when it has none or it is active. */
export async function pausedWorkerOf(q: Queryable, orgId: string, workflowId: string): Promise<{ id: string; name: string } | null> {
  const { rows } = await q.query<{ id: string; name: string }>(
    `SELECT k.id, k.name FROM workflows w JOIN workers k ON k.org_id = w.org_id AND k.id = w.worker_id
      WHERE w.org_id = $1::uuid AND w.id = $2::uuid AND k.status = 'paused'`,
    [orgId, workflowId],
  );
  return rows[0] ?? null;
}

export interface WorkerStatsRows {
  totals: {
    runs: number;
    succeeded: number;
    failed: number;
    cancelled: number;
    inProgress: number;
    avgMs: number | null;
    p95Ms: number | null;
  };
  daily: Array<{ day: string; succeeded: number; failed: number; cancelled: number; avgMs: number | null }>;
  recentFailures: Array<{ runId: string; workflowName: string; at: Date; message: string | null }>;
}

// Top-level runs only (parent_run_id IS NULL): the runs the worker was asked to do. Child runs of
// a chunked task would otherwise count a thousand times for one request. Step tests from the
// editor (trigger 'test') are not work the worker was asked to do either.
const WORKER_RUNS = `
  SELECT r.id, r.status, r.created_at, r.error, w.name AS workflow_name,
         extract(epoch FROM (r.finished_at - coalesce(r.first_started_at, r.started_at))) * 1000 AS ms
    FROM workflow_runs r JOIN workflows w ON w.org_id = r.org_id AND w.id = r.workflow_id
   WHERE r.org_id = $1::uuid AND w.worker_id = $2::uuid AND r.parent_run_id IS NULL AND r.trigger <> 'test'
     AND r.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - ($3::int - 1) * interval '1 day'`;

/** Run statistics of a worker's workflows over the last `days` UTC days (today included). */
export async function workerStats(q: Queryable, orgId: string, workerId: string, days: number): Promise<WorkerStatsRows> {
  const totals = await q.query<WorkerStatsRows['totals']>(
    `WITH runs AS (${WORKER_RUNS})
     SELECT count(*)::int AS runs,
            count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
            count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
            count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled,
            count(*) FILTER (WHERE status IN ('PENDING', 'RUNNING'))::int AS "inProgress",
            avg(ms) FILTER (WHERE status = 'SUCCEEDED')::float8 AS "avgMs",
            (percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE status = 'SUCCEEDED'))::float8 AS "p95Ms"
       FROM runs`,
    [orgId, workerId, days],
  );
  const daily = await q.query<WorkerStatsRows['daily'][number]>(
    `WITH runs AS (${WORKER_RUNS}),
          days AS (
            SELECT generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') - ($3::int - 1) * interval '1 day',
                                   date_trunc('day', now() AT TIME ZONE 'UTC'), interval '1 day') AS day)
     SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
            count(r.id) FILTER (WHERE r.status = 'SUCCEEDED')::int AS succeeded,
            count(r.id) FILTER (WHERE r.status = 'FAILED')::int AS failed,
            count(r.id) FILTER (WHERE r.status = 'CANCELLED')::int AS cancelled,
            avg(r.ms) FILTER (WHERE r.status = 'SUCCEEDED')::float8 AS "avgMs"
       FROM days d LEFT JOIN runs r ON date_trunc('day', r.created_at AT TIME ZONE 'UTC') = d.day
      GROUP BY d.day ORDER BY d.day`,
    [orgId, workerId, days],
  );
  const failures = await q.query<WorkerStatsRows['recentFailures'][number]>(
    `WITH runs AS (${WORKER_RUNS})
     SELECT id AS "runId", workflow_name AS "workflowName", created_at AS at, error->>'message' AS message
       FROM runs WHERE status = 'FAILED' ORDER BY created_at DESC LIMIT 5`,
    [orgId, workerId, days],
  );
  return { totals: totals.rows[0]!, daily: daily.rows, recentFailures: failures.rows };
}
