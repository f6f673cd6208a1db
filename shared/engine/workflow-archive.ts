/**
 * Archive, restore and delete a workflow. Archiving is refused while the workflow has PENDING or RUNNING
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
import { deleteWorkflowRows, runTreesOf } from '../store/workflow-delete';

/** What this module uses of the platform (not the whole of it). */
export type WorkflowArchiveDeps = Pick<Platform, 'db'>;

export interface ArchiveResult {
  id: string;
  archived: boolean;
}

/** Archives a workflow with no live runs; archiving an archived workflow is a no-op (no entry). */
export async function archiveWorkflow(p: WorkflowArchiveDeps, who: Principal, id: string): Promise<ArchiveResult> {
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
export async function restoreWorkflow(p: WorkflowArchiveDeps, who: Principal, id: string): Promise<ArchiveResult> {
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

/**
 * Deletes an archived workflow and everything that belongs to it (see the module comment), audited
 * as `workflow.delete` in the same transaction. 409 `workflow_not_archived` unless archived, 409
 * `workflow_has_live_runs` if a run of its trees is still PENDING or RUNNING (a child started by
 * another workflow's run, say).
 */
export async function deleteWorkflow(p: Pick<Platform, 'db'>, who: Principal, id: string): Promise<void> {
  await p.db.tx(async (q) => {
    const wf = await lockWorkflowForArchive(q, who.orgId, id);
    if (!wf) throw new NotFoundError('workflow', id);
    if (!wf.archivedAt)
      throw new ConflictError(
        'workflow_not_archived',
        `Workflow '${wf.name}' is not archived; archive it first (POST /api/workflows/${id}/archive), then delete it.`,
      );
    const runs = await runTreesOf(q, who.orgId, id);
    if (runs.live > 0)
      throw new ConflictError(
        'workflow_has_live_runs',
        `Workflow '${wf.name}' has ${runs.live} PENDING or RUNNING run${runs.live === 1 ? '' : 's'} in its run trees; cancel them or let them finish, then delete.`,
      );
    const deleted = await deleteWorkflowRows(q, who.orgId, id, runs.ids);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'workflow.delete',
      targetType: 'workflow',
      targetId: id,
      diff: { name: wf.name, ...deleted },
    });
  });
}

/** Refuses to start a run of an archived workflow. */
export async function refuseIfArchived(db: Queryable, orgId: string, workflowId: string): Promise<void> {
  if (await isArchived(db, orgId, workflowId))
    throw new ConflictError('workflow_archived', `Workflow ${workflowId} is archived; restore it to start runs.`);
}
