/**
 * Test isolation: every test platform gets its own PostgreSQL schema and its own Redis key
 * prefix on the real servers of this machine, and drops both when closed.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig, type Env } from '../../shared/config';
import { createPlatform, type Platform, type PlatformOverrides } from '../../shared/platform';
import { startLocalHost } from '../../functions/local-host/server';
import { toHandler } from '../../functions/http-kit';
import { routes } from '../../functions/routes';
import { Worker } from '../../shared/engine/worker';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A random suffix for schema names and key prefixes. */
export function randomId(): string {
  return randomBytes(6).toString('hex');
}

export interface TestPlatform extends Platform {
  schema: string;
  redisPrefix: string;
  /** The environment the platform was built from (to start another process on the same schema and queue). */
  env: Record<string, string>;
}

/** A platform on real PostgreSQL and Redis (or the embedded queue), isolated by schema and key prefix. */
export async function createTestPlatform(
  opts: { queue?: 'redis' | 'embedded'; env?: Partial<Env>; overrides?: PlatformOverrides } = {},
): Promise<TestPlatform> {
  const id = randomId();
  const schema = `t_${id}`;
  const redisPrefix = `test:${id}`;
  const env: Record<string, string> = {
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    DATABASE_POOL_MAX: '8',
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    // Development mode is off unless asked for; tests without an identity provider ask.
    ...(opts.env?.ENTRA_TENANT_ID ? {} : { DEMITON_DEV_MODE: 'on' }),
    ...(opts.queue === 'embedded' ? {} : { REDIS_URL: TEST_REDIS_URL }),
    ...(opts.env as Record<string, string> | undefined),
  };
  const platform = await createPlatform(loadConfig(env), opts.overrides);
  const close = platform.close.bind(platform);
  return Object.assign(platform, {
    schema,
    redisPrefix,
    env,
    async close() {
      await close();
      await dropSchema(schema);
      if (opts.queue !== 'embedded') await deleteKeys(`${redisPrefix}:*`);
    },
  });
}

/** Drops a test schema. */
export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/**
 * Deletes Redis keys matching a pattern. A prefix's pattern (`<prefix>:*`) also covers its
 * hash-tagged key space (`{<prefix>}:*`, shared/queue/redis-keys.ts), where the platform keeps
 * every key.
 */
export async function deleteKeys(pattern: string, url = TEST_REDIS_URL): Promise<void> {
  const r = new Redis(url);
  const tagged = /^([^{}*]+):\*$/.exec(pattern);
  try {
    for (const p of tagged ? [pattern, `{${tagged[1]}}:*`] : [pattern]) {
      const keys = await r.keys(p);
      if (keys.length) await r.del(...keys);
    }
  } finally {
    r.disconnect();
  }
}

/** Serves the route table for `platform` on a random loopback port; returns its base URL. */
export async function startTestHost(platform: Platform): Promise<{ url: string; close(): Promise<void> }> {
  const host = await startLocalHost({
    routes,
    handlerFor: (r) => toHandler(r, async () => platform),
    port: 0,
    host: '127.0.0.1',
    maxBodyBytes: platform.config.http.maxBodyBytes,
    studioDir: null,
    logger: platform.logger,
    loopbackOnly: platform.config.devMode,
  });
  return { url: host.url, close: host.close };
}

/** fetch + JSON for tests: returns status, headers and the parsed body. */
export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

/** Polls until `fn` returns a truthy value or the time runs out. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A test platform with the route table served on loopback and a worker draining its queue. */
export interface TestStack {
  platform: TestPlatform;
  host: { url: string; close(): Promise<void> };
  worker: Worker;
  close(): Promise<void>;
}

/** Starts platform, HTTP host and worker (the usual integration-test setup); `close` stops all three. */
export async function startTestStack(
  opts: { concurrency?: number; pollMs?: number } & Parameters<typeof createTestPlatform>[0] = {},
): Promise<TestStack> {
  const platform = await createTestPlatform(opts);
  const host = await startTestHost(platform);
  const worker = new Worker(platform, { concurrency: opts.concurrency ?? 4, pollMs: opts.pollMs ?? 50 });
  worker.start();
  return {
    platform,
    host,
    worker,
    async close() {
      await host.close();
      await worker.stop();
      await platform.close();
    },
  };
}
