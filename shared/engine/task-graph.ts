/**
 * The task graph of a definition and its trigger rules, shared by the save-time checks, the
 * engine and the run view, so the three can never disagree on what a definition means.
 *
 * `needs` omitted means the task before it in the list, so a definition without any graph field
 * is the chain it always was. A task is decided once every one of its needs has ended (or can
 * never run), from what its needs became:
 *
 * | runAfter | runs when | skipped when | never runs (stays PENDING) when |
 * |---|---|---|---|
 * | success (default) | no need failed or blocked, and at least one succeeded (or no needs) | every need was skipped | a need failed (unhandled kind) or is blocked |
 * | failure | at least one need failed | no need failed or blocked | no need failed and one is blocked |
 * | always | always | never | never |
 *
 * "Failed" means FAILED with `onError: fail`; a task with `onError: continue` that failed counts
 * as succeeded for the tasks after it. A task that runs is then subject to its `when`.
 */
import type { TaskDefinition, WorkflowDefinition } from '../domain/workflow-definition';

/** What a task became, as its dependents see it. `blocked`: it can never run (an upstream failure left it PENDING). */
export type NeedOutcome = 'succeeded' | 'failed' | 'skipped' | 'blocked';

/** The decision for a task whose needs have all ended. */
export type TriggerDecision = 'run' | 'skip' | 'block';

/** The keys each task needs, by position (`needs` omitted → the task before it). */
export function resolveNeeds(tasks: ReadonlyArray<Pick<TaskDefinition, 'key' | 'needs'>>): string[][] {
  return tasks.map((t, i) => (t.needs ? [...t.needs] : i === 0 ? [] : [tasks[i - 1]!.key]));
}

// Definitions are immutable and cached by the executor, so each is classified once.
const chains = new WeakMap<object, boolean>();

/** True when the definition is a plain chain: every task runs after the one before it, unconditionally. */
export function isChain(def: Pick<WorkflowDefinition, 'tasks'>): boolean {
  let known = chains.get(def);
  if (known === undefined) chains.set(def, (known = classify(def)));
  return known;
}

function classify(def: Pick<WorkflowDefinition, 'tasks'>): boolean {
  return def.tasks.every((t, i) => {
    const needs = t.needs ?? (i === 0 ? [] : [def.tasks[i - 1]!.key]);
    const chained = i === 0 ? needs.length === 0 : needs.length === 1 && needs[0] === def.tasks[i - 1]!.key;
    return chained && t.when === undefined && (t.runAfter ?? 'success') === 'success' && (t.onError ?? 'fail') === 'fail';
  });
}

/** The trigger rule: whether a task whose needs all ended runs, is skipped, or can never run. */
export function decide(runAfter: TaskDefinition['runAfter'], needs: readonly NeedOutcome[]): TriggerDecision {
  const failed = needs.includes('failed');
  const blocked = needs.includes('blocked');
  switch (runAfter ?? 'success') {
    case 'always':
      return 'run';
    case 'failure':
      return failed ? 'run' : blocked ? 'block' : 'skip';
    case 'success':
      if (failed || blocked) return 'block';
      if (needs.length > 0 && needs.every((n) => n === 'skipped')) return 'skip';
      return 'run';
  }
}

/**
 * Whether the failure of task `i` is handled: it continues on error, or a `runAfter: failure`
 * task that needs it succeeded. `status` gives each task's status by key.
 */
export function isHandled(
  tasks: readonly TaskDefinition[],
  needs: readonly string[][],
  i: number,
  status: (key: string) => string | undefined,
): boolean {
  const t = tasks[i]!;
  if (t.onError === 'continue') return true;
  return tasks.some((h, j) => h.runAfter === 'failure' && needs[j]!.includes(t.key) && status(h.key) === 'SUCCEEDED');
}

/** For each task (by position), the set of keys it transitively needs. Tasks on a cycle get what was found before the cycle. */
export function ancestors(tasks: ReadonlyArray<Pick<TaskDefinition, 'key'>>, needs: readonly string[][]): Array<Set<string>> {
  const index = new Map(tasks.map((t, i) => [t.key, i]));
  const memo: Array<Set<string> | undefined> = [];
  const visiting = new Set<number>();
  const visit = (i: number): Set<string> => {
    const known = memo[i];
    if (known) return known;
    const out = new Set<string>();
    if (visiting.has(i)) return out;
    visiting.add(i);
    for (const k of needs[i]!) {
      const j = index.get(k);
      if (j === undefined) continue;
      out.add(k);
      for (const a of visit(j)) out.add(a);
    }
    visiting.delete(i);
    memo[i] = out;
    return out;
  };
  return tasks.map((_, i) => visit(i));
}

/**
 * The cycles of the graph, each as the list of task positions on it (first at its lowest
 * position), and the positions that cannot be reached from the start because they need a task on
 * a cycle.
 */
export function cyclesAndUnreachable(
  tasks: ReadonlyArray<Pick<TaskDefinition, 'key'>>,
  needs: readonly string[][],
): { cycles: number[][]; unreachable: number[] } {
  const index = new Map(tasks.map((t, i) => [t.key, i]));
  const edges = needs.map((ks) => ks.map((k) => index.get(k)).filter((j): j is number => j !== undefined));
  // Reachable from the start: Kahn's order over the needs edges.
  const remaining = edges.map((e) => e.length);
  const dependents: number[][] = tasks.map(() => []);
  edges.forEach((e, i) => e.forEach((j) => dependents[j]!.push(i)));
  const queue = remaining.flatMap((n, i) => (n === 0 ? [i] : []));
  const reached = new Set<number>();
  while (queue.length) {
    const i = queue.shift()!;
    reached.add(i);
    for (const d of dependents[i]!) if (--remaining[d]! === 0) queue.push(d);
  }
  // Cycles among the rest: a task is on a cycle when it reaches itself.
  const cycles: number[][] = [];
  const onCycle = new Set<number>();
  for (let s = 0; s < tasks.length; s++) {
    if (reached.has(s) || onCycle.has(s)) continue;
    // Depth-first search for a path back to s, recording it.
    const path: number[] = [];
    const seen = new Set<number>();
    const find = (i: number): boolean => {
      for (const j of edges[i]!) {
        if (j === s) return true;
        if (seen.has(j) || reached.has(j)) continue;
        seen.add(j);
        path.push(j);
        if (find(j)) return true;
        path.pop();
      }
      return false;
    };
    if (find(s)) {
      const cycle = [s, ...path];
      cycle.forEach((i) => onCycle.add(i));
      cycles.push(cycle);
    }
  }
  const unreachable = tasks.flatMap((_, i) => (!reached.has(i) && !onCycle.has(i) ? [i] : []));
  return { cycles, unreachable };
}
