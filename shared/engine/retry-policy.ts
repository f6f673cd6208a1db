/**
 * Task retry policy: whether a failed attempt is tried again, and after how long. Equal jitter
 * (half the delay fixed, half random) keeps a guaranteed minimum pause while spreading the
 * retries of many runs that failed together, so a recovering dependency is not hit in lock-step.
 */
import { DemitonError } from '../domain/errors';
import type { RetryPolicy } from '../domain/workflow-definition';

/** The policy of a task without one: a single attempt. */
export const NO_RETRY: RetryPolicy = { maxAttempts: 1, backoff: 'fixed', initialDelayMs: 0, maxDelayMs: 0 };

/** True when `err` may succeed on another attempt: anything not marked non-retryable. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof DemitonError) return err.retryable;
  if (err && typeof err === 'object' && (err as { retryable?: unknown }).retryable === false) return false;
  return true;
}

/** Delay before attempt `failedAttempts + 1`, given `failedAttempts` (≥ 1) failures so far. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const n = Math.max(1, failedAttempts);
  const base = policy.backoff === 'fixed' ? policy.initialDelayMs : policy.initialDelayMs * 2 ** Math.min(n - 1, 40);
  const capped = Math.min(base, policy.maxDelayMs);
  const half = capped / 2;
  return Math.round(half + random() * half);
}

/** Whether to try again after `failedAttempts` failures ending with `err`. */
export function shouldRetry(policy: RetryPolicy, failedAttempts: number, err: unknown): boolean {
  return failedAttempts < policy.maxAttempts && isRetryable(err);
}
