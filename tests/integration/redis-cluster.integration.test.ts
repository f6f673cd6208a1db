/**
 * The platform on a 3-node Redis Cluster (REDIS_CLUSTER=on): a workflow run goes through the queue
 * and back, the rate limiter and the streaming gate hold their limits, and every key the platform
 * wrote sits under the `{prefix}` hash tag in one slot (which is what makes the multi-key scripts
 * valid there; the same scripts on untagged keys are refused with CROSSSLOT, shown here too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamLimitError } from '../../shared/ai/ai-errors';
import { createRedisStreamGate } from '../../shared/ai/gate/stream-gate';
import { RateLimitedError } from '../../shared/auth/errors';
import { devPrincipal } from '../../shared/auth/dev-principal';
import { createRedisRateLimiter } from '../../shared/auth/rate-limit';
import { loadConfig } from '../../shared/config';
import { ConfigError } from '../../shared/domain/errors';
import { createLogger } from '../../shared/logger';
import { createRedisConnection, scanAll } from '../../shared/redis/redis-connection';
import { redisKeyRoot } from '../../shared/queue/redis-keys';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster';
import { api, randomId, startTestStack, waitFor, type TestStack } from '../helpers/test-platform';

let cluster: TestRedisCluster;
beforeAll(async () => void (cluster = await startRedisCluster()));
afterAll(async () => cluster?.stop());

describe('the platform on a Redis Cluster', () => {
  let stack: TestStack;
  afterAll(async () => stack?.close());

  it('runs a triggered workflow through the clustered queue, with every key in one hash slot', async () => {
    stack = await startTestStack({ concurrency: 4, pollMs: 50, env: { REDIS_URL: cluster.url, REDIS_CLUSTER: 'on' } });
    expect(stack.platform.config.queue).toMatchObject({ kind: 'redis', cluster: true });
    const wf = await api(stack.host.url, 'POST', '/api/workflows', {
      name: 'cluster-echo',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: '{{ input.v }}' } }],
    });
    expect(wf.status).toBe(201);
    const runs = await Promise.all(
      [1, 2, 3].map((v) => api(stack.host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v } })),
    );
    for (const r of runs) expect(r.status).toBe(202);
    for (const r of runs) {
      const done = await waitFor(async () => {
        const got = await api(stack.host.url, 'GET', `/api/runs/${r.body.id}`);
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(got.body.status) ? got.body : null;
      });
      expect(done.status).toBe('SUCCEEDED');
    }
    const raw = cluster.client();
    const root = redisKeyRoot(stack.platform.redisPrefix);
    const keys = await scanAll(raw, `*${stack.platform.redisPrefix}*`);
    expect(keys.length).toBeGreaterThan(0); // at least the worker heartbeats
    for (const k of keys) expect(k.startsWith(`${root}:`), k).toBe(true);
    const slots = new Set(await Promise.all(keys.map((k) => raw.cluster('KEYSLOT', k))));
    expect(slots.size).toBe(1);
  });
});

describe('rate limits and the streaming gate on a Redis Cluster', () => {
  it('the rate limiter refuses past the per-caller limit', async () => {
    const rl = createRedisRateLimiter({
      url: cluster.url,
      cluster: true,
      prefix: `test:${randomId()}`,
      limits: { windowSeconds: 60, perCaller: 2, perOrg: 10 },
      logger: createLogger('silent'),
    });
    try {
      const p = devPrincipal();
      await rl.check(p);
      await rl.check(p);
      await expect(rl.check(p)).rejects.toBeInstanceOf(RateLimitedError);
    } finally {
      await rl.close();
    }
  });

  it('the streaming gate holds per-user and per-organisation limits', async () => {
    const redis = createRedisConnection({ url: cluster.url, cluster: true }, { maxRetriesPerRequest: 2 });
    try {
      const gate = createRedisStreamGate(redis, `test:${randomId()}`, { perUser: 1, perOrg: 2, leaseSeconds: 30 });
      const a = await gate.acquire('org-1', 'alice');
      expect(await gate.acquire('org-1', 'alice').catch((e) => e)).toBeInstanceOf(StreamLimitError);
      const b = await gate.acquire('org-1', 'bob');
      expect(await gate.acquire('org-1', 'carol').catch((e) => e)).toMatchObject({ scope: 'organisation' });
      expect(await gate.inUse('org-1', 'alice')).toEqual({ user: 1, org: 2 });
      await a.release();
      await b.release();
      expect(await gate.inUse('org-1', 'alice')).toEqual({ user: 0, org: 0 });
    } finally {
      redis.disconnect();
    }
  });

  it('a multi-key script on keys without a shared hash tag is refused by the cluster (why the tag is there)', async () => {
    const raw = cluster.client();
    const p = `test:${randomId()}`;
    // Two keys whose slots differ (checked, so the assertion is about CROSSSLOT and not luck).
    const [a, b] = [`${p}:queue`, `${p}:processing:w1`];
    expect(await raw.cluster('KEYSLOT', a)).not.toBe(await raw.cluster('KEYSLOT', b));
    await expect(raw.eval("return redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')", 2, a, b)).rejects.toThrow(/CROSSSLOT/);
    const root = redisKeyRoot(p);
    await raw.lpush(`${root}:queue`, 'x');
    expect(
      await raw.eval("return redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')", 2, `${root}:queue`, `${root}:processing:w1`),
    ).toBe('x');
  });
});

describe('REDIS_CLUSTER configuration', () => {
  it('needs REDIS_URL and refuses Entra sign-in, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db', ...env });
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues.map((i) => i.path);
      }
    };
    expect(problems({ REDIS_CLUSTER: 'on' })).toContain('REDIS_CLUSTER');
    expect(
      problems({
        REDIS_CLUSTER: 'on',
        REDIS_URL: 'redis://127.0.0.1:7000',
        REDIS_AUTH: 'entra',
        REDIS_ENTRA_USER: '77777777-7777-4777-8777-777777777777',
      }),
    ).toContain('REDIS_CLUSTER');
    expect(problems({ REDIS_CLUSTER: 'on', REDIS_URL: 'redis://127.0.0.1:7000' })).toEqual([]);
  });
});
