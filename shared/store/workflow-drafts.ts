/** Workflow drafts (one per workflow) and the row lock that orders publishing. */
import type { Queryable } from '../db/db';
import type { WorkflowDefinition } from '../domain/workflow-definition';

export interface DraftRow {
  workflowId: string;
  basedOnVersion: number;
  definition: WorkflowDefinition;
  /** The same definition in the author's key order. */
  asWritten: WorkflowDefinition;
  updatedAt: Date;
  updatedBy: string;
}

const COLUMNS = `workflow_id AS "workflowId", based_on_version AS "basedOnVersion", definition,
  definition_as_written AS "asWritten", updated_at AS "updatedAt", updated_by AS "updatedBy"`;

/** Saves (inserts or replaces) the draft of a workflow. */
export async function upsertDraft(
  q: Queryable,
  d: {
    orgId: string;
    workflowId: string;
    basedOnVersion: number;
    definition: WorkflowDefinition;
    asWritten: WorkflowDefinition;
    updatedBy: string;
  },
): Promise<DraftRow> {
  const { rows } = await q.query<DraftRow>(
    `INSERT INTO workflow_drafts (workflow_id, org_id, based_on_version, definition, definition_as_written, updated_by)
     VALUES ($1::uuid, $2::uuid, $3::int, $4::jsonb, $5::json, $6::text)
     ON CONFLICT (workflow_id) DO UPDATE SET based_on_version = EXCLUDED.based_on_version, definition = EXCLUDED.definition,
       definition_as_written = EXCLUDED.definition_as_written, updated_by = EXCLUDED.updated_by, updated_at = now(),
       -- Pins of tasks the saved draft no longer has go with them.
       pins = (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
                 FROM jsonb_each(workflow_drafts.pins) AS e
                WHERE e.key = ANY($7::text[]))
     RETURNING ${COLUMNS}`,
    [
      d.workflowId,
      d.orgId,
      d.basedOnVersion,
      JSON.stringify(d.definition),
      JSON.stringify(d.asWritten),
      d.updatedBy,
      d.definition.tasks.map((t) => t.key),
    ],
  );
  return rows[0]!;
}

/** The draft of a workflow, or null; `forUpdate` locks it for the transaction. */
export async function getDraft(q: Queryable, orgId: string, workflowId: string, forUpdate = false): Promise<DraftRow | null> {
  const { rows } = await q.query<DraftRow>(
    `SELECT ${COLUMNS} FROM workflow_drafts WHERE org_id = $1::uuid AND workflow_id = $2::uuid${forUpdate ? ' FOR UPDATE' : ''}`,
    [orgId, workflowId],
  );
  return rows[0] ?? null;
}

/** Deletes the draft of a workflow; false when there was none. */
export async function deleteDraft(q: Queryable, orgId: string, workflowId: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM workflow_drafts WHERE org_id = $1::uuid AND workflow_id = $2::uuid', [orgId, workflowId]);
  return (rowCount ?? 0) > 0;
}

/**
 * Locks a workflow's row for the transaction and returns its latest version (null when absent).
 * Saving a version updates the same row, so a check of the latest version made under this lock
 * holds until the new version is committed.
 */
export async function lockLatestVersion(q: Queryable, orgId: string, workflowId: string): Promise<number | null> {
  const { rows } = await q.query<{ version: number }>(
    'SELECT latest_version AS version FROM workflows WHERE org_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    [orgId, workflowId],
  );
  return rows[0]?.version ?? null;
}

/** The test data pinned per task with a workflow's draft, or null when it has no draft. */
export async function getPins(q: Queryable, orgId: string, workflowId: string): Promise<Record<string, unknown> | null> {
  const { rows } = await q.query<{ pins: Record<string, unknown> }>(
    'SELECT pins FROM workflow_drafts WHERE org_id = $1::uuid AND workflow_id = $2::uuid',
    [orgId, workflowId],
  );
  return rows[0]?.pins ?? null;
}

/** Replaces the pins of a workflow's draft; false when it has no draft. */
export async function putPins(q: Queryable, orgId: string, workflowId: string, pins: Record<string, unknown>): Promise<boolean> {
  const { rowCount } = await q.query('UPDATE workflow_drafts SET pins = $3::jsonb WHERE org_id = $1::uuid AND workflow_id = $2::uuid', [
    orgId,
    workflowId,
    JSON.stringify(pins),
  ]);
  return (rowCount ?? 0) > 0;
}
