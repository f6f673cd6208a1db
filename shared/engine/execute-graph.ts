/**
 * Executes the tasks of a claimed run whose definition is a graph (any `needs`, `when`,
 * `runAfter` or `onError`): tasks whose needs are met run at the same time, at most `maxParallel`.
 * A plain chain never comes here; execute-run.ts runs it with its one-statement-per-task path.
 *
 * One loop owns the run's state and all its writes. It waits for any running task to end, then
 * decides every task that became decidable (task-graph.ts: run, skip, or never run), and writes
 * the ends, skips and starts in one statement (task-transitions.ts `advanceTasks`, or the narrower
 * statements when they fit), and only then starts the tasks it started in the database. Ends that
 * arrive while a write is in flight go into the next one. The last write of a run is left in
 * `tail` when it is a single task end, so it goes out with the run end as in a chain.
 *
 * Resuming: tasks SUCCEEDED, SKIPPED or FAILED keep their state (their outputs and errors feed the
 * tasks after them); tasks PENDING or RUNNING are decided again and run when ready. The task the
 * claim started, if it cannot run now, is released or skipped in the first write.
 */
import { TaskFailedError, toStoredError, type StoredError } from '../domain/errors';
import { evaluate } from '../domain/expressions';
import { DEFAULT_MAX_PARALLEL, type TaskDefinition, type WorkflowDefinition } from '../domain/workflow-definition';
import type { Logger } from '../logger';
import type { ClaimedRun, TaskEnd, TaskState } from '../store/runs';
import { advanceTasks, canTransition, finishTaskStartNext, startTask, type TaskEndWrite, type TaskStatus } from '../store/task-transitions';
import type { Db } from '../db/db';
import { LeaseLostError } from './lease';
import { linkedAbort } from './linked-abort';
import { decide, isHandled, resolveNeeds, type NeedOutcome } from './task-graph';
import { WaitPending } from './waits';

/** What a failed task shows the tasks after it, as `steps.<key>.error`. */
export interface StepError {
  code: string;
  message: string;
  attempts: number;
}

export interface GraphRunArgs {
  db: Db;
  run: ClaimedRun;
  definition: WorkflowDefinition;
  owner: string;
  signal: AbortSignal;
  log: Logger;
  /** The mapping context; `steps` is filled as tasks end. */
  context: { input: unknown; steps: Record<string, unknown>; run: { id: string } };
  /** Runs one task (the caller's policies, adapters, children). */
  runTask(task: TaskDefinition, taskRunId: string, signal: AbortSignal): Promise<unknown>;
  /** Errors after which the run must be given up (lease lost, cancelled, database gone). */
  mustAbandon(err: unknown, signal: AbortSignal): boolean;
}

export interface GraphResult {
  status: 'SUCCEEDED' | 'FAILED';
  /** The last task (in list order) that succeeded: its output, for runs without an output mapping. */
  lastOutput: unknown;
  error: StoredError | null;
  /** The first unhandled failure's task key (for `onFailure`). */
  failedTask: string | null;
  /** A single task end not yet written: it goes out with the run end. */
  tail: TaskEnd | null;
  /** Tasks that wait (the run is to be let go; nothing that can run without them is left). */
  waiting: WaitPending[];
}

type Finished =
  | { i: number; ok: true; output: unknown }
  | { i: number; ok: false; error: StoredError; attempts: number }
  | { i: number; abandon: unknown }
  | { i: number; wait: WaitPending };

function stepError(error: StoredError, attempts: number): { error: StepError } {
  return { error: { code: error.code, message: error.message, attempts } };
}

