/** Workflows and their immutable versions. */
import type { Queryable } from '../db/db';
import type { WorkflowDefinition } from '../domain/workflow-definition';

export interface WorkflowRow {
  id: string;
  orgId: string;
  projectId: string;
  name: string;
  version: number;
  definition: WorkflowDefinition;
  createdAt: Date;
  updatedAt: Date;
  /** Set on rows read with the latest version: an archived workflow starts no run. */
  archived?: boolean;
}

const SELECT_LATEST = `
  SELECT w.id, w.org_id AS "orgId", w.project_id AS "projectId", w.name, w.latest_version AS version,
         v.definition, w.created_at AS "createdAt", w.updated_at AS "updatedAt", w.archived_at IS NOT NULL AS archived
    FROM workflows w
    JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.latest_version`;

/**
 * Inserts a workflow with version 1. Throws pg's unique violation (23505) on a taken name.
 * `asWritten` is the same definition in the author's key order, the one the API shows.
 */
export async function insertWorkflow(
  q: Queryable,
  w: { id: string; orgId: string; projectId: string; definition: WorkflowDefinition; asWritten?: WorkflowDefinition; createdBy: string },
): Promise<void> {
  await q.query(
    `WITH w AS (
       INSERT INTO workflows (id, org_id, project_id, name, latest_version)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, 1) RETURNING id, org_id
     )
     INSERT INTO workflow_versions (org_id, workflow_id, version, definition, created_by, definition_as_written)
     SELECT w.org_id, w.id, 1, $5::jsonb, $6::text, $7::json FROM w`,
    [w.id, w.orgId, w.projectId, w.definition.name, JSON.stringify(w.definition), w.createdBy, JSON.stringify(w.asWritten ?? w.definition)],
  );
}

/** Adds the next version; the row lock on `workflows` serialises concurrent updates. Returns it, or null if absent. */
export async function insertVersion(
  q: Queryable,
  v: { orgId: string; workflowId: string; definition: WorkflowDefinition; asWritten?: WorkflowDefinition; createdBy: string },
): Promise<number | null> {
  const { rows } = await q.query<{ version: number }>(
    `WITH w AS (
       UPDATE workflows SET latest_version = latest_version + 1, name = $3::text, updated_at = now()
        WHERE id = $2::uuid AND org_id = $1::uuid
        RETURNING id, org_id, latest_version
     )
     INSERT INTO workflow_versions (org_id, workflow_id, version, definition, created_by, definition_as_written)
     SELECT w.org_id, w.id, w.latest_version, $4::jsonb, $5::text, $6::json FROM w
     RETURNING version`,
    [v.orgId, v.workflowId, v.definition.name, JSON.stringify(v.definition), v.createdBy, JSON.stringify(v.asWritten ?? v.definition)],
  );
  return rows[0]?.version ?? null;
}

/** The latest version of a workflow, or null. */
export async function getWorkflow(q: Queryable, orgId: string, id: string): Promise<WorkflowRow | null> {
  const { rows } = await q.query<WorkflowRow>(`${SELECT_LATEST} WHERE w.org_id = $1::uuid AND w.id = $2::uuid`, [orgId, id]);
  return rows[0] ?? null;
}

/** A workflow as the API shows it: one version (the latest when `version` is null) with when and by whom it was saved. */
export interface WorkflowVersionRow extends WorkflowRow {
  latestVersion: number;
  versionCreatedAt: Date;
  versionCreatedBy: string;
}

/** One version of a workflow for display (its definition in the author's key order), or null when the workflow or that version does not exist. */
export async function getWorkflowVersionView(
  q: Queryable,
  orgId: string,
  id: string,
  version: number | null,
): Promise<WorkflowVersionRow | null> {
  const { rows } = await q.query<WorkflowVersionRow>(
    `SELECT w.id, w.org_id AS "orgId", w.project_id AS "projectId", w.name, v.version,
            coalesce(v.definition_as_written, v.definition::json) AS definition,
            w.created_at AS "createdAt", w.updated_at AS "updatedAt", w.latest_version AS "latestVersion",
            v.created_at AS "versionCreatedAt", v.created_by AS "versionCreatedBy"
       FROM workflows w
       JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = coalesce($3::int, w.latest_version)
      WHERE w.org_id = $1::uuid AND w.id = $2::uuid`,
    [orgId, id, version],
  );
  return rows[0] ?? null;
}

