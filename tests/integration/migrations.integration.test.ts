/** Migrations: applied once under an advisory lock, recorded in a ledger, and a newer schema is refused. */
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../shared/db/db';
import { loadMigrations, migrate } from '../../shared/db/migrate';
import { SchemaTooNewError } from '../../shared/domain/errors';
import { dropSchema, randomId, TEST_DATABASE_URL } from '../helpers/test-platform';

const schema = `t_${randomId()}`;
const dbs = [0, 1, 2].map(() => createDb({ connectionString: TEST_DATABASE_URL, schema, max: 2, backend: 'postgres' }));
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.close()));
  await dropSchema(schema);
});

describe('migrations', () => {
  it('apply exactly once when several processes start at the same time', async () => {
    const results = await Promise.all(dbs.map((d) => migrate(d)));
    const all = loadMigrations().map((m) => m.version);
    expect(results.flat().sort((a, b) => a - b)).toEqual(all);
    const { rows } = await dbs[0]!.query<{ version: number }>('SELECT version FROM demiton_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all);
    expect(await migrate(dbs[0]!)).toEqual([]);
  });

  it('are numbered, append-only files with unique versions', () => {
    const ms = loadMigrations();
    expect(ms[0]!.version).toBe(1);
    expect(new Set(ms.map((m) => m.version)).size).toBe(ms.length);
  });

  it('refuse a database written by a newer build, naming both versions', async () => {
    const latest = loadMigrations().at(-1)!.version;
    await dbs[0]!.query("INSERT INTO demiton_migrations (version, name) VALUES (9999, 'from_the_future')");
    const err = await migrate(dbs[1]!).catch((e) => e);
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect(err.databaseVersion).toBe(9999);
    expect(err.codeVersion).toBe(latest);
    expect(err.message).toContain('9999');
    expect(err.message).toContain(String(latest));
  });

  it('keep the audit log append-only', async () => {
    await dbs[0]!.query("INSERT INTO organisations (id, name) VALUES ('00000000-0000-4000-8000-0000000000aa', 'o')");
    await dbs[0]!.query(
      "INSERT INTO audit_log (org_id, actor_type, actor_id, action, target_type) VALUES ('00000000-0000-4000-8000-0000000000aa', 'user', 'u', 'x', 'y')",
    );
    await expect(dbs[0]!.query("UPDATE audit_log SET action = 'changed'")).rejects.toThrow(/append-only/);
    await expect(dbs[0]!.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });

  it('leave the payload columns out of ANALYZE, and keep the statistics of the columns queries filter on', async () => {
    const org = '00000000-0000-4000-8000-0000000000ab';
    await dbs[0]!.query("INSERT INTO organisations (id, name) VALUES ($1, 'stats')", [org]);
    await dbs[0]!.query(
      `INSERT INTO audit_log (org_id, actor_type, actor_id, action, target_type, diff)
       SELECT $1, 'user', 'u' || (g % 7), 'x', 'y', jsonb_build_object('n', g) FROM generate_series(1, 500) g`,
      [org],
    );
    await dbs[0]!.query('ANALYZE audit_log');
    const { rows } = await dbs[0]!.query<{ attname: string }>(
      "SELECT attname FROM pg_stats WHERE schemaname = $1 AND tablename = 'audit_log' AND attname IN ('diff', 'actor_id') ORDER BY attname",
      [schema],
    );
    expect(rows.map((r) => r.attname)).toEqual(['actor_id']);
    const targets = await dbs[0]!.query<{ rel: string; attname: string }>(
      `SELECT c.relname AS rel, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND a.attnum > 0 AND a.attstattarget = 0 ORDER BY 1, 2`,
      [schema],
    );
    expect(targets.rows.map((r) => `${r.rel}.${r.attname}`)).toEqual([
      'audit_log.diff',
      'chunk_runs.error',
      'chunk_runs.output',
      'chunk_runs.record',
      'task_runs.attempt_log',
      'task_runs.error',
      'task_runs.output',
      'workflow_runs.error',
      'workflow_runs.input',
      'workflow_runs.input_hash',
      'workflow_runs.output',
    ]);
  });
});
