/**
 * What a rerun with options does to a run's tasks, decided before anything is written: which
 * task rows keep their outputs, which run again under the same TaskRun id (the same idempotency
 * key), which run again under a new id (a new key), which are new and which are removed.
 *
 * The rule, in docs/reliability.md ("Replay after a fix"):
 * - A task is kept when it SUCCEEDED or was SKIPPED, its definition is the same in the version
 *   the rerun uses, the input was not edited, and no task it (transitively) needs runs again.
 * - With `fromTask`, that task and every task that transitively needs it run again; the tasks it
 *   transitively needs are kept as they are (their outputs come from the old attempt), so each
 *   must have SUCCEEDED or been SKIPPED.
 * - A task that runs again gets a new key when the input was edited, when its own definition
 *   changed, or when a task it transitively needs changed and runs again; otherwise it keeps its
 *   key, so an adapter that deduplicates on the key delivers the effect once.
 */
import { ConflictError, ValidationError } from '../domain/errors';
import type { TaskDefinition } from '../domain/workflow-definition';
import { ancestors, resolveNeeds } from './task-graph';

/** A task row of the run as the last attempt left it. */
export interface OldTaskRow {
  id: string;
  key: string;
  status: string;
}

export interface RetryChoice {
  /** True when the rerun uses another version than the run's. */
  versionChanged: boolean;
  inputEdited: boolean;
  fromTask?: string | undefined;
}

export type TaskAction = 'keep' | 'rerun' | 'renew' | 'insert';

export interface PlannedTask {
  key: string;
  position: number;
  type: TaskDefinition['type'];
  action: TaskAction;
  /** The existing row (absent for `insert`). */
  rowId?: string;
}

export interface RetryPlan {
  tasks: PlannedTask[];
  /** Rows of tasks the version no longer has. */
  removed: OldTaskRow[];
  /** Keys of the tasks that run again under a new TaskRun id. */
  renewed: string[];
}

const KEPT = new Set(['SUCCEEDED', 'SKIPPED']);

/** JSON with object keys sorted, so two definitions compare equal whatever order they were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Plans a rerun of a run whose rows are `rows` (from `oldTasks`) onto `newTasks`. */
export function planRetry(
  rows: readonly OldTaskRow[],
  oldTasks: readonly TaskDefinition[],
  newTasks: readonly TaskDefinition[],
  choice: RetryChoice,
): RetryPlan {
  const rowByKey = new Map(rows.map((r) => [r.key, r]));
  const oldByKey = new Map(oldTasks.map((t) => [t.key, t]));
  const needs = resolveNeeds(newTasks);
  const anc = ancestors(newTasks, needs);
  const changed = newTasks.map((t) => {
    const old = oldByKey.get(t.key);
    return !old || !rowByKey.has(t.key) || (choice.versionChanged && canonical(old) !== canonical(t));
  });

  let from = -1;
  if (choice.fromTask !== undefined) {
    from = newTasks.findIndex((t) => t.key === choice.fromTask);
    if (from < 0)
      throw new ValidationError(
        `Task '${choice.fromTask}' is not in the version the rerun uses.`,
        [{ path: 'fromTask', message: `no task '${choice.fromTask}' in the workflow version` }],
        'unknown_from_task',
      );
    const missing = [...anc[from]!].filter((k) => !KEPT.has(rowByKey.get(k)?.status ?? ''));
    if (missing.length > 0)
      throw new ConflictError(
        'from_task_needs_unavailable',
        `Task '${choice.fromTask}' needs ${missing.map((k) => `'${k}'`).join(', ')}, which did not succeed in the last attempt: rerun without fromTask, or from an earlier task.`,
      );
  }
  const keptUpstream = from >= 0 ? anc[from]! : new Set<string>();
  const forced = new Set(newTasks.flatMap((t, i) => (i === from || (from >= 0 && anc[i]!.has(newTasks[from]!.key)) ? [t.key] : [])));

  // A task runs again on its own account (not kept), before the runs-again of its needs spread down.
  const own = newTasks.map((t, i) => {
    if (keptUpstream.has(t.key)) return false;
    if (forced.has(t.key)) return true;
    return changed[i]! || choice.inputEdited || !KEPT.has(rowByKey.get(t.key)!.status);
  });
  const ownKeys = new Set(newTasks.flatMap((t, i) => (own[i] ? [t.key] : [])));
  const changedKeys = new Set(newTasks.flatMap((t, i) => (changed[i] && own[i] ? [t.key] : [])));
  const runsAgain = newTasks.map((t, i) => !keptUpstream.has(t.key) && (own[i]! || [...anc[i]!].some((k) => ownKeys.has(k))));
  const renew = newTasks.map(
    (t, i) => runsAgain[i]! && (choice.inputEdited || changed[i]! || [...anc[i]!].some((k) => changedKeys.has(k))),
  );

  const tasks: PlannedTask[] = newTasks.map((t, i) => {
    const row = rowByKey.get(t.key);
    const action: TaskAction = !row ? 'insert' : !runsAgain[i] ? 'keep' : renew[i] ? 'renew' : 'rerun';
    return { key: t.key, position: i, type: t.type, action, ...(row ? { rowId: row.id } : {}) };
  });
  const newKeys = new Set(newTasks.map((t) => t.key));
  return {
    tasks,
    removed: rows.filter((r) => !newKeys.has(r.key)),
    renewed: tasks.filter((t) => t.action === 'renew').map((t) => t.key),
  };
}