/** One version of a workflow's definition, or null. */
export async function getWorkflowVersion(q: Queryable, orgId: string, id: string, version: number): Promise<WorkflowDefinition | null> {
  const { rows } = await q.query<{ definition: WorkflowDefinition }>(
    'SELECT definition FROM workflow_versions WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND version = $3::int',
    [orgId, id, version],
  );
  return rows[0]?.definition ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a workflow in a project by id or by name (the latest version). */
export async function findWorkflowRef(q: Queryable, orgId: string, projectId: string, ref: string): Promise<WorkflowRow | null> {
  const { rows } = await q.query<WorkflowRow>(
    `${SELECT_LATEST} WHERE w.org_id = $1::uuid AND w.project_id = $2::uuid
       AND (w.name = $3::text OR ($4::uuid IS NOT NULL AND w.id = $4::uuid))
     ORDER BY (w.name = $3::text) DESC LIMIT 1`,
    [orgId, projectId, ref, UUID.test(ref) ? ref : null],
  );
  return rows[0] ?? null;
}

/** Latest definitions of every workflow in a project (for reference and cycle checks). */
export async function listProjectDefinitions(q: Queryable, orgId: string, projectId: string): Promise<WorkflowRow[]> {
  const { rows } = await q.query<WorkflowRow>(`${SELECT_LATEST} WHERE w.org_id = $1::uuid AND w.project_id = $2::uuid`, [orgId, projectId]);
  return rows;
}

export interface WorkflowSummaryRow {
  id: string;
  name: string;
  projectId: string;
  version: number;
  description: string | null;
  taskCount: number;
  updatedAt: Date;
  lastRunId: string | null;
  lastRunStatus: string | null;
  lastRunAt: Date | null;
  archived: boolean;
}

/** Workflows of an organisation (optionally one project), with their last run (step tests are not runs of the workflow's work); archived ones only when asked for. */
export async function listWorkflows(
  q: Queryable,
  orgId: string,
  projectId: string | null,
  includeArchived = false,
): Promise<WorkflowSummaryRow[]> {
  const { rows } = await q.query<WorkflowSummaryRow>(
    `SELECT w.id, w.name, w.project_id AS "projectId", w.latest_version AS version,
            v.definition->>'description' AS description, jsonb_array_length(v.definition->'tasks') AS "taskCount",
            w.updated_at AS "updatedAt", r.id AS "lastRunId", r.status AS "lastRunStatus", r.created_at AS "lastRunAt",
            w.archived_at IS NOT NULL AS archived
       FROM workflows w
       JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.latest_version
       LEFT JOIN LATERAL (
         SELECT id, status, created_at FROM workflow_runs
          WHERE org_id = w.org_id AND workflow_id = w.id AND trigger <> 'test' ORDER BY created_at DESC, id DESC LIMIT 1
       ) r ON true
      WHERE w.org_id = $1::uuid AND ($2::uuid IS NULL OR w.project_id = $2::uuid) AND ($3::boolean OR w.archived_at IS NULL)
      ORDER BY w.name`,
    [orgId, projectId, includeArchived],
  );
  return rows;
}

/** Versions of a workflow, newest first. */
export async function listVersions(
  q: Queryable,
  orgId: string,
  workflowId: string,
): Promise<Array<{ version: number; createdAt: Date; createdBy: string }>> {
  const { rows } = await q.query<{ version: number; createdAt: Date; createdBy: string }>(
    `SELECT version, created_at AS "createdAt", created_by AS "createdBy" FROM workflow_versions
      WHERE org_id = $1::uuid AND workflow_id = $2::uuid ORDER BY version DESC`,
    [orgId, workflowId],
  );
  return rows;
}

/** A version's definition with the workflow's project (what the executor needs). */
export async function getExecutableVersion(
  q: Queryable,
  orgId: string,
  workflowId: string,
  version: number,
): Promise<{ projectId: string; definition: WorkflowDefinition } | null> {
  const { rows } = await q.query<{ projectId: string; definition: WorkflowDefinition }>(
    `SELECT w.project_id AS "projectId", v.definition FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
      WHERE v.org_id = $1::uuid AND v.workflow_id = $2::uuid AND v.version = $3::int`,
    [orgId, workflowId, version],
  );
  return rows[0] ?? null;
}
