/**
 * Numbered, append-only SQL migrations (`migrations/0001_name.sql` …), each applied in its own
 * transaction under an advisory lock and recorded in a ledger table. Refuses to run against a
 * schema written by a newer build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaTooNewError } from '../domain/errors';
import type { Db } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** Reads the migration files shipped with this build, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Applies pending migrations; returns the versions applied. */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  const latest = migrations.at(-1)?.version ?? 0;
  const lockKey = `demiton:migrate:${db.schema}`;
  const applied: number[] = [];
  // A schema already at this build's version needs no DDL: the deployed app connects as a
  // least-privilege role (no CREATE, not the owner; docs/deploy.md) after the owner migrated.
  const ledger = await db.query<{ max: number | null }>(
    `SELECT CASE WHEN to_regclass(format('%I.demiton_migrations', $1::text)) IS NULL THEN NULL ELSE -1 END AS max`,
    [db.schema],
  );
  if (ledger.rows[0]?.max === -1) {
    const { rows } = await db.query<{ max: number | null }>('SELECT max(version) AS max FROM demiton_migrations');
    const current = rows[0]?.max ?? 0;
    if (current > latest) throw new SchemaTooNewError(current, latest);
    if (current === latest && migrations.every((m) => m.version <= current)) return applied;
  }
  await db.tx(async (q) => {
    // Under the lock: CREATE SCHEMA IF NOT EXISTS is not safe against a concurrent twin.
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1::text))', [lockKey]);
    await q.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"`);
    await q.query(`CREATE TABLE IF NOT EXISTS demiton_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1::text))', [lockKey]);
      const { rows } = await q.query<{ max: number | null }>('SELECT max(version) AS max FROM demiton_migrations');
      const current = rows[0]?.max ?? 0;
      if (current > latest) throw new SchemaTooNewError(current, latest);
      const exists = await q.query('SELECT 1 FROM demiton_migrations WHERE version = $1::int', [m.version]);
      if (exists.rowCount) return false;
      await q.query(m.sql);
      await q.query('INSERT INTO demiton_migrations (version, name) VALUES ($1::int, $2::text)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  // A database already at a newer version with no pending migrations for us: still refuse.
  const { rows } = await db.query<{ max: number | null }>('SELECT max(version) AS max FROM demiton_migrations');
  const current = rows[0]?.max ?? 0;
  if (current > latest) throw new SchemaTooNewError(current, latest);
  return applied;
}
