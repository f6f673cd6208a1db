/**
 * Validation of a workflow definition on save. Structure comes from the zod schema; then the
 * checks that need context: duplicate keys, the task graph (unknown needs, cycles, unreachable
 * tasks), step references (a task may read `steps.x` only when it needs x, directly or through
 * other tasks), expression syntax (mappings and `when`), unknown connectors/operations, unknown
 * workflows and cycles of WorkflowRefs. Every problem is reported with its path; the caller
 * answers 422 with all of them.
 */
import { ValidationError, type FieldIssue } from '../domain/errors';
import { zodIssues } from '../domain/zod-issues';
import { checkSyntax, expressionsIn, stepReferences } from '../domain/expressions';
import { COLLECT_MAX_RECORDS, WorkflowDefinition, type TaskDefinition } from '../domain/workflow-definition';
import type { Operation } from '../adapters/adapter';
import { ancestors, cyclesAndUnreachable, resolveNeeds } from './task-graph';

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
  // An alert workflow that ends up alerting about itself would start runs without end.
  if (def.onFailure) out.push({ ref: def.onFailure.workflow, path: 'onFailure.workflow' });
  return out;
}

function mappingsOf(t: TaskDefinition, i: number): Array<{ value: unknown; path: string; record: boolean }> {
  const base = `tasks[${i}]`;
  if (t.type === 'atomic') return [{ value: t.input, path: `${base}.input`, record: false }];
  if (t.type === 'workflow') return [{ value: t.input, path: `${base}.input`, record: false }];
  if (t.type === 'wait') return [];
  if (t.type === 'approval')
    return [
      { value: t.details, path: `${base}.details`, record: false },
      { value: t.notify?.input, path: `${base}.notify.input`, record: false },
    ];
  return [
    { value: t.generator.input, path: `${base}.generator.input`, record: false },
    { value: t.each.input, path: `${base}.each.input`, record: true },
  ];
}

/**
 * A wait names exactly one thing to wait for (an event with its `match`); an approval can be
 * decided by someone and needs no more approvals than it names people, when it names only people.
 */
function checkWait(
  t: TaskDefinition,
  i: number,
  issues: FieldIssue[],
  checkWhole: (expr: string, path: string, position: number) => void,
): void {
  const base = `tasks[${i}]`;
  if (t.type === 'wait') {
    const kinds = (['signal', 'event', 'until', 'durationMs'] as const).filter((k) => t[k] !== undefined);
    if (kinds.length !== 1)
      issues.push({
        path: base,
        message: kinds.length
          ? `waits for one thing: ${kinds.join(' and ')} are given together`
          : 'names what it waits for: one of signal, event (with match), until, durationMs',
      });
    if (t.event !== undefined && t.match === undefined)
      issues.push({ path: `${base}.match`, message: 'an event wait needs match (its key)' });
    if (t.match !== undefined && t.event === undefined) issues.push({ path: `${base}.match`, message: 'match is only for an event wait' });
    if (t.match !== undefined) checkWhole(t.match, `${base}.match`, i);
    if (t.until !== undefined) checkWhole(t.until, `${base}.until`, i);
    if ((t.until !== undefined || t.durationMs !== undefined) && t.timeoutMs !== undefined)
      issues.push({ path: `${base}.timeoutMs`, message: 'a wait for a time ends at that time; timeoutMs is for signals and events' });
  }
  if (t.type === 'approval') {
    const { roles = [], groups = [], users = [] } = t.approvers;
    if (!roles.length && !groups.length && !users.length)
      issues.push({ path: `${base}.approvers`, message: 'names at least one role, group or user who may decide' });
    else if (!roles.length && !groups.length && (t.required ?? 1) > users.length)
      issues.push({ path: `${base}.required`, message: `needs ${t.required} approvals but names only ${users.length} user(s)` });
  }
}

