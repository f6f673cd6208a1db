/**
 * A workflow definition as a graph the canvas draws: one node per task, one edge per need. Pure
 * (no React, no layout library) so the workflow page, the run page and the editor share it and
 * unit tests cover it. It reads `needs` as the engine does (shared/engine/task-graph.ts): an
 * omitted `needs` is the task before it in the list, `[]` is "starts with the run".
 */
import type { WorkflowDefinition } from '../services/api';

export type TaskDef = WorkflowDefinition['tasks'][number];

/** How a task relates to its needs: a plain step, a failure handler (`runAfter: failure`) or a finally (`runAfter: always`). */
export type NodeRole = 'step' | 'handler' | 'finally';

/** The edge drawn from a need to the task that waits for it, by the task's `runAfter`. */
export type EdgeKind = 'success' | 'failure' | 'always';

/** What a node shows of its run, when the graph is drawn for a run. */
export interface NodeRunState {
  status: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  handled: boolean;
  chunks: { total: number; succeeded: number; failed: number; running: number } | null;
}

export interface GraphNode {
  key: string;
  /** Position in the definition's task list. */
  index: number;
  type: TaskDef['type'];
  /** What the task calls, in one line: `connector · operation`, the workflow it starts, or the generator and each. */
  calls: string;
  when: string | null;
  role: NodeRole;
  onError: 'fail' | 'continue';
  /** The resolved needs. */
  needs: string[];
  /** True when `needs` is omitted in the definition (the task before it). */
  implicitNeeds: boolean;
  run: NodeRunState | null;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  /** True when the need comes from the "task before it" rule, not from a written `needs`. */
  implicit: boolean;
}

export interface WorkflowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Needs naming no task of the definition, as `task → missing` (the server refuses them on save). */
  unknownNeeds: Array<{ task: string; need: string }>;
}

/** The keys each task needs, by position (`needs` omitted → the task before it; the first task → none). */
export function resolvedNeeds(tasks: ReadonlyArray<Pick<TaskDef, 'key' | 'needs'>>): string[][] {
  return tasks.map((t, i) => (t.needs ? [...t.needs] : i === 0 ? [] : [tasks[i - 1]!.key]));
}

/** One line naming what a task calls. */
export function callsOf(t: TaskDef): string {
  switch (t.type) {
    case 'atomic':
      return `${t.connector} · ${t.operation}`;
    case 'workflow':
      return `starts ${t.workflow}`;
    case 'chunked': {
      const each = 'workflow' in t.each ? t.each.workflow : `${t.each.connector} · ${t.each.operation}`;
      return `each record of ${t.generator.connector} · ${t.generator.operation} → ${each}`;
    }
    case 'wait':
      if (t.signal) return `waits for signal ${t.signal}`;
      if (t.event) return `waits for event ${t.event}`;
      if (t.until) return `waits until ${t.until}`;
      return `waits ${t.durationMs ?? 0} ms`;
    case 'approval':
      return `approval: ${t.title}`;
  }
}

function roleOf(t: TaskDef): NodeRole {
  return t.runAfter === 'failure' ? 'handler' : t.runAfter === 'always' ? 'finally' : 'step';
}

/** The graph of a definition's tasks. */
export function graphOf(tasks: readonly TaskDef[]): WorkflowGraph {
  const needs = resolvedNeeds(tasks);
  const keys = new Set(tasks.map((t) => t.key));
  const unknownNeeds: WorkflowGraph['unknownNeeds'] = [];
  const edges: GraphEdge[] = [];
  const nodes = tasks.map((t, i): GraphNode => {
    for (const n of needs[i]!) {
      if (!keys.has(n)) {
        unknownNeeds.push({ task: t.key, need: n });
        continue;
      }
      edges.push({ id: `${n}->${t.key}`, source: n, target: t.key, kind: t.runAfter ?? 'success', implicit: t.needs === undefined });
    }
    return {
      key: t.key,
      index: i,
      type: t.type,
      calls: callsOf(t),
      when: t.when ?? null,
      role: roleOf(t),
      onError: t.onError ?? 'fail',
      needs: needs[i]!,
      implicitNeeds: t.needs === undefined,
      run: null,
    };
  });
  return { nodes, edges, unknownNeeds };
}

/** A task of a run as the run API gives it (the fields the graph shows). */
export interface RunTaskLike {
  key: string;
  status: string;
  attempts: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  handled?: boolean;
  chunks?: NodeRunState['chunks'];
}

/**
 * The graph with each task's run state. `shown` maps a task to the status it is shown with (the
 * run page's "Not run" rule); tasks the run does not list keep `run: null`.
 */
export function withRunState(graph: WorkflowGraph, tasks: readonly RunTaskLike[], shown: (t: RunTaskLike) => string = (t) => t.status) {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const t = byKey.get(n.key);
      if (!t) return n;
      return {
        ...n,
        run: {
          status: shown(t),
          attempts: t.attempts,
          startedAt: t.startedAt ?? null,
          finishedAt: t.finishedAt ?? null,
          handled: t.handled ?? false,
          chunks: t.chunks ?? null,
        },
      };
    }),
  };
}

/** A sentence describing a node for assistive technology: key, type, what it calls, its condition and role. */
export function describeNode(n: GraphNode): string {
  const parts = [`Task ${n.key}`, n.type, n.calls];
  if (n.needs.length) parts.push(`after ${n.needs.join(', ')}`);
  else parts.push('starts with the run');
  if (n.role === 'handler') parts.push('runs when a need failed');
  if (n.role === 'finally') parts.push('runs always');
  if (n.when) parts.push(`only when ${n.when}`);
  if (n.onError === 'continue') parts.push('continues on error');
  if (n.run) parts.push(`status ${n.run.status}`);
  return parts.join(', ');
}

/**
 * The graph of a run from its tasks alone (resolved needs, type, runAfter), for when the run's
 * definition cannot be read: what each task calls and its condition are then unknown.
 */
export function graphOfRunTasks(
  tasks: ReadonlyArray<
    RunTaskLike & { type: TaskDef['type']; needs?: string[]; runAfter?: TaskDef['runAfter']; onError?: TaskDef['onError'] }
  >,
): WorkflowGraph {
  const defs = tasks.map(
    (t, i) =>
      ({
        key: t.key,
        type: 'atomic',
        connector: '',
        operation: '',
        needs: t.needs ?? (i === 0 ? [] : [tasks[i - 1]!.key]),
        ...(t.runAfter ? { runAfter: t.runAfter } : {}),
        ...(t.onError ? { onError: t.onError } : {}),
      }) as TaskDef,
  );
  const g = graphOf(defs);
  return {
    ...g,
    nodes: g.nodes.map((n, i) => ({ ...n, type: tasks[i]!.type, calls: tasks[i]!.type, implicitNeeds: tasks[i]!.needs === undefined })),
  };
}
