/**
 * Validation of a workflow definition on save. Structure comes from the zod schema; then the
 * checks that need context: duplicate keys, references to later or unknown steps, expression
 * syntax, unknown connectors/operations, unknown workflows and cycles of WorkflowRefs. Every
 * problem is reported with its path; the caller answers 422 with all of them.
 */
import { ValidationError, type FieldIssue } from '../domain/errors';
import { formatPath, zodIssues } from '../domain/zod-issues';
import { checkSyntax, expressionsIn, stepReferences } from '../domain/expressions';
import { WorkflowDefinition, type TaskDefinition } from '../domain/workflow-definition';
import type { Operation } from '../adapters/adapter';

/** What the checker needs to know about the world. */
export interface DefinitionContext {
  /** The declared operation for (connector, operation), or why there is none. */
  findOperation(connector: string, operation: string): Promise<{ operation: Operation } | { problem: string }>;
  /** Workflows in the same project: id, name and the workflows each one references. */
  projectWorkflows: ReadonlyArray<{ id: string; name: string; definition: WorkflowDefinition }>;
  /** The id of the workflow being updated (absent on create). */
  selfId?: string;
}

/** The workflows a definition references (WorkflowRef tasks and chunked `each.workflow`). */
export function referencedWorkflows(def: WorkflowDefinition): Array<{ ref: string; path: string }> {
  const out: Array<{ ref: string; path: string }> = [];
  def.tasks.forEach((t, i) => {
    if (t.type === 'workflow') out.push({ ref: t.workflow, path: `tasks[${i}].workflow` });
    if (t.type === 'chunked' && 'workflow' in t.each) out.push({ ref: t.each.workflow, path: `tasks[${i}].each.workflow` });
  });
  return out;
}

function mappingsOf(t: TaskDefinition, i: number): Array<{ value: unknown; path: string; record: boolean }> {
  const base = `tasks[${i}]`;
  if (t.type === 'atomic') return [{ value: t.input, path: `${base}.input`, record: false }];
  if (t.type === 'workflow') return [{ value: t.input, path: `${base}.input`, record: false }];
  return [
    { value: t.generator.input, path: `${base}.generator.input`, record: false },
    { value: t.each.input, path: `${base}.each.input`, record: true },
  ];
}

