/**
 * The bench's stand-in for autovacuum's analyze, against the machine's real PostgreSQL: on a
 * server with autovacuum off it analyzes a table of the bench schema once enough of it changed
 * (autovacuum's rule), and leaves tables that did not change alone; with autovacuum on it does
 * nothing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module of the harness, without type declarations
import { startStatisticsKeeper } from './statistics-keeper.mjs';

const schema = `bench_keeper_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test', max: 2 });

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".busy (id int PRIMARY KEY)`);
  await pool.query(`CREATE TABLE "${schema}".quiet (id int PRIMARY KEY)`);
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await pool.end();
});

const lastAnalyze = async (table: string) =>
  (await pool.query(`SELECT last_analyze FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2`, [schema, table])).rows[0]
    ?.last_analyze ?? null;

it('analyzes the tables that changed enough, only when the server does not', async () => {
  const autovacuum = (await pool.query(`SELECT current_setting('autovacuum') AS v`)).rows[0].v;
  const keeper = await startStatisticsKeeper(pool, schema, { everyMs: 50 });
  try {
    expect(keeper.active).toBe(autovacuum !== 'on');
    await pool.query(`INSERT INTO "${schema}".busy SELECT generate_series(1, 500)`);
    await pool.query(`INSERT INTO "${schema}".quiet VALUES (1)`); // below the threshold of 50 rows
    if (!keeper.active) return;
    const deadline = Date.now() + 10_000;
    // The statistics collector reports changes with a short delay; wait for the analyze to happen.
    while (!(await lastAnalyze('busy')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await lastAnalyze('busy')).not.toBeNull();
    expect(await lastAnalyze('quiet')).toBeNull();
    const { rows } = await pool.query(`SELECT reltuples FROM pg_class WHERE oid = $1::regclass`, [`"${schema}".busy`]);
    expect(Number(rows[0].reltuples)).toBe(500);
  } finally {
    await keeper.stop();
  }
});
