/**
 * The digital worker in focus and the workflows assigned to it. The workers table (and
 * workflows.worker_id) belong to the digital-workers feature; against a database without them
 * this provider says nothing rather than failing the answer.
 */
import { inWorkflowScope, type ContextProvider } from './context-provider';
import { publicFields, queryOptional } from './optional-table';

const FIELDS = ['name', 'description', 'status', 'owner', 'project_id'] as const;

/** Provides the focused digital worker's public description and its workflows. */
export const workerContext: ContextProvider = {
  name: 'worker',
  async provide({ db, principal, focus }) {
    if (!focus.workerId) return [];
    // to_jsonb(w) reads whatever columns the table has; only known, non-secret fields are kept.
    const rows = await queryOptional<{ row: Record<string, unknown> }>(
      db,
      'SELECT to_jsonb(w) AS row FROM workers w WHERE w.org_id = $1::uuid AND w.id = $2::uuid',
      [principal.orgId, focus.workerId],
    );
    const row = rows[0]?.row;
    if (!row) return [];
    const info = publicFields(row, FIELDS);
    const flows = (
      await queryOptional<{ id: string; name: string }>(
        db,
        'SELECT id::text AS id, name FROM workflows WHERE org_id = $1::uuid AND worker_id = $2::uuid ORDER BY name LIMIT 50',
        [principal.orgId, focus.workerId],
      )
    ).filter((w) => inWorkflowScope(principal, w.id));
    const label = String(info['name'] ?? focus.workerId);
    return [
      {
        source: { type: 'worker', id: focus.workerId, label: `Digital worker ${label}` },
        text:
          `The digital worker in focus: ${Object.entries(info)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')}.` + ` Its workflows: ${flows.length ? flows.map((w) => `${w.name} (id ${w.id})`).join(', ') : 'none assigned'}.`,
        score: 0.9,
      },
    ];
  },
};
