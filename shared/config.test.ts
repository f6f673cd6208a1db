import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { ConfigError } from './domain/errors';

describe('loadConfig', () => {
  it('uses embedded defaults when no service URLs are set', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({ kind: 'embedded', dataDir: '.data', schema: 'public' });
    expect(c.queue.kind).toBe('embedded');
    expect(c.http.port).toBe(7071);
    expect(c.worker.enabled).toBe(true);
    expect(c.worker.maxCrashes).toBe(3);
  });

  it('reads WORKER_MAX_CRASHES and refuses a limit below 1 by name', () => {
    expect(loadConfig({ WORKER_MAX_CRASHES: '5' }).worker.maxCrashes).toBe(5);
    expect(() => loadConfig({ WORKER_MAX_CRASHES: '0' })).toThrow(/WORKER_MAX_CRASHES/);
  });

  it('uses PostgreSQL and Redis when both URLs are set; empty strings count as unset', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@h:5432/d',
      REDIS_URL: 'redis://h:6379',
      DEMITON_WORKER: 'off',
      PORT: '8080',
      HOST: '',
    });
    expect(c.database).toMatchObject({ kind: 'postgres', url: 'postgres://u@h:5432/d' });
    expect(c.queue).toMatchObject({ kind: 'redis', url: 'redis://h:6379' });
    expect(c.worker.enabled).toBe(false);
    expect(c.http).toMatchObject({ port: 8080, host: undefined });
  });

  it('names every bad variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', PORT: 'eighty', DEMITON_WORKER: 'maybe', DATABASE_SCHEMA: 'Robert"); DROP' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const paths = (err as ConfigError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['DATABASE_SCHEMA', 'DATABASE_URL', 'DEMITON_WORKER', 'PORT']);
    expect((err as Error).message).toContain('DATABASE_URL: expected a URL starting with postgres:// or postgresql://');
  });
});
