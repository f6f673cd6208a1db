/**
 * One operation call under a task's policies: each attempt gets an AbortSignal that fires on the
 * run's abort (cancellation, lost lease) and on the attempt's `timeoutMs`; failed attempts are
 * retried per the retry policy unless the error is non-retryable. The call is raced against its
 * signal, so an operation that ignores the signal still cannot hold the run past its timeout or
 * its cancellation.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { TaskFailedError } from '../domain/errors';
import type { RetryPolicy } from '../domain/workflow-definition';
import { setDeadline } from '../adapters/deadline';
import { linkedAbort } from './linked-abort';
import { NO_RETRY, retryDelayMs, shouldRetry } from './retry-policy';

/** An attempt ran past the task's `timeoutMs`; retryable like any transient failure. */
export class TaskTimeoutError extends TaskFailedError {
  constructor(readonly timeoutMs: number) {
    super('task_timeout', `The attempt timed out after ${timeoutMs} ms.`, { retryable: true });
  }
}

export interface AttemptOptions {
  /** The run's signal: when it fires, the call stops and its reason is thrown. */
  signal: AbortSignal;
  timeoutMs?: number | undefined;
  retry?: RetryPolicy | undefined;
  /** Called after failed attempt `failed` before waiting `delayMs` (records the attempt; may throw to stop). */
  onRetry?: (err: unknown, failed: number, delayMs: number) => Promise<void>;
}

/** Rejects with the signal's reason as soon as it fires; the loser's later rejection is swallowed. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Runs `fn` with a signal that also fires after `timeoutMs`; a timeout surfaces as `TaskTimeoutError`. */
export async function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
  timeoutMs: number | undefined,
): Promise<T> {
  if (!timeoutMs)
    return raceAbort(
      Promise.resolve().then(() => fn(signal)),
      signal,
    );
  // Not AbortSignal.any: that would leave an entry on the run's signal per attempt (linked-abort.ts).
  const attempt = linkedAbort(signal);
  setDeadline(attempt.signal, Date.now() + timeoutMs);
  let timedOut: TaskTimeoutError | null = null;
  const timer = setTimeout(() => attempt.abort((timedOut = new TaskTimeoutError(timeoutMs))), timeoutMs);
  try {
    return await raceAbort(
      Promise.resolve().then(() => fn(attempt.signal)),
      attempt.signal,
    );
  } catch (err) {
    if (timedOut && !signal.aborted) throw timedOut;
    throw err;
  } finally {
    clearTimeout(timer);
    attempt.unlink();
  }
}

/** Calls `fn` under the policies; resolves to its value and the number of failed attempts before it. */
export async function attemptOperation<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  o: AttemptOptions,
): Promise<{ value: T; retries: number }> {
  const policy = o.retry ?? NO_RETRY;
  let failed = 0;
  for (;;) {
    if (o.signal.aborted) throw o.signal.reason;
    try {
      return { value: await withTimeout(fn, o.signal, o.timeoutMs), retries: failed };
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason;
      failed++;
      if (!shouldRetry(policy, failed, err))
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { failedAttempts: failed });
      const wait = retryDelayMs(policy, failed);
      await o.onRetry?.(err, failed, wait);
      try {
        await delay(wait, undefined, { signal: o.signal });
      } catch {
        throw o.signal.reason;
      }
    }
  }
}
