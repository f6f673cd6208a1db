/**
 * The Entra sign-in connection (shared/queue/redis-connection.ts, `EntraRedis`) extends ioredis'
 * `Redis` and leans on parts of it that are not public API. ioredis is pinned to one exact
 * version in package.json, and these checks (on a real redis-server) fail when an upgrade moves
 * any of those parts, so the subclass is revisited before it breaks quietly in production.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/processes';
import { TEST_REDIS_URL, waitFor } from '../../helpers/test-platform';

const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies[
  'ioredis'
];
const installed = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'ioredis', 'package.json'), 'utf8')) as { version: string }).version;

type Internals = {
  condition: { auth: unknown; subscriber: unknown } | null;
  flushQueue(e: Error): void;
  silentEmit(event: string, arg?: unknown): boolean;
};

describe('ioredis internals the Entra connection relies on', () => {
  it('ioredis is pinned to the exact version installed', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(pinned);
  });

  it('every reconnect goes through the overridable connect() (where the subclass fetches a token)', async () => {
    let connects = 0;
    class Counting extends Redis {
      constructor(url: string, options: Pick<RedisOptions, 'retryStrategy'>) {
        super(url, { ...options, lazyConnect: true });
      }
      override connect(...args: Parameters<Redis['connect']>) {
        connects++;
        return super.connect(...args);
      }
    }
    const r = new Counting(TEST_REDIS_URL, { retryStrategy: () => 50 });
    const admin = new Redis(TEST_REDIS_URL);
    try {
      await r.connect();
      expect(connects).toBe(1);
      const id = await r.client('ID');
      await admin.client('KILL', 'ID', String(id));
      await waitFor(async () => connects >= 2 && r.status === 'ready');
      expect(await r.ping()).toBe('PONG');
    } finally {
      r.disconnect();
      admin.disconnect();
    }
  });

  it('a connect signs in with options.password as it is at that moment, recorded in `condition`', async () => {
    const r = new Redis(TEST_REDIS_URL, { lazyConnect: true, username: 'default' });
    try {
      r.options.password = 'set-after-construction';
      // The local server's default user has no password: AUTH fails, but the condition shows what was sent.
      await r.connect().catch(() => undefined);
      expect((r as unknown as Internals).condition?.auth).toEqual(['default', 'set-after-construction']);
    } finally {
      r.disconnect();
    }
  });

  it('`condition.subscriber` tells a subscribed connection, and flushQueue/silentEmit exist', async () => {
    const r = new Redis(TEST_REDIS_URL);
    try {
      await r.ping();
      const internals = r as unknown as Internals;
      expect(internals.condition?.subscriber).toBeFalsy();
      await r.subscribe('demiton-ioredis-internals');
      expect(internals.condition?.subscriber).toBeTruthy();
      expect(typeof internals.flushQueue).toBe('function');
      expect(typeof internals.silentEmit).toBe('function');
    } finally {
      r.disconnect();
    }
  });
});