/** Parses and checks a definition; throws `ValidationError` (422) listing every problem. */
export async function checkDefinition(raw: unknown, ctx: DefinitionContext): Promise<WorkflowDefinition> {
  const parsed = WorkflowDefinition.safeParse(raw);
  if (!parsed.success) throw new ValidationError('The workflow definition is invalid.', zodIssues(parsed.error), 'invalid_definition');
  const def = parsed.data;
  const issues: FieldIssue[] = [];

  const keys = new Map<string, number>();
  def.tasks.forEach((t, i) => {
    if (keys.has(t.key))
      issues.push({ path: `tasks[${i}].key`, message: `duplicate key '${t.key}' (first used at tasks[${keys.get(t.key)}])` });
    else keys.set(t.key, i);
  });

  // The graph: needs name known tasks, once each; no cycles; every task reachable from the start.
  const needs = resolveNeeds(def.tasks);
  def.tasks.forEach((t, i) => {
    const seen = new Set<string>();
    t.needs?.forEach((k, j) => {
      const path = `tasks[${i}].needs[${j}]`;
      if (seen.has(k)) issues.push({ path, message: `'${k}' is listed twice` });
      else if (k === t.key) issues.push({ path, message: 'a task cannot need itself' });
      else if (!keys.has(k)) issues.push({ path, message: `unknown task '${k}'` });
      seen.add(k);
    });
  });
  // With duplicate keys the graph is ambiguous; the duplicates are reported and the graph is not.
  const { cycles, unreachable } = keys.size === def.tasks.length ? cyclesAndUnreachable(def.tasks, needs) : { cycles: [], unreachable: [] };
  for (const cycle of cycles) {
    const trail = [...cycle, cycle[0]!].map((i) => def.tasks[i]!.key).join(' → ');
    for (const i of cycle) issues.push({ path: `tasks[${i}].needs`, message: `cycle of needs: ${trail}` });
  }
  for (const i of unreachable)
    issues.push({ path: `tasks[${i}].needs`, message: 'unreachable from the start: it needs a task on a cycle' });
  def.tasks.forEach((t, i) => {
    if (t.runAfter !== 'failure') return;
    const need = needs[i]!.map((k) => def.tasks[keys.get(k) ?? -1]).filter((n) => n !== undefined);
    if (!need.length)
      issues.push({ path: `tasks[${i}].runAfter`, message: 'a failure handler needs at least one task whose failure it handles' });
    else if (need.every((n) => n.onError === 'continue'))
      issues.push({ path: `tasks[${i}].runAfter`, message: 'never runs: every task it needs continues on error, so none can fail' });
  });
  const before = ancestors(def.tasks, needs);

  // Expressions: syntax, and a step may be read only by a task that needs it (directly or through others).
  const checkStepRef = (ref: string, path: string, position: number) => {
    if (!keys.has(ref)) issues.push({ path, message: `refers to unknown step '${ref}'` });
    else if (position < def.tasks.length && !before[position]!.has(ref))
      issues.push({ path, message: `refers to step '${ref}', which does not run before this one` });
  };
  const checkExpressions = (value: unknown, path: string, position: number) => {
    for (const e of expressionsIn(value, path)) {
      const bad = checkSyntax(e.expr, e.path);
      if (bad) {
        issues.push(bad);
        continue;
      }
      for (const ref of stepReferences(e.expr)) checkStepRef(ref, e.path, position);
    }
  };
  const checkWhole = (expr: string, path: string, position: number) => {
    const bad = checkSyntax(expr, path);
    if (bad) issues.push(bad);
    else for (const ref of stepReferences(expr)) checkStepRef(ref, path, position);
  };
  def.tasks.forEach((t, i) => {
    if (t.when !== undefined) checkWhole(t.when, `tasks[${i}].when`, i);
    for (const m of mappingsOf(t, i)) checkExpressions(m.value, m.path, i);
    if (t.type === 'atomic' && t.connector === 'platform' && t.operation === 'transform') {
      const expr = t.input?.['expression'];
      if (typeof expr === 'string') checkWhole(expr, `tasks[${i}].input.expression`, i);
    }
  });
  def.tasks.forEach((t, i) => checkWait(t, i, issues, checkWhole));
  if (def.output) checkExpressions(def.output, 'output', def.tasks.length);
  if (def.onFailure?.input) checkExpressions(def.onFailure.input, 'onFailure.input', def.tasks.length);

  // Collecting loops are bounded: a generator count known on save may not pass the limit.
  def.tasks.forEach((t, i) => {
    if (t.type !== 'chunked' || !t.collect) return;
    const count = t.generator.input?.['count'];
    if (typeof count === 'number' && count > COLLECT_MAX_RECORDS) {
      issues.push({
        path: `tasks[${i}].collect`,
        message: `collects at most ${COLLECT_MAX_RECORDS} records; the generator yields ${count}`,
      });
    }
  });

  // Policies: a cap below the first delay is a mistake; a child workflow retries through its own tasks.
  def.tasks.forEach((t, i) => {
    const retry = t.type === 'atomic' || t.type === 'chunked' ? t.retry : undefined;
    if (retry && retry.maxDelayMs < retry.initialDelayMs)
      issues.push({ path: `tasks[${i}].retry.maxDelayMs`, message: 'must be at least initialDelayMs' });
    if (t.type === 'chunked' && retry && 'workflow' in t.each) {
      issues.push({
        path: `tasks[${i}].retry`,
        message: "applies to an 'each' operation; a child workflow's tasks carry their own retry policies",
      });
    }
  });
  if (def.concurrency?.key !== undefined) {
    const bad = checkSyntax(def.concurrency.key, 'concurrency.key');
    if (bad) issues.push(bad);
    else if (stepReferences(def.concurrency.key).length)
      issues.push({ path: 'concurrency.key', message: 'may only use the run input (steps have not run when the limit is checked)' });
  }

  // Operations exist and have the right kind.
  for (const [i, t] of def.tasks.entries()) {
    const wants: Array<{ connector: string; operation: string; kind: 'call' | 'generator'; path: string }> = [];
    if (t.type === 'atomic') wants.push({ connector: t.connector, operation: t.operation, kind: 'call', path: `tasks[${i}]` });
    if (t.type === 'approval' && t.notify)
      wants.push({ connector: t.notify.connector, operation: t.notify.operation, kind: 'call', path: `tasks[${i}].notify` });
    if (t.type === 'chunked') {
      wants.push({ ...t.generator, kind: 'generator', path: `tasks[${i}].generator` });
      if ('operation' in t.each)
        wants.push({ connector: t.each.connector, operation: t.each.operation, kind: 'call', path: `tasks[${i}].each` });
    }
    for (const w of wants) {
      const found = await ctx.findOperation(w.connector, w.operation);
      if ('problem' in found) issues.push({ path: `${w.path}.operation`, message: found.problem });
      else if (found.operation.kind !== w.kind)
        issues.push({
          path: `${w.path}.operation`,
          message:
            w.kind === 'generator'
              ? `'${w.operation}' is not a generator operation`
              : `'${w.operation}' is a generator; use it in a chunked task`,
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
      for (const next of edges(id))
        stack.push({ id: next, trail: [...trail, ctx.projectWorkflows.find((w) => w.id === next)?.name ?? def.name] });
    }
    if (cycle) issues.push({ path: r.path, message: `cycle of workflow references: ${[def.name, ...cycle].join(' → ')}` });
  }

  if (issues.length) throw new ValidationError('The workflow definition is invalid.', issues, 'invalid_definition');
  return def;
}
