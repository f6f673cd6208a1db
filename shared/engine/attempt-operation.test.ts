import { describe, expect, it } from 'vitest';
import { TaskFailedError } from '../domain/errors';
import { TaskTimeoutError, attemptOperation, withTimeout } from './attempt-operation';

const never = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by signal'))));

describe('attemptOperation', () => {
  it('aborts an attempt at its timeout, even one that ignores its signal', async () => {
    const seen: AbortSignal[] = [];
    const err = (await withTimeout((s) => (seen.push(s), new Promise(() => undefined)), new AbortController().signal, 20).catch(
      (e: unknown) => e,
    )) as TaskTimeoutError;
    expect(err).toBeInstanceOf(TaskTimeoutError);
    expect(err.code).toBe('task_timeout');
    expect(seen[0]!.aborted).toBe(true);
  });

  it('throws the run signal reason (cancellation, lost lease) rather than a timeout or the operation error', async () => {
    const run = new AbortController();
    const p = attemptOperation(never, {
      signal: run.signal,
      timeoutMs: 60_000,
      retry: { maxAttempts: 5, backoff: 'fixed', initialDelayMs: 1, maxDelayMs: 1 },
    });
    const reason = new Error('run cancelled');
    run.abort(reason);
    await expect(p).rejects.toBe(reason);
  });

  it('retries retryable failures, reports each one, and returns how many it took', async () => {
    let calls = 0;
    const retried: number[] = [];
    const r = await attemptOperation(
      async () => {
        calls++;
        if (calls < 3) throw new TaskFailedError('flaky', `try ${calls}`);
        return 'ok';
      },
      {
        signal: new AbortController().signal,
        retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1, maxDelayMs: 2 },
        onRetry: async (_e, failed) => void retried.push(failed),
      },
    );
    expect(r).toEqual({ value: 'ok', retries: 2 });
    expect(retried).toEqual([1, 2]);
  });

  it('stops at once on a non-retryable error and says how many attempts failed', async () => {
    let calls = 0;
    const err = (await attemptOperation(
      async () => {
        calls++;
        throw new TaskFailedError('fatal', 'no', { retryable: false });
      },
      { signal: new AbortController().signal, retry: { maxAttempts: 5, backoff: 'fixed', initialDelayMs: 1, maxDelayMs: 1 } },
    ).catch((e: unknown) => e)) as TaskFailedError & { failedAttempts: number };
    expect(calls).toBe(1);
    expect(err.code).toBe('fatal');
    expect(err.failedAttempts).toBe(1);
  });
});
