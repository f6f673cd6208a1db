/**
 * Sliding-window rate limits in Redis, per caller and per organisation: 429 with Retry-After once
 * a window is full, other callers unaffected by one caller's limit, the org limit shared by all
 * its callers, and room again once the window has slid past. Public routes are not limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devPrincipal } from '../../../shared/auth/dev-principal';
import { createRedisRateLimiter } from '../../../shared/auth/rate-limit';
import { createApiKey } from '../../../shared/hq/api-keys';
import type { Logger } from '../../../shared/logger';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
let url: string;
let closeHost: () => Promise<void>;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { RATE_LIMIT_PER_CALLER: '3', RATE_LIMIT_PER_ORG: '5', RATE_LIMIT_WINDOW_SECONDS: '6' } });
  const h = await startTestHost(platform);
  url = h.url;
  closeHost = h.close;
});
afterAll(async () => {
  await closeHost?.();
  await platform?.close();
});

const key = async (name: string) => (await createApiKey(platform, devPrincipal(), { name, role: 'viewer' })).key;
const get = (path: string, apiKey?: string) => api(url, 'GET', path, undefined, apiKey ? { 'x-api-key': apiKey } : {});

describe('rate limits (Redis sliding window)', () => {
  it('refuses the caller over its limit with 429 and Retry-After, leaves other callers and public routes alone, and shares the org limit', async () => {
    const k1 = await key('rl-1');
    const k2 = await key('rl-2');
    for (let i = 0; i < 3; i++) expect((await get('/api/me', k1)).status).toBe(200);
    const refused = await get('/api/me', k1);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(refused.body.detail).toMatch(/per caller/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(6);
    // Another caller of the same org still has room in the org window (3 of 5 used)…
    expect((await get('/api/me', k2)).status).toBe(200);
    expect((await get('/api/me', k2)).status).toBe(200);
    // …until the organisation's window is full.
    const orgFull = await get('/api/me', k2);
    expect(orgFull.status).toBe(429);
    expect(orgFull.body.detail).toMatch(/per organisation/);
    expect((await get('/api/health')).status).toBe(200);
    // Refused requests are not counted: once the window slides past, both have room again.
    await new Promise((r) => setTimeout(r, 6_100));
    expect((await get('/api/me', k1)).status).toBe(200);
    expect((await get('/api/me', k2)).status).toBe(200);
  });

  it('keeps its windows in Redis under the platform prefix', async () => {
    const { Redis } = await import('ioredis');
    const r = new Redis(platform.env['REDIS_URL']!);
    try {
      const keys = await r.keys(`{${platform.redisPrefix}}:rl:*`);
      expect(keys.some((k) => k.includes(':rl:org:'))).toBe(true);
      expect(keys.some((k) => k.includes(':rl:caller:'))).toBe(true);
    } finally {
      r.disconnect();
    }
  });

  it('lets requests through (and warns) when Redis cannot be reached', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
    // Port 1 on loopback: nothing listens there.
    const rl = createRedisRateLimiter({
      url: 'redis://127.0.0.1:1',
      prefix: 'unreachable',
      limits: { windowSeconds: 60, perCaller: 1, perOrg: 1 },
      logger,
    });
    try {
      await rl.check(devPrincipal());
      await rl.check(devPrincipal());
      expect(warnings.length).toBeGreaterThanOrEqual(2);
      expect(warnings[0]).toMatch(/rate limiter unavailable/);
    } finally {
      await rl.close();
    }
  });
});
