/** The project in focus (or the organisation's default): its workflows and its connectors by name and type. */
import { listWorkflows } from '../../store/workflows';
import { defaultProjectId } from '../../store/organisations';
import { inWorkflowScope, words, type ContextProvider, type Snippet } from './context-provider';
import { queryOptional } from './optional-table';

/** Provides a project overview: workflow names, descriptions and last runs; connector names and types only. */
export const projectContext: ContextProvider = {
  name: 'project',
  async provide({ db, principal, focus, question }) {
    const projectId = focus.projectId ?? (await defaultProjectId(db, principal.orgId));
    if (!projectId) return [];
    const { rows: projects } = await db.query<{ id: string; name: string; description: string | null }>(
      'SELECT id, name, description FROM projects WHERE org_id = $1::uuid AND id = $2::uuid',
      [principal.orgId, projectId],
    );
    const project = projects[0];
    if (!project) return [];
    const q = words(question);
    const snippets: Snippet[] = [];

    const flows = (await listWorkflows(db, principal.orgId, projectId)).filter((w) => inWorkflowScope(principal, w.id)).slice(0, 50);
    const lines = flows.map(
      (w) =>
        `- ${w.name} (id ${w.id}, v${w.version}, ${w.taskCount} tasks)${w.description ? `: ${w.description}` : ''}; last run: ${w.lastRunStatus ? `${w.lastRunStatus} at ${new Date(w.lastRunAt!).toISOString()}` : 'never'}`,
    );
    const mentioned = flows.some((w) => [...words(w.name)].some((n) => q.has(n)));
    snippets.push({
      source: { type: 'project', id: project.id, label: `Project ${project.name}` },
      text: `Project "${project.name}"${project.description ? ` — ${project.description}` : ''}. Workflows (${flows.length}):\n${lines.join('\n') || '(none)'}`,
      score: mentioned ? 0.7 : 0.5,
    });

    // Only the name and system type: settings and secrets never leave the connectors module.
    const connectors = await queryOptional<{ id: string; name: string; type: string }>(
      db,
      `SELECT c.id::text AS id, c.name::text AS name, coalesce(to_jsonb(c)->>'system_type', to_jsonb(c)->>'type', 'unknown') AS type
         FROM connectors c
        WHERE c.org_id = $1::uuid AND (to_jsonb(c)->>'project_id' IS NULL OR to_jsonb(c)->>'project_id' = $2::text)
        ORDER BY c.name LIMIT 100`,
      [principal.orgId, projectId],
    );
    if (connectors.length) {
      snippets.push({
        source: { type: 'connector', id: project.id, label: `Connectors of ${project.name}` },
        text: `Connectors in project "${project.name}" (name: system type): ${connectors.map((c) => `${c.name}: ${c.type}`).join(', ')}; plus the built-in "platform" connector.`,
        score: q.has('connector') || q.has('connectors') || connectors.some((c) => q.has(c.name.toLowerCase())) ? 0.7 : 0.3,
      });
    }
    return snippets;
  },
};
