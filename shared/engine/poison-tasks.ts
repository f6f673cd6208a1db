/**
 * Poison tasks: a task whose attempts keep dying with their worker process (out of memory, a
 * native crash, an operation that exits the process) would otherwise be resumed forever, since an
 * interrupted attempt is not a failed one and never counts against `retry.maxAttempts`. The claim
 * of a run left by a dead worker counts one interrupted attempt on each task it finds RUNNING
 * (store/task-transitions.ts `COUNT_INTERRUPTED`); once a task's count reaches the limit
 * (WORKER_MAX_CRASHES, default 3) it fails with `worker_crashed` instead of starting again, and
 * that failure is handled like any other (onError, continue, the run's onFailure).
 */
import { TaskFailedError } from '../domain/errors';
import type { ClaimedRun } from '../store/runs';

/** Attempts a task may lose to worker crashes before it fails with `worker_crashed` (docs/reliability.md). */
export const DEFAULT_MAX_WORKER_CRASHES = 3;

/** The task's attempts kept dying with the worker process; never retried. */
export class WorkerCrashedError extends TaskFailedError {
  constructor(
    readonly taskKey: string,
    readonly interrupted: number,
  ) {
    super(
      'worker_crashed',
      `Task '${taskKey}' was interrupted ${interrupted} times by the death of the worker running it; it is not started again.`,
      { retryable: false },
    );
  }
}

/** Attempts of a task cut off by worker crashes, this claim's included. */
export function interruptedAttempts(run: ClaimedRun, taskRunId: string): number {
  const state = run.tasks.find((t) => t.id === taskRunId);
  if (!state) return 0;
  return (state.interrupted ?? 0) + (run.crashed && state.status === 'RUNNING' ? 1 : 0);
}

/** Throws `WorkerCrashedError` when the task has lost `limit` attempts or more to worker crashes. */
export function refusePoisonTask(run: ClaimedRun, taskRunId: string, taskKey: string, limit: number): void {
  const interrupted = interruptedAttempts(run, taskRunId);
  if (interrupted >= limit) throw new WorkerCrashedError(taskKey, interrupted);
}
