/** What the database knows about why a run has not started (or not finished): read by engine/why-waiting.ts. */
import type { Queryable } from '../db/db';

export interface WaitingFacts {
  status: string;
  parentRunId: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  leaseExpired: boolean;
  workflowId: string;
  input: unknown;
  concurrency: { limit: number; key?: string } | null;
  /** PENDING top-level runs of the organisation created before this one. */
  ahead: number;
}

export async function waitingFacts(q: Queryable, orgId: string, runId: string): Promise<WaitingFacts | null> {
  const { rows } = await q.query<WaitingFacts>(
    `SELECT r.status, r.parent_run_id AS "parentRunId", r.lease_owner AS "leaseOwner", r.lease_expires_at AS "leaseExpiresAt",
            coalesce(r.lease_expires_at < clock_timestamp(), false) AS "leaseExpired", r.workflow_id AS "workflowId", r.input,
            v.definition -> 'concurrency' AS concurrency,
            CASE WHEN r.status = 'PENDING' AND r.parent_run_id IS NULL THEN
              (SELECT count(*)::int FROM workflow_runs o
                WHERE o.status = 'PENDING' AND o.org_id = r.org_id AND o.parent_run_id IS NULL AND (o.created_at, o.id) < (r.created_at, r.id))
            ELSE 0 END AS ahead
       FROM workflow_runs r JOIN workflow_versions v ON v.workflow_id = r.workflow_id AND v.version = r.workflow_version
      WHERE r.id = $1::uuid AND r.org_id = $2::uuid`,
    [runId, orgId],
  );
  return rows[0] ?? null;
}

/** RUNNING runs of a workflow (other than `runId`) with their inputs: the candidates for its concurrency slots. */
export async function runningRunsOf(
  q: Queryable,
  orgId: string,
  workflowId: string,
  runId: string,
  limit: number,
): Promise<Array<{ id: string; input: unknown }>> {
  const { rows } = await q.query<{ id: string; input: unknown }>(
    `SELECT id, input FROM workflow_runs
      WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND status = 'RUNNING' AND parent_run_id IS NULL AND id <> $3::uuid
      ORDER BY started_at LIMIT $4::int`,
    [orgId, workflowId, runId, limit],
  );
  return rows;
}

/** A RUNNING atomic task of a run, with the connector its definition names (the candidates for a connector limit). */
export interface RunningConnectorTask {
  taskRunId: string;
  key: string;
  connector: string;
  projectId: string;
}

/** The run's RUNNING atomic tasks and the connectors they call. */
export async function runningConnectorTasks(q: Queryable, orgId: string, runId: string): Promise<RunningConnectorTask[]> {
  const { rows } = await q.query<RunningConnectorTask>(
    `SELECT t.id AS "taskRunId", t.key, d ->> 'connector' AS connector, w.project_id AS "projectId"
       FROM task_runs t
       JOIN workflow_runs r ON r.id = t.run_id
       JOIN workflows w ON w.id = r.workflow_id
       JOIN workflow_versions v ON v.workflow_id = r.workflow_id AND v.version = r.workflow_version
      CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'tasks') AS d
      WHERE t.run_id = $1::uuid AND t.org_id = $2::uuid AND t.status = 'RUNNING' AND t.type = 'atomic'
        AND d ->> 'key' = t.key AND d ->> 'connector' IS NOT NULL
      ORDER BY t.position`,
    [runId, orgId],
  );
  return rows;
}

/** The runs that own task or chunk rows of these ids (a connector slot's holder names the row it calls for), oldest first. */
export async function runsOfTaskRows(q: Queryable, orgId: string, rowIds: readonly string[]): Promise<string[]> {
  if (rowIds.length === 0) return [];
  const { rows } = await q.query<{ runId: string }>(
    `SELECT run_id AS "runId" FROM (
       SELECT run_id FROM task_runs WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid
       UNION
       SELECT run_id FROM chunk_runs WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid
     ) AS owners JOIN workflow_runs r ON r.id = owners.run_id
      ORDER BY r.created_at, r.id`,
    [rowIds, orgId],
  );
  return rows.map((r) => r.runId);
}
