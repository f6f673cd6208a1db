/**
 * The canvas's edits as pure functions over a definition: add, connect, disconnect, remove and
 * change a task, and the undo/redo history. Each edit keeps the meaning of every task it does not
 * mean to change: a task whose `needs` was omitted keeps it omitted while "the task before it"
 * still names the same task, and gets an explicit `needs` when a change to the list would move it.
 */
import { resolvedNeeds, type TaskDef } from './graph-model';
import type { WorkflowDefinition } from '../services/api';

/** Why an edit was refused, in words. */
export class EditRefused extends Error {}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The tasks in their new order with the resolved needs given by `target`: a task keeps its
 * written `needs` (or its omission) when that still resolves to its target, else gets the target written.
 */
function withNeeds(tasks: readonly TaskDef[], target: ReadonlyMap<string, readonly string[]>): TaskDef[] {
  return tasks.map((t, i) => {
    const want = target.get(t.key) ?? (t.needs ? t.needs : i === 0 ? [] : [tasks[i - 1]!.key]);
    const implicit = i === 0 ? [] : [tasks[i - 1]!.key];
    if (t.needs === undefined && same(want, implicit)) return t;
    if (t.needs !== undefined && same(t.needs, want)) return t;
    return { ...t, needs: [...want] } as TaskDef;
  });
}

function currentNeeds(tasks: readonly TaskDef[]): Map<string, string[]> {
  const needs = resolvedNeeds(tasks);
  return new Map(tasks.map((t, i) => [t.key, needs[i]!]));
}

/** A key not used by any task, from a base name: `lookup`, `lookup-2`, … */
export function freshKey(tasks: readonly Pick<TaskDef, 'key'>[], base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'task';
  const used = new Set(tasks.map((t) => t.key));
  if (!used.has(clean)) return clean;
  for (let n = 2; ; n++) if (!used.has(`${clean}-${n}`)) return `${clean}-${n}`;
}

/**
 * Adds a task at the end of the list. `after`: the key of the task it needs (none: it starts with
 * the run); every other task keeps its needs.
 */
export function addTask(def: WorkflowDefinition, task: TaskDef, after: string | null): WorkflowDefinition {
  if (def.tasks.some((t) => t.key === task.key)) throw new EditRefused(`A task named ${task.key} exists already.`);
  if (after !== null && !def.tasks.some((t) => t.key === after)) throw new EditRefused(`There is no task ${after}.`);
  const target = currentNeeds(def.tasks);
  target.set(task.key, after === null ? [] : [after]);
  const { needs: _n, ...rest } = task;
  return { ...def, tasks: withNeeds([...def.tasks, rest as TaskDef], target) };
}

/** True when `from` transitively needs `to`. */
function reaches(tasks: readonly TaskDef[], from: string, to: string): boolean {
  const needs = currentNeeds(tasks);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const k = stack.pop()!;
    if (k === to) return true;
    if (seen.has(k)) continue;
    seen.add(k);
    stack.push(...(needs.get(k) ?? []));
  }
  return false;
}

/** Makes `target` need `source` (a drag from source to target). Refused for a self-edge, a duplicate or a cycle. */
export function connect(def: WorkflowDefinition, source: string, target: string): WorkflowDefinition {
  if (source === target) throw new EditRefused('A task cannot wait for itself.');
  const needs = currentNeeds(def.tasks);
  const t = needs.get(target);
  if (!t || !needs.has(source)) throw new EditRefused(`There is no task ${!t ? target : source}.`);
  if (t.includes(source)) throw new EditRefused(`${target} already waits for ${source}.`);
  if (reaches(def.tasks, source, target))
    throw new EditRefused(`${source} already waits for ${target}: connecting them would make a cycle.`);
  needs.set(target, [...t, source]);
  return { ...def, tasks: withNeeds(def.tasks, needs) };
}

/** Removes the need of `target` on `source`; a task left with no needs starts with the run. */
export function disconnect(def: WorkflowDefinition, source: string, target: string): WorkflowDefinition {
  const needs = currentNeeds(def.tasks);
  const t = needs.get(target);
  if (!t?.includes(source)) throw new EditRefused(`${target} does not wait for ${source}.`);
  needs.set(
    target,
    t.filter((k) => k !== source),
  );
  return { ...def, tasks: withNeeds(def.tasks, needs) };
}

/** Removes a task; the tasks that waited for it wait for what it waited for instead, so a chain stays a chain. */
export function removeTask(def: WorkflowDefinition, key: string): WorkflowDefinition {
  const needs = currentNeeds(def.tasks);
  const gone = needs.get(key);
  if (!gone) throw new EditRefused(`There is no task ${key}.`);
  needs.delete(key);
  for (const [k, n] of needs) if (n.includes(key)) needs.set(k, [...new Set(n.flatMap((x) => (x === key ? gone : [x])))]);
  return {
    ...def,
    tasks: withNeeds(
      def.tasks.filter((t) => t.key !== key),
      needs,
    ),
  };
}

/** Replaces one task (same key, or renamed: the needs naming the old key follow the new one). */
export function replaceTask(def: WorkflowDefinition, key: string, next: TaskDef): WorkflowDefinition {
  const i = def.tasks.findIndex((t) => t.key === key);
  if (i < 0) throw new EditRefused(`There is no task ${key}.`);
  if (next.key !== key && def.tasks.some((t) => t.key === next.key)) throw new EditRefused(`A task named ${next.key} exists already.`);
  const needs = currentNeeds(def.tasks);
  const own = next.needs ?? needs.get(key)!;
  needs.delete(key);
  needs.set(next.key, own);
  if (next.key !== key)
    for (const [k, n] of needs)
      needs.set(
        k,
        n.map((x) => (x === key ? next.key : x)),
      );
  const tasks = def.tasks.map((t, j) => (j === i ? ({ ...next, needs: t.needs } as TaskDef) : t));
  return { ...def, tasks: withNeeds(tasks, needs) };
}

/** An undo/redo history of definition texts. `merge` replaces the present instead of adding a step (consecutive typing). */
export interface History {
  past: string[];
  present: string;
  future: string[];
}

/** The most steps kept: a long session of typing coalesces anyway, and each step is one definition's text. */
export const HISTORY_LIMIT = 200;

export const startHistory = (text: string): History => ({ past: [], present: text, future: [] });

export function record(h: History, text: string, merge = false): History {
  if (text === h.present) return h;
  if (merge) return { past: h.past, present: text, future: [] };
  return { past: [...h.past, h.present].slice(-HISTORY_LIMIT), present: text, future: [] };
}

export function undo(h: History): History {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past.at(-1)!, future: [h.present, ...h.future] };
}

export function redo(h: History): History {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0]!, future: h.future.slice(1) };
}
