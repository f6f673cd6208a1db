/** Organisations and their default project. */
import type { Queryable } from '../db/db';
import { NotFoundError } from '../domain/errors';

/** The built-in organisation of development mode (no identity provider). */
export const DEV_ORG_ID = '00000000-0000-4000-8000-000000000001';
export const DEV_PROJECT_ID = '00000000-0000-4000-8000-000000000002';

/** Creates an organisation with its default project, if it does not exist yet. */
export async function ensureOrganisation(q: Queryable, org: { id: string; name: string; defaultProjectId: string }): Promise<void> {
  await q.query(
    `WITH o AS (
       INSERT INTO organisations (id, name) VALUES ($1::uuid, $2::text) ON CONFLICT (id) DO NOTHING RETURNING id
     )
     INSERT INTO projects (id, org_id, name, is_default)
     SELECT $3::uuid, o.id, 'Default', true FROM o`,
    [org.id, org.name, org.defaultProjectId],
  );
}

/** The id of an organisation's default project. */
export async function defaultProjectId(q: Queryable, orgId: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM projects WHERE org_id = $1::uuid AND is_default', [orgId]);
  return rows[0]?.id ?? null;
}

/** True when the project exists in the organisation. */
export async function projectExists(q: Queryable, orgId: string, projectId: string): Promise<boolean> {
  const { rowCount } = await q.query('SELECT 1 FROM projects WHERE org_id = $1::uuid AND id = $2::uuid', [orgId, projectId]);
  return (rowCount ?? 0) > 0;
}

/** The project a request addresses: the given one (it must exist in the organisation) or the default one. */
export async function resolveProject(q: Queryable, orgId: string, projectId: string | undefined): Promise<string> {
  if (projectId) {
    if (!(await projectExists(q, orgId, projectId))) throw new NotFoundError('project', projectId);
    return projectId;
  }
  const id = await defaultProjectId(q, orgId);
  if (!id) throw new NotFoundError('project', 'default');
  return id;
}
