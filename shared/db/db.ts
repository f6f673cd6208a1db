/**
 * The storage boundary: a tiny interface over a PostgreSQL connection pool. Store modules take a
 * `Queryable` (the pool, or a transaction's client) and nothing else.
 */
import pg from 'pg';
import { ServiceUnavailableError } from '../domain/errors';

export interface Queryable {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Db extends Queryable {
  /** Runs `fn` in one transaction on one connection. Never touch the pool inside `fn`. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly backend: 'postgres' | 'pglite';
  readonly schema: string;
}

// Connection-level failures: the caller may retry once the database is back.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

/** True when `err` means the database cannot be reached right now (as opposed to a bad query). */
export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const msg = (err as { message?: unknown }).message;
  return typeof msg === 'string' && /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(msg);
}

/** True when `err` is PostgreSQL's unique violation (SQLSTATE 23505): a row with that key exists. */
export function isUniqueViolation(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { code?: unknown }).code === '23505';
}

function wrap(err: unknown): never {
  if (isConnectionError(err)) {
    throw new ServiceUnavailableError('database', 'The database is unavailable; try again shortly.', { cause: err });
  }
  throw err;
}

export interface PoolOptions {
  connectionString: string;
  schema: string;
  max: number;
  backend: 'postgres' | 'pglite';
  idleTimeoutMillis?: number;
}

/** Wraps a `pg` pool; every connection gets the configured `search_path`. */
export function createDb(opts: PoolOptions, onClose?: () => Promise<void>): Db {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max,
    idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000,
    connectionTimeoutMillis: 5_000,
    // search_path as a startup parameter: set before the first query, with no extra round trip.
    options: `-c search_path=${opts.schema}`,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener it would crash the process.
  pool.on('error', () => undefined);
  return {
    backend: opts.backend,
    schema: opts.schema,
    async query(text, values) {
      try {
        return await pool.query(text, values);
      } catch (err) {
        return wrap(err);
      }
    },
    async tx(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        return wrap(err);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        broken = isConnectionError(err);
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        return wrap(err);
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
      await onClose?.();
    },
  };
}
