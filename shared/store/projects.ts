/** Projects of an organisation, with how many workflows and workers each holds. */
import type { Queryable } from '../db/db';

export interface ProjectRow {
  id: string;
  name: string;
  description: string | null;
  isDefault: boolean;
  workflowCount: number;
  workerCount: number;
  createdAt: Date;
}

const SELECT = `
  SELECT p.id, p.name, p.description, p.is_default AS "isDefault", p.created_at AS "createdAt",
         (SELECT count(*)::int FROM workflows w WHERE w.org_id = p.org_id AND w.project_id = p.id) AS "workflowCount",
         (SELECT count(*)::int FROM workers k WHERE k.org_id = p.org_id AND k.project_id = p.id) AS "workerCount"
    FROM projects p`;

/** Every project of the organisation, the default first, then by name. */
export async function listProjects(q: Queryable, orgId: string): Promise<ProjectRow[]> {
  const { rows } = await q.query<ProjectRow>(`${SELECT} WHERE p.org_id = $1::uuid ORDER BY p.is_default DESC, p.name`, [orgId]);
  return rows;
}

/** One project, or null. */
export async function getProject(q: Queryable, orgId: string, id: string): Promise<ProjectRow | null> {
  const { rows } = await q.query<ProjectRow>(`${SELECT} WHERE p.org_id = $1::uuid AND p.id = $2::uuid`, [orgId, id]);
  return rows[0] ?? null;
}

/** Inserts a project. Throws pg's unique violation (23505) on a taken name. */
export async function insertProject(
  q: Queryable,
  p: { id: string; orgId: string; name: string; description: string | null },
): Promise<void> {
  await q.query('INSERT INTO projects (id, org_id, name, description) VALUES ($1::uuid, $2::uuid, $3::text, $4::text)', [
    p.id,
    p.orgId,
    p.name,
    p.description,
  ]);
}
