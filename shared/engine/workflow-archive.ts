/**
 * Archive and restore a workflow. Archiving is refused while the workflow has PENDING or RUNNING
 * runs (409 `workflow_has_live_runs`: cancel them or wait); its versions and finished runs are
 * kept. An archived workflow starts no run (409 `workflow_archived` from triggers, schedules and
 * webhooks, all of which go through the pre-flight commit; a task that would start it as a child
 * fails with `workflow_archived`), its runs are not retried (409 `workflow_archived`, and bulk
 * retries leave them out), and it is left out of workflow lists unless `includeArchived=true`. Each change is audited in the same transaction.
 */
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Principal } from '../domain/principal';
import type { Queryable } from '../db/db';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { isArchived, liveRunCount, lockWorkflowForArchive, setArchived } from '../store/workflow-archive';

export interface ArchiveResult {
  id: string;
  archived: boolean;
}

/** Archives a workflow with no live runs; archiving an archived workflow is a no-op (no entry). */
export async function archiveWorkflow(p: Platform, who: Principal, id: string): Promise<ArchiveResult> {
  return p.db.tx(async (q) => {
    const wf = await lockWorkflowForArchive(q, who.orgId, id);
    if (!wf) throw new NotFoundError('workflow', id);
    if (wf.archivedAt) return { id, archived: true };
    const live = await liveRunCount(q, who.orgId, id, 1_000);
    if (live > 0)
      throw new ConflictError(
        'workflow_has_live_runs',
        `Workflow '${wf.name}' has ${live >= 1_000 ? 'at least 1000' : live} PENDING or RUNNING run${live === 1 ? '' : 's'}; cancel them or let them finish, then archive.`,
      );
    await setArchived(q, who.orgId, id, `${who.actor.type}:${who.actor.id}`);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'workflow.archive',
      targetType: 'workflow',
      targetId: id,
      diff: { name: wf.name },
    });
    return { id, archived: true };
  });
}

/** Restores an archived workflow: it can be triggered again and is listed again. */
export async function restoreWorkflow(p: Platform, who: Principal, id: string): Promise<ArchiveResult> {
  return p.db.tx(async (q) => {
    const wf = await lockWorkflowForArchive(q, who.orgId, id);
    if (!wf) throw new NotFoundError('workflow', id);
    if (!wf.archivedAt) return { id, archived: false };
    await setArchived(q, who.orgId, id, null);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'workflow.restore',
      targetType: 'workflow',
      targetId: id,
      diff: { name: wf.name },
    });
    return { id, archived: false };
  });
}

/** Refuses to start a run of an archived workflow. */
export async function refuseIfArchived(db: Queryable, orgId: string, workflowId: string): Promise<void> {
  if (await isArchived(db, orgId, workflowId))
    throw new ConflictError('workflow_archived', `Workflow ${workflowId} is archived; restore it to start runs.`);
}
