/**
 * What `demiton apply` will do, worked out before anything changes: each local workflow is matched
 * by name with the project's workflows and compared with the latest published version after both
 * are read by the definition schema (so defaults the server filled in and key order are no
 * change). The result is printed as a diff, and is the `--json` answer.
 */
import { diffDefinitions, type DefinitionDiff } from '../shared/domain/workflow-diff';
import { WorkflowDefinition } from '../shared/domain/workflow-definition';
import type { LocalWorkflow } from './workflow-files';

export type PlanAction = 'create' | 'update' | 'unchanged' | 'prune';

export interface PlanItem {
  name: string;
  action: PlanAction;
  /** The local file (not for prune). */
  file?: string;
  /** The workflow on the server (not for create). */
  id?: string;
  /** Its latest version before the apply. */
  version?: number;
  /** What changes (update only). */
  diff?: DefinitionDiff;
}

/** A workflow on the server: its id, latest version and definition. */
export interface RemoteWorkflow {
  id: string;
  name: string;
  version: number;
  definition: unknown;
}

/** The definition as compared: read by the schema (defaults filled), without the project, which apply decides. */
export function comparable(definition: unknown): WorkflowDefinition {
  const { projectId: _project, ...rest } = WorkflowDefinition.parse(definition);
  return rest;
}

/**
 * The plan: creates in an order where a workflow another one names (a `workflow` task, a chunked
 * `each.workflow`, `onFailure`) is created first, since the server checks those names on save;
 * then updates, unchanged, and (with prune) the remote workflows no file names.
 */
export function planApply(local: readonly LocalWorkflow[], remote: readonly RemoteWorkflow[], prune: boolean): PlanItem[] {
  const byName = new Map(remote.map((r) => [r.name, r]));
  const items: PlanItem[] = [];
  for (const l of orderByReferences(local)) {
    const r = byName.get(l.name);
    if (!r) {
      items.push({ name: l.name, action: 'create', file: l.file });
      continue;
    }
    const diff = diffDefinitions(comparable(r.definition), comparable(l.definition));
    items.push({
      name: l.name,
      action: diff.identical ? 'unchanged' : 'update',
      file: l.file,
      id: r.id,
      version: r.version,
      ...(diff.identical ? {} : { diff }),
    });
  }
  if (prune) {
    const names = new Set(local.map((l) => l.name));
    for (const r of [...remote].sort((a, b) => a.name.localeCompare(b.name)))
      if (!names.has(r.name)) items.push({ name: r.name, action: 'prune', id: r.id, version: r.version });
  }
  return items;
}

/** Names of other workflows a definition refers to. */
export function referencedWorkflows(d: WorkflowDefinition): string[] {
  const out = new Set<string>();
  for (const t of d.tasks) {
    if (t.type === 'workflow') out.add(t.workflow);
    if (t.type === 'chunked' && 'workflow' in t.each) out.add(t.each.workflow);
  }
  if (d.onFailure) out.add(d.onFailure.workflow);
  out.delete(d.name);
  return [...out];
}

/** Local workflows with each one after the local workflows it refers to (file order otherwise; a cycle keeps file order). */
export function orderByReferences(local: readonly LocalWorkflow[]): LocalWorkflow[] {
  const byName = new Map(local.map((l) => [l.name, l]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: LocalWorkflow[] = [];
  const visit = (l: LocalWorkflow) => {
    if (done.has(l.name) || visiting.has(l.name)) return;
    visiting.add(l.name);
    for (const ref of referencedWorkflows(l.definition)) {
      const dep = byName.get(ref);
      if (dep) visit(dep);
    }
    visiting.delete(l.name);
    done.add(l.name);
    out.push(l);
  };
  local.forEach(visit);
  return out;
}

const show = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));

/** The plan as lines of text: `+` create, `~` update (with each changed field), `=` unchanged, `-` prune. */
export function formatPlan(items: readonly PlanItem[]): string[] {
  const lines: string[] = [];
  for (const i of items) {
    const where = i.file ? `  (${i.file})` : '';
    if (i.action === 'create') lines.push(`+ create     ${i.name}${where}`);
    else if (i.action === 'unchanged') lines.push(`= unchanged  ${i.name}  v${i.version}${where}`);
    else if (i.action === 'prune') lines.push(`- prune      ${i.name}  v${i.version}`);
    else {
      lines.push(`~ update     ${i.name}  v${i.version} → v${i.version! + 1}${where}`);
      const d = i.diff!;
      for (const c of d.fields) lines.push(`    ${changeLine(c.path, c.before, c.after)}`);
      for (const t of d.tasks.added) lines.push(`    + task ${t.key} (position ${t.position + 1})`);
      for (const t of d.tasks.removed) lines.push(`    - task ${t.key}`);
      for (const t of d.tasks.changed)
        for (const c of t.changes) lines.push(`    ${changeLine(`tasks.${t.key}.${c.path}`, c.before, c.after)}`);
      if (d.tasks.order) lines.push(`    ~ order: ${d.tasks.order.before.join(', ')} → ${d.tasks.order.after.join(', ')}`);
    }
  }
  return lines;
}

function changeLine(path: string, before: unknown, after: unknown): string {
  if (before === undefined) return `+ ${path}: ${show(after)}`;
  if (after === undefined) return `- ${path}: ${show(before)}`;
  return `~ ${path}: ${show(before)} → ${show(after)}`;
}

/** Counts by action, for the summary line. */
export function summarise(items: readonly PlanItem[]): Record<PlanAction, number> {
  const out: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, prune: 0 };
  for (const i of items) out[i.action]++;
  return out;
}
