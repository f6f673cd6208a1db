/**
 * Seeds runs for the retention tests straight into PostgreSQL, at the scale a purge is about
 * (hundreds of thousands of chunk rows), with set-based INSERTs: an organisation with a project
 * and a workflow, then runs of one chunked task each, ended (or not) at a given time.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../../shared/db/db';
import { ensureOrganisation } from '../../../shared/store/organisations';

export interface SeededOrg {
  orgId: string;
  workflowId: string;
}

/** An organisation with its default project and one workflow (version 1); `retentionDays` in its settings. */
export async function seedOrg(q: Queryable, retentionDays: number | null, orgId: string = randomUUID()): Promise<SeededOrg> {
  const projectId = randomUUID();
  await ensureOrganisation(q, { id: orgId, name: `org-${orgId.slice(0, 8)}`, defaultProjectId: projectId });
  const { rows } = await q.query<{ id: string }>('SELECT id FROM projects WHERE org_id = $1::uuid AND is_default', [orgId]);
  const workflowId = randomUUID();
  await q.query(`INSERT INTO workflows (id, org_id, project_id, name, latest_version) VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, 1)`, [
    workflowId,
    orgId,
    rows[0]!.id,
    `wf-${workflowId.slice(0, 8)}`,
  ]);
  await q.query(
    `INSERT INTO workflow_versions (org_id, workflow_id, version, definition, created_by) VALUES ($1::uuid, $2::uuid, 1, $3::jsonb, 'seed')`,
    [orgId, workflowId, JSON.stringify({ name: 'seeded', tasks: [] })],
  );
  await setRetention(q, orgId, retentionDays);
  return { orgId, workflowId };
}

/** Writes `runRetentionDays` into the organisation's settings document. */
export async function setRetention(q: Queryable, orgId: string, days: number | null): Promise<void> {
  await q.query(
    `INSERT INTO org_settings (org_id, settings, updated_by, updated_at) VALUES ($1::uuid, jsonb_build_object('runRetentionDays', $2::int), 'seed', now())
     ON CONFLICT (org_id) DO UPDATE SET settings = org_settings.settings || jsonb_build_object('runRetentionDays', $2::int)`,
    [orgId, days],
  );
}

/**
 * `runs` runs of the workflow with status `status`, created and (when finished) ended `ageDays`
 * ago, each with one chunked task of `chunksPerRun` chunk rows carrying `recordBytes` of padding.
 * Returns the run ids.
 */
export async function seedRuns(
  q: Queryable,
  org: SeededOrg,
  a: { runs: number; chunksPerRun: number; ageDays: number; status?: string; recordBytes?: number },
): Promise<string[]> {
  const status = a.status ?? 'SUCCEEDED';
  const live = !['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status);
  const ids = Array.from({ length: a.runs }, () => randomUUID());
  await q.query(
    `INSERT INTO workflow_runs (id, org_id, workflow_id, workflow_version, status, trigger, input, output, created_at, started_at, finished_at)
     SELECT id, $2::uuid, $3::uuid, 1, $4::text, 'http', '{}'::jsonb, CASE WHEN $6::boolean THEN NULL ELSE '{}'::jsonb END,
            now() - $5::float8 * interval '1 day', now() - $5::float8 * interval '1 day',
            CASE WHEN $6::boolean THEN NULL ELSE now() - $5::float8 * interval '1 day' END
       FROM unnest($1::uuid[]) AS id`,
    [ids, org.orgId, org.workflowId, status, a.ageDays, live],
  );
  await q.query(
    `INSERT INTO task_runs (org_id, run_id, position, key, type, status, chunks_total, chunks_succeeded, chunks_failed, chunks_running, finished_at)
     SELECT $2::uuid, id, 0, 'loop', 'chunked', $3::text, $4::bigint, $4::bigint, 0, 0, CASE WHEN $5::boolean THEN NULL ELSE now() END
       FROM unnest($1::uuid[]) AS id`,
    [ids, org.orgId, live ? 'RUNNING' : status, a.chunksPerRun, live],
  );
  if (a.chunksPerRun > 0) {
    // One statement per 100 runs keeps each INSERT to at most 100 × chunksPerRun rows.
    for (let i = 0; i < ids.length; i += 100) {
      await q.query(
        `INSERT INTO chunk_runs (org_id, run_id, task_run_id, index, status, attempts, record, output, finished_at)
         SELECT $2::uuid, t.run_id, t.id, g, 'SUCCEEDED', 1, jsonb_build_object('index', g, 'pad', repeat('x', $4::int)), '{}'::jsonb, now()
           FROM task_runs t CROSS JOIN generate_series(0, $3::int - 1) AS g
          WHERE t.run_id = ANY($1::uuid[])`,
        [ids.slice(i, i + 100), org.orgId, a.chunksPerRun, a.recordBytes ?? 16],
      );
    }
  }
  return ids;
}

/** Row counts of the run tables of one organisation. */
export async function countRows(q: Queryable, orgId: string): Promise<{ runs: number; tasks: number; chunks: number }> {
  const { rows } = await q.query<{ runs: number; tasks: number; chunks: number }>(
    `SELECT (SELECT count(*) FROM workflow_runs WHERE org_id = $1::uuid)::int AS runs,
            (SELECT count(*) FROM task_runs WHERE org_id = $1::uuid)::int AS tasks,
            (SELECT count(*) FROM chunk_runs WHERE org_id = $1::uuid)::int AS chunks`,
    [orgId],
  );
  return rows[0]!;
}
