/** Project operations behind the HTTP handlers: list, read, create. */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../domain/principal';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { ProjectView } from '../domain/workers-api';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as store from '../store/projects';
import { isUniqueViolation } from '../db/db';

/** What this module uses of the platform (not the whole of it). */
export type ProjectsServiceDeps = Pick<Platform, 'db'>;

function toView(r: store.ProjectRow): ProjectView {
  return { ...r, createdAt: r.createdAt.toISOString() };
}

/** Every project of the caller's organisation. */
export async function listProjects(p: ProjectsServiceDeps, who: Principal): Promise<{ items: ProjectView[] }> {
  return { items: (await store.listProjects(p.db, who.orgId)).map(toView) };
}

/** One project. */
export async function getProject(p: ProjectsServiceDeps, who: Principal, id: string): Promise<ProjectView> {
  const r = await store.getProject(p.db, who.orgId, id);
  if (!r) throw new NotFoundError('project', id);
  return toView(r);
}

/** Creates a project; names are unique in the organisation. */
export async function createProject(
  p: ProjectsServiceDeps,
  who: Principal,
  body: { name: string; description?: string | undefined },
): Promise<ProjectView> {
  const id = randomUUID();
  try {
    await p.db.tx(async (q) => {
      await store.insertProject(q, { id, orgId: who.orgId, name: body.name, description: body.description ?? null });
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'project.create',
        targetType: 'project',
        targetId: id,
        diff: { after: body },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('project_name_taken', `A project named '${body.name}' already exists.`);
    throw err;
  }
  return getProject(p, who, id);
}
