/** Which workflow a run belongs to (for API keys limited to some workflows). */
import type { Queryable } from '../db/db';

/** The workflow id of a run in the organisation, or null. */
export async function workflowOfRun(q: Queryable, orgId: string, runId: string): Promise<string | null> {
  const { rows } = await q.query<{ workflowId: string }>(
    'SELECT workflow_id AS "workflowId" FROM workflow_runs WHERE org_id = $1::uuid AND id = $2::uuid',
    [orgId, runId],
  );
  return rows[0]?.workflowId ?? null;
}
