/** Deleting an empty project or a digital worker that owns no workflows (issue #18), audited. */
import type { Principal } from '../domain/principal';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as store from '../store/deletions';

/** What this module uses of the platform (not the whole of it). */
export type DeletionsDeps = Pick<Platform, 'db'>;

/** Deletes a project that holds nothing; 409 `project_not_empty` or `project_is_default` otherwise. */
export async function deleteProject(p: DeletionsDeps, who: Principal, id: string): Promise<void> {
  try {
    await p.db.tx(async (q) => {
      const r = await store.deleteProject(q, who.orgId, id);
      if (r === 'absent') throw new NotFoundError('project', id);
      if (r === 'default')
        throw new ConflictError(
          'project_is_default',
          `Project ${id} is the organisation's default project, which new workflows go to; it cannot be deleted.`,
        );
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'project.delete',
        targetType: 'project',
        targetId: id,
      });
    });
  } catch (err) {
    if (store.isStillReferenced(err)) {
      throw new ConflictError(
        'project_not_empty',
        `Project ${id} still holds workflows, connectors, business object types or digital workers; delete or move them first.`,
      );
    }
    throw err;
  }
}

/** Deletes a digital worker; 409 `worker_has_workflows` while it owns any. */
export async function deleteWorker(p: DeletionsDeps, who: Principal, id: string): Promise<void> {
  try {
    await p.db.tx(async (q) => {
      if (!(await store.deleteWorker(q, who.orgId, id))) throw new NotFoundError('worker', id);
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'worker.delete',
        targetType: 'worker',
        targetId: id,
      });
    });
  } catch (err) {
    if (store.isStillReferenced(err)) {
      throw new ConflictError(
        'worker_has_workflows',
        `Digital worker ${id} still owns workflows; unassign them first (DELETE /api/workers/${id}/workflows/{workflowId}).`,
      );
    }
    throw err;
  }
}
