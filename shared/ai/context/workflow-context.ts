/** A workflow's definition: the one in focus, or ones the question names. */
import type { WorkflowDefinition } from '../../domain/workflow-definition';
import { getWorkflow, listWorkflows } from '../../store/workflows';
import { inWorkflowScope, words, type ContextProvider, type Snippet } from './context-provider';

/** A compact, secret-free rendering of a definition: tasks with their connector and operation, and the input schema. */
export function describeDefinition(id: string, version: number, d: WorkflowDefinition): string {
  const tasks = d.tasks.map((t) => {
    if (t.type === 'atomic') return `  - ${t.key}: ${t.connector}.${t.operation}${t.input ? ` input ${JSON.stringify(t.input).slice(0, 300)}` : ''}`;
    if (t.type === 'workflow') return `  - ${t.key}: runs workflow ${t.workflow}`;
    const each = 'workflow' in t.each ? `workflow ${t.each.workflow}` : `${t.each.connector}.${t.each.operation}`;
    return `  - ${t.key}: for each record of ${t.generator.connector}.${t.generator.operation}, ${each} (concurrency ${t.concurrency})`;
  });
  return [
    `Workflow "${d.name}" (id ${id}, version ${version})${d.description ? `: ${d.description}` : ''}`,
    `Tasks:\n${tasks.join('\n')}`,
    d.inputSchema ? `Input schema (JSON Schema): ${JSON.stringify(d.inputSchema).slice(0, 1500)}` : 'Input: any JSON object (no input schema).',
  ].join('\n');
}

/** Provides workflow definitions. */
export const workflowContext: ContextProvider = {
  name: 'workflow',
  async provide({ db, principal, focus, question }) {
    const out: Snippet[] = [];
    const seen = new Set<string>();
    if (focus.workflowId && inWorkflowScope(principal, focus.workflowId)) {
      const w = await getWorkflow(db, principal.orgId, focus.workflowId);
      if (w) {
        seen.add(w.id);
        out.push({ source: { type: 'workflow', id: w.id, label: `Workflow ${w.name}` }, text: describeDefinition(w.id, w.version, w.definition), score: 0.95 });
      }
    }
    // Workflows the question names (every word of the name appears), at most three.
    const q = words(question);
    const named = (await listWorkflows(db, principal.orgId, null)).filter((w) => !seen.has(w.id) && inWorkflowScope(principal, w.id) && [...words(w.name)].every((n) => q.has(n)));
    for (const s of named.slice(0, 3)) {
      const w = await getWorkflow(db, principal.orgId, s.id);
      if (w) out.push({ source: { type: 'workflow', id: w.id, label: `Workflow ${w.name}` }, text: describeDefinition(w.id, w.version, w.definition), score: 0.8 });
    }
    return out;
  },
};
