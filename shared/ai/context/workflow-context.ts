/** A workflow's definition: the one in focus, or ones the question names. */
import type { WorkflowDefinition } from '../../domain/workflow-definition';
import { getWorkflow, listWorkflows } from '../../store/workflows';
import { inWorkflowScope, words, type ContextProvider, type Snippet } from './context-provider';

/**
 * How a task joins the graph, in words (docs/workflows.md): what it waits for, its condition,
 * whether it handles failures or always runs, and whether it continues on error. Empty for a task
 * of a plain list, so chains read as they always did.
 */
function flowOf(t: WorkflowDefinition['tasks'][number]): string {
  const parts: string[] = [];
  if (t.needs) parts.push(t.needs.length ? `after ${t.needs.join(', ')}` : 'at the start');
  if (t.when) parts.push(`only when ${t.when.slice(0, 200)}`);
  if (t.runAfter === 'failure') parts.push('runs when a task it needs failed (a failure handler)');
  if (t.runAfter === 'always') parts.push('always runs (a finally)');
  if (t.onError === 'continue') parts.push('continues on error');
  if (t.type === 'chunked' && t.collect) parts.push("collects each record's output");
  if (t.type === 'chunked' && t.onRecordError === 'continue') parts.push('continues past failed records');
  return parts.length ? ` [${parts.join('; ')}]` : '';
}

/** A compact, secret-free rendering of a definition: tasks with their connector and operation, and the input schema. */
export function describeDefinition(id: string, version: number, d: WorkflowDefinition): string {
  const tasks = d.tasks.map((t) => {
    if (t.type === 'atomic')
      return `  - ${t.key}: ${t.connector}.${t.operation}${t.input ? ` input ${JSON.stringify(t.input).slice(0, 300)}` : ''}${flowOf(t)}`;
    if (t.type === 'workflow') return `  - ${t.key}: runs workflow ${t.workflow}${flowOf(t)}`;
    if (t.type === 'wait') {
      const what = t.signal
        ? `signal ${t.signal}`
        : t.event
          ? `event ${t.event} with key ${t.match ?? ''}`
          : t.until
            ? `until ${t.until}`
            : `${t.durationMs ?? 0} ms`;
      return `  - ${t.key}: waits for ${what}${t.timeoutMs ? ` (timeout ${t.timeoutMs} ms)` : ''}${flowOf(t)}`;
    }
    if (t.type === 'approval') return `  - ${t.key}: approval "${t.title}" (${t.required ?? 1} approver(s) needed)${flowOf(t)}`;
    const each = 'workflow' in t.each ? `workflow ${t.each.workflow}` : `${t.each.connector}.${t.each.operation}`;
    return `  - ${t.key}: for each record of ${t.generator.connector}.${t.generator.operation}, ${each} (concurrency ${t.concurrency})${flowOf(t)}`;
  });
  return [
    `Workflow "${d.name}" (id ${id}, version ${version})${d.description ? `: ${d.description}` : ''}`,
    `Tasks:\n${tasks.join('\n')}`,
    ...(d.onFailure ? [`On failure: starts workflow ${d.onFailure.workflow}`] : []),
    d.inputSchema
      ? `Input schema (JSON Schema): ${JSON.stringify(d.inputSchema).slice(0, 1500)}`
      : 'Input: any JSON object (no input schema).',
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
        out.push({
          source: { type: 'workflow', id: w.id, label: `Workflow ${w.name}` },
          text: describeDefinition(w.id, w.version, w.definition),
          score: 0.95,
        });
      }
    }
    // Workflows the question names (every word of the name appears), at most three.
    const q = words(question);
    const named = (await listWorkflows(db, principal.orgId, null)).filter(
      (w) => !seen.has(w.id) && inWorkflowScope(principal, w.id) && [...words(w.name)].every((n) => q.has(n)),
    );
    for (const s of named.slice(0, 3)) {
      const w = await getWorkflow(db, principal.orgId, s.id);
      if (w)
        out.push({
          source: { type: 'workflow', id: w.id, label: `Workflow ${w.name}` },
          text: describeDefinition(w.id, w.version, w.definition),
          score: 0.8,
        });
    }
    return out;
  },
};
