/**
 * The storage boundary: a tiny interface over a PostgreSQL connection pool. Store modules take a
 * `Queryable` (the pool, or a transaction's client) and nothing else.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { DependencyCredentialRejectedError, ServiceUnavailableError } from '../domain/errors';
import type { AccessTokenSource } from '../managed-identity/access-token-source';
import { isLoopbackHost } from '../domain/loopback-host';

/**
 * A named statement: prepared once per connection and then executed without parsing or planning
 * again (the hot statements of the worker, where planning cost as much as executing).
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Declares a named statement (the name must be unique to its text across the process). */
export function statement(name: string, text: string): Statement {
  return Object.freeze({ name, text });
}

export interface Queryable {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string | Statement, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Db extends Queryable {
  /** Runs `fn` in one transaction on one connection. Never touch the pool inside `fn`. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly backend: 'postgres' | 'pglite';
  readonly schema: string;
}

/**
 * A pg client (a pooled client inside a transaction, or a bare one) as a `Queryable`. Named
 * statements are handed to pg as a fresh config object each time: pg writes the values into the
 * config it is given, and the shared statement constants are frozen.
 */
export function queryableOf(client: pg.ClientBase): Queryable {
  return {
    query: (text, values) =>
      (typeof text === 'string'
        ? client.query(text, values)
        : client.query({ name: text.name, text: text.text, values: values ?? [] })) as never,
  };
}

/** True when PostgreSQL aborted the statement to break a deadlock (SQLSTATE 40P01): it may be retried. */
export function isDeadlock(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { code?: unknown }).code === '40P01';
}

// Connection-level failures: the caller may retry once the database is back.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

/** True when `err` means the database cannot be reached right now (as opposed to a bad query). */
export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const msg = (err as { message?: unknown }).message;
  return (
    typeof msg === 'string' &&
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      msg,
    )
  );
}

/** True when `err` is PostgreSQL's unique violation (SQLSTATE 23505): a row with that key exists. */
export function isUniqueViolation(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { code?: unknown }).code === '23505';
}

// 28P01 invalid_password, 28000 invalid_authorization_specification (no such role, pg_hba refusal).
const REJECTED_CODES = new Set(['28P01', '28000']);

function wrap(err: unknown): never {
  if (err && typeof err === 'object' && REJECTED_CODES.has(String((err as { code?: unknown }).code))) {
    const reason = (err as { message?: unknown }).message;
    throw new DependencyCredentialRejectedError('database', undefined, `PostgreSQL refused the sign-in: ${String(reason)}`, { cause: err });
  }
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
  /**
   * Sign in as this role with a Microsoft Entra access token as the password, fetched for each
   * new connection (cached by `tokens` until shortly before it expires). TLS is required (Azure
   * refuses tokens without it) except to a loopback host, where the URL's sslmode decides.
   */
  entra?: { user: string; tokens: AccessTokenSource };
}

/**
 * pg settings for Entra sign-in, from the URL's host, port, database, sslmode and
 * application_name (its user and password are not used): the role, and the token as password.
 */
function entraConnection(url: string, entra: NonNullable<PoolOptions['entra']>): pg.PoolConfig {
  const u = new URL(url);
  const host = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''));
  const sslmode = u.searchParams.get('sslmode');
  // As pg reads sslmode today: 'disable' is off, 'no-verify' skips the certificate check, every other mode verifies it.
  const ssl =
    sslmode === 'disable' ? false : sslmode === 'no-verify' ? { rejectUnauthorized: false } : sslmode ? true : !isLoopbackHost(host);
  return {
    host,
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
    application_name: u.searchParams.get('application_name') ?? undefined,
    user: entra.user,
    // Called by pg for every new connection that the server asks a password of.
    password: async () => (await entra.tokens.get()).token,
    ssl,
  };
}

/** Wraps a `pg` pool; every connection gets the configured `search_path`. */
export function createDb(opts: PoolOptions, onClose?: () => Promise<void>): Db {
  const pool = new pg.Pool({
    ...(opts.entra ? entraConnection(opts.connectionString, opts.entra) : { connectionString: opts.connectionString }),
    max: opts.max,
    idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000,
    connectionTimeoutMillis: 5_000,
    // search_path as a startup parameter: set before the first query, with no extra round trip.
    options: `-c search_path=${opts.schema}`,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener it would crash the process.
  pool.on('error', () => undefined);
  // With one connection (the embedded PGlite) a query on the pool from inside a transaction waits
  // for the transaction's own connection until the pool gives up (5 s), stalling every other
  // caller meanwhile. Such code fails at once instead, naming the mistake; with more connections
  // nothing is tracked.
  const insideTx = opts.max === 1 ? new AsyncLocalStorage<true>() : null;
  const refuseNested = () => {
    if (insideTx?.getStore())
      throw new Error(
        'The pool has one connection and this transaction holds it: inside Db.tx, query through the transaction, never the pool.',
      );
  };
  return {
    backend: opts.backend,
    schema: opts.schema,
    async query(text, values) {
      refuseNested();
      try {
        return typeof text === 'string'
          ? await pool.query(text, values)
          : await pool.query({ name: text.name, text: text.text, values: values ?? [] });
      } catch (err) {
        return wrap(err);
      }
    },
    async tx(fn) {
      refuseNested();
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        return wrap(err);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const q = queryableOf(client);
        const result = await (insideTx ? insideTx.run(true, () => fn(q)) : fn(q));
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