/** Parses and checks a definition; throws `ValidationError` (422) listing every problem. */
export async function checkDefinition(raw: unknown, ctx: DefinitionContext): Promise<WorkflowDefinition> {
  const parsed = WorkflowDefinition.safeParse(raw);
  if (!parsed.success) throw new ValidationError('The workflow definition is invalid.', zodIssues(parsed.error), 'invalid_definition');
  const def = parsed.data;
  const issues: FieldIssue[] = [];

  const keys = new Map<string, number>();
  def.tasks.forEach((t, i) => {
    if (keys.has(t.key)) issues.push({ path: `tasks[${i}].key`, message: `duplicate key '${t.key}' (first used at tasks[${keys.get(t.key)}])` });
    else keys.set(t.key, i);
  });

  // Expressions: syntax, and step references must name an earlier step.
  const checkExpressions = (value: unknown, path: string, position: number) => {
    for (const e of expressionsIn(value, path)) {
      const bad = checkSyntax(e.expr, e.path);
      if (bad) {
        issues.push(bad);
        continue;
      }
      for (const ref of stepReferences(e.expr)) {
        const at = keys.get(ref);
        if (at === undefined) issues.push({ path: e.path, message: `refers to unknown step '${ref}'` });
        else if (at >= position) issues.push({ path: e.path, message: `refers to step '${ref}', which does not run before this one` });
      }
    }
  };
  def.tasks.forEach((t, i) => {
    for (const m of mappingsOf(t, i)) checkExpressions(m.value, m.path, i);
    if (t.type === 'atomic' && t.connector === 'platform' && t.operation === 'transform') {
      const expr = t.input?.['expression'];
      if (typeof expr === 'string') {
        const bad = checkSyntax(expr, `tasks[${i}].input.expression`);
        if (bad) issues.push(bad);
        else
          for (const ref of stepReferences(expr)) {
            const at = keys.get(ref);
            if (at === undefined || at >= i) issues.push({ path: `tasks[${i}].input.expression`, message: `refers to step '${ref}', which does not run before this one` });
          }
      }
    }
  });
  if (def.output) checkExpressions(def.output, 'output', def.tasks.length);

  // Policies: a cap below the first delay is a mistake; a child workflow retries through its own tasks.
  def.tasks.forEach((t, i) => {
    const retry = t.type === 'workflow' ? undefined : t.retry;
    if (retry && retry.maxDelayMs < retry.initialDelayMs) issues.push({ path: `tasks[${i}].retry.maxDelayMs`, message: 'must be at least initialDelayMs' });
    if (t.type === 'chunked' && retry && 'workflow' in t.each) {
      issues.push({ path: `tasks[${i}].retry`, message: "applies to an 'each' operation; a child workflow's tasks carry their own retry policies" });
    }
  });
  if (def.concurrency?.key !== undefined) {
    const bad = checkSyntax(def.concurrency.key, 'concurrency.key');
    if (bad) issues.push(bad);
    else if (stepReferences(def.concurrency.key).length) issues.push({ path: 'concurrency.key', message: 'may only use the run input (steps have not run when the limit is checked)' });
  }

  // Operations exist and have the right kind.
  for (const [i, t] of def.tasks.entries()) {
    const wants: Array<{ connector: string; operation: string; kind: 'call' | 'generator'; path: string }> = [];
    if (t.type === 'atomic') wants.push({ connector: t.connector, operation: t.operation, kind: 'call', path: `tasks[${i}]` });
    if (t.type === 'chunked') {
      wants.push({ ...t.generator, kind: 'generator', path: `tasks[${i}].generator` });
      if ('operation' in t.each) wants.push({ connector: t.each.connector, operation: t.each.operation, kind: 'call', path: `tasks[${i}].each` });
    }
    for (const w of wants) {
      const found = await ctx.findOperation(w.connector, w.operation);
      if ('problem' in found) issues.push({ path: `${w.path}.operation`, message: found.problem });
      else if (found.operation.kind !== w.kind)
        issues.push({
          path: `${w.path}.operation`,
          message: w.kind === 'generator' ? `'${w.operation}' is not a generator operation` : `'${w.operation}' is a generator; use it in a chunked task`,
        });
    }
  }

  // Workflow references: known, and no cycle through this workflow.
  const byRef = new Map<string, { id: string; definition: WorkflowDefinition }>();
  for (const w of ctx.projectWorkflows) {
    byRef.set(w.id, w);
    byRef.set(w.name, w);
  }
  const selfId = ctx.selfId ?? '(new)';
  const resolveRef = (ref: string): string | null => {
    if (ref === def.name || ref === ctx.selfId) return selfId;
    return byRef.get(ref)?.id ?? null;
  };
  const edges = (id: string): string[] => {
    const d = id === selfId ? def : ctx.projectWorkflows.find((w) => w.id === id)?.definition;
    if (!d) return [];
    return referencedWorkflows(d)
      .map((r) => (r.ref === d.name && id !== selfId ? id : resolveRef(r.ref)))
      .filter((x): x is string => x !== null);
  };
  for (const r of referencedWorkflows(def)) {
    const target = resolveRef(r.ref);
    if (target === null) {
      issues.push({ path: r.path, message: `unknown workflow '${r.ref}'` });
      continue;
    }
    // Depth-first search from the target back to this workflow.
    const seen = new Set<string>();
    const stack: Array<{ id: string; trail: string[] }> = [{ id: target, trail: [r.ref] }];
    let cycle: string[] | null = null;
    while (stack.length && !cycle) {
      const { id, trail } = stack.pop()!;
      if (id === selfId) {
        cycle = trail;
        break;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      for (const next of edges(id)) stack.push({ id: next, trail: [...trail, ctx.projectWorkflows.find((w) => w.id === next)?.name ?? def.name] });
    }
    if (cycle) issues.push({ path: r.path, message: `cycle of workflow references: ${[def.name, ...cycle].join(' → ')}` });
  }

  if (issues.length) throw new ValidationError('The workflow definition is invalid.', issues, 'invalid_definition');
  return def;
}
