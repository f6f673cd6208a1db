/**
 * The SQL adapters against the real servers of this machine: PostgreSQL (own schema) and MariaDB
 * (db `test`, own table with a random suffix). Parameterised statements, bounded execute,
 * streaming query read lazily, server errors surfaced, connection tests.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratorOperation } from '../../../shared/adapters/adapter';
import { TEST_DATABASE_URL } from '../../helpers/test-platform';
import { adapterFor, callOp, collect, ctx, prodRegistry } from './adapter-harness';

const suffix = randomBytes(4).toString('hex');
const schema = `sqlad_${suffix}`;
const table = `demiton_sqlad_${suffix}`;
const ROWS = 2500;

const pgSettings = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable' };
const myConfig = { host: '127.0.0.1', port: 3306, database: 'test', user: 'root', ssl: 'disable' };

beforeAll(async () => {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA "${schema}"`);
  await c.query(`CREATE TABLE "${schema}".orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL)`);
  await c.query(`INSERT INTO "${schema}".orders SELECT g, 'cust-' || (g % 10), g * 1.5 FROM generate_series(1, ${ROWS}) g`);
  await c.end();
  const m = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
  await m.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, customer VARCHAR(50) NOT NULL, amount DECIMAL(10,2) NOT NULL)`);
  const values = Array.from({ length: ROWS }, (_, i) => [i + 1, `cust-${(i + 1) % 10}`, (i + 1) * 1.5]);
  await m.query(`INSERT INTO ${table} (id, customer, amount) VALUES ?`, [values]);
  await m.end();
});

afterAll(async () => {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
  const m = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
  await m.query(`DROP TABLE IF EXISTS ${table}`);
  await m.end();
});

describe('PostgreSQL adapter', () => {
  const adapter = adapterFor({ systemType: 'postgres', settings: pgSettings });

  it('executes a parameterised statement; a hostile value stays a value', async () => {
    const r = await callOp(adapter, 'execute', {
      sql: `SELECT id, customer FROM "${schema}".orders WHERE customer = $1 AND id <= $2 ORDER BY id`,
      params: ['cust-3', 30],
    });
    expect(r.rows).toEqual([
      { id: 3, customer: 'cust-3' },
      { id: 13, customer: 'cust-3' },
      { id: 23, customer: 'cust-3' },
    ]);
    const hostile = await callOp(adapter, 'execute', {
      sql: `SELECT count(*)::int AS n FROM "${schema}".orders WHERE customer = $1`,
      params: ["x' OR '1'='1"],
    });
    expect(hostile.rows).toEqual([{ n: 0 }]);
  });

  it('reports affected rows of a write', async () => {
    const r = await callOp(adapter, 'execute', { sql: `UPDATE "${schema}".orders SET amount = amount WHERE id <= $1`, params: [5] });
    expect(r.rowCount).toBe(5);
  });

  it('refuses to return more than maxRows and points at the streaming operation', async () => {
    await expect(callOp(adapter, 'execute', { sql: `SELECT id FROM "${schema}".orders`, maxRows: 100 })).rejects.toMatchObject({
      code: 'sql_too_many_rows',
    });
  });

  it('streams every row through a cursor, fetching lazily', async () => {
    const rows = await collect(adapter, 'query', {
      sql: `SELECT id, amount FROM "${schema}".orders WHERE id > $1 ORDER BY id`,
      params: [0],
      batchSize: 400,
    });
    expect(rows).toHaveLength(ROWS);
    expect(rows[0]).toEqual({ id: 1, amount: '1.50' });
    expect(rows.at(-1)).toEqual({ id: ROWS, amount: String((ROWS * 1.5).toFixed(2)) });
  });

  it('stops reading when the consumer stops (the cursor does not run ahead)', async () => {
    const op = adapter.operations['query'] as GeneratorOperation;
    const it = op
      .generate(op.input.parse({ sql: `SELECT id FROM "${schema}".orders ORDER BY id`, batchSize: 10 }), ctx())
      [Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toEqual({ id: 1 });
    await it.return?.(undefined);
    // The connection was closed on return: the server has no session left running our cursor.
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'demiton' AND query LIKE $1`, [
      `%"${schema}".orders ORDER BY id%`,
    ]);
    await c.end();
    expect(rows[0].n).toBe(0);
  });

  it('stops a running statement when the task is aborted (the server session ends)', async () => {
    const ac = new AbortController();
    const marker = `abort_${suffix}`;
    const running = callOp(
      adapter,
      'execute',
      { sql: `SELECT pg_sleep(60), $1::text AS marker`, params: [marker] },
      ctx({ signal: ac.signal }),
    );
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    try {
      const active = async () =>
        (
          await c.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'demiton' AND query LIKE '%pg_sleep(60)%' AND state = 'active'`,
          )
        ).rows[0].n as number;
      for (let i = 0; i < 200 && (await active()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await active()).toBe(1);
      ac.abort(new Error('task cancelled'));
      await expect(running).rejects.toThrow();
      for (let i = 0; i < 200 && (await active()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await active()).toBe(0);
    } finally {
      await c.end();
    }
  });

  it('surfaces the server error, not retryable for bad SQL', async () => {
    const err = await callOp(adapter, 'execute', { sql: 'SELEC 1' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'postgres_error', retryable: false });
    expect(err.message).toMatch(/42601.*syntax error/);
  });

  it('tests the connection for real, and reports a bad login with the server’s words', async () => {
    await expect(adapter.testConnection!(new AbortController().signal)).resolves.toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^PostgreSQL \d+/),
    });
    const bad = adapterFor({ systemType: 'postgres', settings: { ...pgSettings, database: `no_such_db_${suffix}` } });
    await expect(bad.testConnection!(new AbortController().signal)).rejects.toThrow(/does not exist/);
  });

  it('is refused by the production policy before any packet leaves', async () => {
    const a = adapterFor({ systemType: 'postgres', settings: pgSettings }, prodRegistry);
    await expect(a.testConnection!(new AbortController().signal)).rejects.toMatchObject({ code: 'outbound_address_blocked' });
  });
});

describe('MariaDB adapter', () => {
  const adapter = adapterFor({ systemType: 'mysql', settings: myConfig });

  it('executes a prepared statement with placeholders', async () => {
    const r = await callOp(adapter, 'execute', {
      sql: `SELECT id, customer FROM ${table} WHERE customer = ? AND id <= ? ORDER BY id`,
      params: ['cust-3', 30],
    });
    expect(r.rows).toEqual([
      { id: 3, customer: 'cust-3' },
      { id: 13, customer: 'cust-3' },
      { id: 23, customer: 'cust-3' },
    ]);
    const hostile = await callOp(adapter, 'execute', {
      sql: `SELECT COUNT(*) AS n FROM ${table} WHERE customer = ?`,
      params: ["x' OR '1'='1"],
    });
    expect(Number(hostile.rows[0].n)).toBe(0);
  });

  it('reports affected rows of a write', async () => {
    const r = await callOp(adapter, 'execute', { sql: `UPDATE ${table} SET amount = amount + 0 WHERE id <= ?`, params: [5] });
    expect(r).toEqual({ rows: [], rowCount: 5 });
  });

  it('streams every row', async () => {
    const rows = await collect(adapter, 'query', {
      sql: `SELECT id, customer FROM ${table} WHERE id > ? ORDER BY id`,
      params: [0],
      batchSize: 100,
    });
    expect(rows).toHaveLength(ROWS);
    expect(rows[ROWS - 1]).toEqual({ id: ROWS, customer: `cust-${ROWS % 10}` });
  });

  it('ends early without reading the rest', async () => {
    const op = adapter.operations['query'] as GeneratorOperation;
    const got: unknown[] = [];
    for await (const r of op.generate(op.input.parse({ sql: `SELECT id FROM ${table} ORDER BY id` }), ctx())) {
      got.push(r);
      if (got.length === 3) break;
    }
    expect(got).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('surfaces the server error', async () => {
    const err = await callOp(adapter, 'execute', { sql: `SELECT nope FROM ${table}` }).catch((e) => e);
    expect(err).toMatchObject({ code: 'mysql_error', retryable: false });
    expect(err.message).toMatch(/ER_BAD_FIELD_ERROR \(1054\): Unknown column 'nope'/);
  });

  it('reports a refused connection, and a TLS demand the server cannot meet', async () => {
    const closed = adapterFor({ systemType: 'mysql', settings: { ...myConfig, port: 1 } });
    await expect(closed.testConnection!(new AbortController().signal)).rejects.toMatchObject({
      code: 'mysql_error',
      retryable: true,
      message: expect.stringMatching(/ECONNREFUSED/),
    });
    const tls = adapterFor({ systemType: 'mysql', settings: { ...myConfig, ssl: 'require' } });
    await expect(tls.testConnection!(new AbortController().signal)).rejects.toThrow(/secure connection|SSL|TLS/i);
  });

  it('kills a running statement when the task is aborted', async () => {
    const ac = new AbortController();
    const running = callOp(
      adapter,
      'execute',
      { sql: `SELECT SLEEP(60) AS s, ? AS marker`, params: [`abort_${suffix}`] },
      ctx({ signal: ac.signal }),
    );
    const m = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
    try {
      const active = async () => {
        const [rows] = await m.query(
          `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%' AND COMMAND = 'Execute'`,
        );
        return Number((rows as Array<{ n: number }>)[0]!.n);
      };
      for (let i = 0; i < 200 && (await active()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await active()).toBe(1);
      ac.abort(new Error('task cancelled'));
      await expect(running).rejects.toThrow();
      for (let i = 0; i < 200 && (await active()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await active()).toBe(0);
    } finally {
      await m.end();
    }
  });

  it('tests the connection and reports an access denial', async () => {
    await expect(adapter.testConnection!(new AbortController().signal)).resolves.toMatchObject({
      ok: true,
      detail: expect.stringMatching(/MariaDB/),
    });
    const bad = adapterFor({ systemType: 'mysql', settings: { ...myConfig, user: `nobody_${suffix}` }, secrets: { password: 'wrong' } });
    await expect(bad.testConnection!(new AbortController().signal)).rejects.toThrow(/Access denied/);
  });
});
