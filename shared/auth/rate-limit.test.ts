import { describe, expect, it } from 'vitest';
import { RateLimitedError } from './errors';
import type { Principal } from '../domain/principal';
import { createMemoryRateLimiter } from './rate-limit';

const who = (id: string, orgId = 'org-1'): Principal => ({ orgId, actor: { type: 'apikey', id }, role: 'viewer' });

describe('memory rate limiter (sliding window)', () => {
  it('admits up to the limit per caller, then refuses with the time until the oldest request leaves the window', async () => {
    let now = 1_000_000;
    const rl = createMemoryRateLimiter({ limits: { windowSeconds: 10, perCaller: 2, perOrg: 0 }, now: () => now });
    await rl.check(who('a'));
    now += 4_000;
    await rl.check(who('a'));
    now += 1_000;
    const err = await rl.check(who('a')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBe(5);
    expect((err as RateLimitedError).scope).toBe('caller');
    await rl.check(who('b')); // another caller
    now += 5_001; // the first request leaves the window
    await rl.check(who('a'));
  });

  it('shares the organisation window between callers and ignores other organisations', async () => {
    const now = 0;
    const rl = createMemoryRateLimiter({ limits: { windowSeconds: 60, perCaller: 100, perOrg: 3 }, now: () => now });
    await rl.check(who('a'));
    await rl.check(who('b'));
    await rl.check(who('c'));
    await expect(rl.check(who('d'))).rejects.toMatchObject({ code: 'rate_limited', scope: 'org', retryAfterSeconds: 60 });
    await rl.check(who('a', 'org-2'));
  });

  it('is off when a limit is 0', async () => {
    const rl = createMemoryRateLimiter({ limits: { windowSeconds: 1, perCaller: 0, perOrg: 0 } });
    for (let i = 0; i < 100; i++) await rl.check(who('a'));
  });
});
