/**
 * The streaming gate on real Redis: per-user and per-organisation limits, release, and recovery of
 * slots held by a process that died (its Redis connection dropped, so it stopped renewing).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamLimitError } from '../../../shared/ai/ai-errors';
import { createMemoryStreamGate, createRedisStreamGate } from '../../../shared/ai/gate/stream-gate';
import { deleteKeys, randomId, TEST_REDIS_URL, waitFor } from '../../helpers/test-platform';

let redis: Redis;
const prefix = `test:${randomId()}`;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  await deleteKeys(`${prefix}:*`);
  redis.disconnect();
});

describe('Redis stream gate', () => {
  it('limits per user and per organisation, and release frees the slot', async () => {
    const gate = createRedisStreamGate(redis, prefix, { perUser: 2, perOrg: 3, leaseSeconds: 30 });
    const a1 = await gate.acquire('org-1', 'alice');
    const a2 = await gate.acquire('org-1', 'alice');
    const err = await gate.acquire('org-1', 'alice').catch((e) => e);
    expect(err).toBeInstanceOf(StreamLimitError);
    expect(err).toMatchObject({ scope: 'user', limit: 2, code: 'too_many_streams', httpStatus: 429 });
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(30);

    const b1 = await gate.acquire('org-1', 'bob');
    const orgErr = await gate.acquire('org-1', 'carol').catch((e) => e);
    expect(orgErr).toMatchObject({ scope: 'organisation', limit: 3 });
    // Another organisation is unaffected.
    const other = await gate.acquire('org-2', 'carol');
    expect(await gate.inUse('org-1', 'alice')).toEqual({ user: 2, org: 3 });

    await a1.release();
    await a1.release(); // idempotent
    expect(await gate.inUse('org-1', 'alice')).toEqual({ user: 1, org: 2 });
    const c1 = await gate.acquire('org-1', 'carol');
    for (const l of [a2, b1, other, c1]) await l.release();
    expect(await gate.inUse('org-1', 'alice')).toEqual({ user: 0, org: 0 });
  });

  it('frees the slots of a process that stopped renewing once their lease runs out', async () => {
    // The "dead" process: its own connection, which we cut so its heartbeat can no longer renew.
    const doomed = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    const dead = createRedisStreamGate(doomed, prefix, { perUser: 1, perOrg: 1, leaseSeconds: 1 });
    await dead.acquire('org-3', 'dave');
    doomed.disconnect();

    const alive = createRedisStreamGate(redis, prefix, { perUser: 1, perOrg: 1, leaseSeconds: 1 });
    await expect(alive.acquire('org-3', 'dave')).rejects.toBeInstanceOf(StreamLimitError);
    const lease = await waitFor(() => alive.acquire('org-3', 'dave').catch(() => null), 10_000, 100);
    await lease.release();
  });

  it('keeps renewing a live lease past its lease time', async () => {
    const gate = createRedisStreamGate(redis, prefix, { perUser: 1, perOrg: 5, leaseSeconds: 1 });
    const held = await gate.acquire('org-4', 'erin');
    // Wait until well past one lease time, measured by Redis's own clock ticking (no timing assertion on speed).
    const start = Number((await redis.time())[0]);
    await waitFor(async () => Number((await redis.time())[0]) >= start + 3, 10_000, 200);
    expect((await gate.inUse('org-4', 'erin')).user).toBe(1);
    await expect(gate.acquire('org-4', 'erin')).rejects.toBeInstanceOf(StreamLimitError);
    await held.release();
  });
});

describe('in-process stream gate (embedded mode)', () => {
  it('applies the same limits and expiry', async () => {
    let now = 1_000_000;
    const gate = createMemoryStreamGate({ perUser: 1, perOrg: 2, leaseSeconds: 10 }, () => now);
    const l = await gate.acquire('o', 'u');
    await expect(gate.acquire('o', 'u')).rejects.toMatchObject({ scope: 'user', retryAfterSeconds: 10 });
    await gate.acquire('o', 'v');
    await expect(gate.acquire('o', 'w')).rejects.toMatchObject({ scope: 'organisation' });
    now += 10_001; // the leases were never renewed (no heartbeat ran in this fake time)
    expect(await gate.inUse('o', 'u')).toEqual({ user: 0, org: 0 });
    await l.release();
  });
});