/** Runs the graph to its end; throws (after every task in flight settled) when the run must be given up. */
export async function executeGraph(a: GraphRunArgs): Promise<GraphResult> {
  const { run, definition, owner, db } = a;
  const tasks = definition.tasks;
  const n = tasks.length;
  // The claim's task rows are read in the claim's own snapshot, before its start: mark that start.
  const rows: TaskState[] = [...run.tasks]
    .sort((x, y) => x.position - y.position)
    .map((r) => (r.id === run.startedTaskId ? { ...r, status: 'RUNNING' } : r.status === 'WAITING' ? { ...r, status: 'PENDING' } : r));
  const needs = resolveNeeds(tasks);
  const index = new Map(tasks.map((t, i) => [t.key, i]));
  const needIdx = needs.map((ks) => ks.map((k) => index.get(k)!));
  const maxParallel = definition.maxParallel ?? DEFAULT_MAX_PARALLEL;
  const steps = a.context.steps;

  // In memory: each task's status as the run sees it, and tasks that can never run this attempt.
  const status: TaskStatus[] = rows.map((r) => r.status);
  const errors: Array<StoredError | null> = rows.map((r) => r.error ?? null);
  const blocked: boolean[] = rows.map(() => false);
  // The claimed task whose start the claim already wrote (launched without a start write).
  let claimedRun = -1;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r.status === 'SUCCEEDED') steps[tasks[i]!.key] = r.output;
    if (r.status === 'FAILED')
      steps[tasks[i]!.key] =
        tasks[i]!.onError === 'continue' && r.output
          ? r.output
          : stepError(r.error ?? { code: 'failed', message: 'failed', retryable: false }, r.attempts);
  }
  let claimed = rows.findIndex((r) => r.id === run.startedTaskId);

  const local = linkedAbort(a.signal);
  const inflight = new Map<number, Promise<void>>();
  const queued: number[] = []; // decided to run, waiting for room (position order)
  const isQueued = new Set<number>();
  const finished: Finished[] = [];
  let wake: (() => void) | null = null;
  let fatal: unknown = null;
  let tail: TaskEnd | null = null;

  const outcome = (j: number): NeedOutcome | null => {
    switch (status[j]) {
      case 'SUCCEEDED':
        return 'succeeded';
      case 'SKIPPED':
        return 'skipped';
      case 'FAILED':
        return tasks[j]!.onError === 'continue' ? 'succeeded' : 'failed';
      case 'CANCELLED':
        return 'blocked';
      default:
        return blocked[j] ? 'blocked' : null;
    }
  };

  const launch = (i: number, whenError: unknown) => {
    const task = tasks[i]!;
    const p = (async () => {
      try {
        if (whenError) throw whenError;
        const output = await a.runTask(task, rows[i]!.id, local.signal);
        finished.push({ i, ok: true, output });
      } catch (err) {
        if (err instanceof WaitPending) finished.push({ i, wait: err });
        else if (local.signal.aborted || a.mustAbandon(err, a.signal)) finished.push({ i, abandon: err });
        else {
          const error = toStoredError(err, task.key);
          a.log.info({ taskKey: task.key, code: error.code }, 'task failed');
          finished.push({ i, ok: false, error, attempts: (err as { failedAttempts?: number }).failedAttempts ?? 1 });
        }
      } finally {
        inflight.delete(i);
        wake?.();
      }
    })();
    inflight.set(i, p);
  };

  const giveUp = async (err: unknown): Promise<never> => {
    fatal ??= err;
    local.abort(fatal);
    await Promise.allSettled([...inflight.values()]);
    local.unlink();
    throw a.signal.aborted ? a.signal.reason : fatal;
  };

  const whenErrors = new Map<number, unknown>();
  const waiting: WaitPending[] = [];
  try {
    for (;;) {
      const ended: TaskEndWrite[] = [];
      const skipped: string[] = [];
      const released: string[] = [];
      const started: number[] = [];

      for (const f of finished.splice(0)) {
        if ('abandon' in f) {
          fatal ??= f.abandon;
          continue;
        }
        if ('wait' in f) {
          // Its dependents stay undecided until a later claim, when the wait has ended.
          status[f.i] = 'WAITING';
          waiting.push(f.wait);
          continue;
        }
        const task = tasks[f.i]!;
        if (f.ok) {
          status[f.i] = 'SUCCEEDED';
          steps[task.key] = f.output;
          ended.push({ id: rows[f.i]!.id, status: 'SUCCEEDED', output: f.output, error: null });
        } else {
          status[f.i] = 'FAILED';
          errors[f.i] = f.error;
          const shown = stepError(f.error, f.attempts);
          steps[task.key] = shown;
          ended.push({ id: rows[f.i]!.id, status: 'FAILED', output: task.onError === 'continue' ? shown : null, error: f.error });
        }
      }
      if (fatal) return await giveUp(fatal);
      if (a.signal.aborted) return await giveUp(a.signal.reason);

      // Decide every task whose needs have all ended, until nothing changes (a skip may decide more).
      for (let changed = true; changed;) {
        changed = false;
        for (let i = 0; i < n; i++) {
          if ((status[i] !== 'PENDING' && status[i] !== 'RUNNING') || blocked[i] || inflight.has(i) || isQueued.has(i)) continue;
          const outs = needIdx[i]!.map(outcome);
          if (outs.some((o) => o === null)) continue;
          let d = decide(tasks[i]!.runAfter, outs as NeedOutcome[]);
          if (d === 'run' && tasks[i]!.when !== undefined) {
            try {
              if (!(await evaluate(`$boolean((${tasks[i]!.when}))`, a.context, tasks[i]!.key))) d = 'skip';
            } catch (err) {
              // The task starts and fails with the expression's error, as a mapping error would.
              whenErrors.set(i, err);
            }
          }
          changed = true;
          if (d === 'block') {
            blocked[i] = true;
            if (status[i] === 'RUNNING') released.push(rows[i]!.id);
          } else if (d === 'skip') {
            if (!canTransition(status[i]!, 'SKIPPED'))
              throw new Error(`task ${tasks[i]!.key}: ${status[i]} → SKIPPED is not a task transition`);
            status[i] = 'SKIPPED';
            skipped.push(rows[i]!.id);
          } else {
            queued.push(i);
            isQueued.add(i);
          }
        }
      }
      queued.sort((x, y) => x - y);
      // The claim's start stands only if its task runs now; else it is taken back (or skipped above).
      if (claimed >= 0) {
        const c = claimed;
        claimed = -1;
        if (status[c] === 'RUNNING' && !isQueued.has(c) && !blocked[c]) {
          status[c] = 'PENDING';
          released.push(rows[c]!.id);
        } else if (isQueued.has(c)) {
          queued.splice(queued.indexOf(c), 1);
          isQueued.delete(c);
          started.push(c);
          claimedRun = c;
        }
      }
      while (queued.length && inflight.size + started.length < maxParallel) {
        const i = queued.shift()!;
        isQueued.delete(i);
        started.push(i);
      }
      const toStart = started.filter((i) => i !== claimedRun).map((i) => rows[i]!.id);

      const nothingLeft = inflight.size === 0 && started.length === 0 && queued.length === 0;
      if (nothingLeft && ended.length === 1 && !skipped.length && !released.length && !waiting.length) {
        tail = ended[0]!;
      } else if (ended.length === 1 && ended[0]!.status === 'SUCCEEDED' && toStart.length === 1 && !skipped.length && !released.length) {
        if ((await finishTaskStartNext(db, run.orgId, run.id, ended[0]!.id, toStart[0]!, owner, ended[0]!.output)) === null)
          return await giveUp(new LeaseLostError(run.id));
      } else if (!ended.length && !skipped.length && !released.length && toStart.length === 1) {
        if ((await startTask(db, run.orgId, toStart[0]!, owner)) === null) return await giveUp(new LeaseLostError(run.id));
      } else if (ended.length || skipped.length || released.length || toStart.length) {
        if (!(await advanceTasks(db, run.orgId, run.id, owner, { ended, skipped, released, started: toStart })))
          return await giveUp(new LeaseLostError(run.id));
      }
      for (const i of started) {
        status[i] = 'RUNNING';
        launch(i, whenErrors.get(i));
      }
      claimedRun = -1;
      if (nothingLeft) break;
      if (!finished.length) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } catch (err) {
    if (inflight.size) return await giveUp(err);
    throw err;
  } finally {
    local.unlink();
  }

  if (waiting.length) return { status: 'SUCCEEDED', lastOutput: null, error: null, failedTask: null, tail: null, waiting };
  // Every task that can run has ended: the run failed if a failure is left unhandled.
  const statusOf = (key: string) => status[index.get(key)!];
  const unhandled = tasks.findIndex((_, i) => status[i] === 'FAILED' && !isHandled(tasks, needs, i, statusOf));
  let lastOutput: unknown = null;
  for (let i = n - 1; i >= 0; i--) {
    if (status[i] === 'SUCCEEDED') {
      lastOutput = steps[tasks[i]!.key];
      break;
    }
  }
  if (unhandled >= 0) {
    const error = errors[unhandled] ?? {
      code: 'task_failed',
      message: `Task ${tasks[unhandled]!.key} failed.`,
      retryable: false,
      taskKey: tasks[unhandled]!.key,
    };
    return { status: 'FAILED', lastOutput: null, error, failedTask: tasks[unhandled]!.key, tail, waiting };
  }
  return { status: 'SUCCEEDED', lastOutput, error: null, failedTask: null, tail, waiting };
}

/** Thrown when a graph run's definition and its task rows disagree. */
export function definitionMismatch(key: string): TaskFailedError {
  return new TaskFailedError('definition_mismatch', `Task ${key} is not in the run's workflow version.`, { retryable: false });
}
