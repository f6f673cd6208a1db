import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TaskFailedError } from '../domain/errors';
import { NO_RETRY, isRetryable, retryDelayMs, shouldRetry } from './retry-policy';

describe('retry policy', () => {
  it('grows exponentially up to the cap, with equal jitter', () => {
    const p = { maxAttempts: 10, backoff: 'exponential' as const, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(p, n, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(p, n, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });

  it('keeps a fixed delay fixed', () => {
    const p = { maxAttempts: 3, backoff: 'fixed' as const, initialDelayMs: 300, maxDelayMs: 10_000 };
    expect([1, 2, 7].map((n) => retryDelayMs(p, n, () => 1))).toEqual([300, 300, 300]);
  });

  it('always lies between half the capped delay and the capped delay', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxAttempts: fc.integer({ min: 1, max: 100 }),
          backoff: fc.constantFrom('fixed' as const, 'exponential' as const),
          initialDelayMs: fc.integer({ min: 0, max: 3_600_000 }),
          maxDelayMs: fc.integer({ min: 0, max: 86_400_000 }),
        }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, n, r) => {
          const d = retryDelayMs(p, n, () => r);
          const cap = Math.min(p.backoff === 'fixed' ? p.initialDelayMs : p.initialDelayMs * 2 ** Math.min(n - 1, 40), p.maxDelayMs);
          return Number.isFinite(d) && d >= Math.floor(cap / 2) && d <= Math.ceil(cap);
        },
      ),
    );
  });

  it('stops at maxAttempts and never retries non-retryable errors', () => {
    const p = { maxAttempts: 3, backoff: 'fixed' as const, initialDelayMs: 0, maxDelayMs: 0 };
    const transient = new TaskFailedError('x', 'transient');
    const fatal = new TaskFailedError('y', 'fatal', { retryable: false });
    expect([1, 2, 3].map((n) => shouldRetry(p, n, transient))).toEqual([true, true, false]);
    expect(shouldRetry(p, 1, fatal)).toBe(false);
    expect(shouldRetry(NO_RETRY, 1, transient)).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('marked'), { retryable: false }))).toBe(false);
  });
});
