/**
 * PostgreSQL (`pg`). Values travel only as `$n` parameters; `execute` returns a bounded result,
 * `query` streams rows through a server-side cursor in batches (for ChunkedDispatch), so a
 * million-row table never sits in memory. One connection per operation call, closed after it.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { upstream, UpstreamError } from '../upstream-error';
import { executeInput, queryInput, SqlRow, SqlSecrets, SqlSettings } from './sql-schemas';

const SYSTEM = 'postgres';

interface PgBound {
  connect(signal: AbortSignal): Promise<pg.Client>;
}

/**
 * Stops the statement a client is running: closing our socket alone does not (the server finds out
 * only when it next writes), so a second connection asks the server to cancel the backend.
 */
function stopOnAbort(b: PgBound, client: pg.Client, signal: AbortSignal): () => void {
  const onAbort = () => {
    const pid = (client as unknown as { processID?: number }).processID;
    void (async () => {
      if (pid) {
        const canceller = await b.connect(new AbortController().signal).catch(() => null);
        if (canceller) {
          await canceller.query('SELECT pg_cancel_backend($1::int)', [pid]).catch(() => undefined);
          await canceller.end().catch(() => undefined);
        }
      }
      await client.end().catch(() => undefined);
    })();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

async function withClient<T>(b: PgBound, signal: AbortSignal, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await b.connect(signal);
  const release = stopOnAbort(b, client, signal);
  try {
    return await fn(client);
  } catch (err) {
    throw sqlError(err);
  } finally {
    release();
    await client.end().catch(() => undefined);
  }
}

function sqlError(err: unknown) {
  const e = err as { code?: string; message?: string; position?: string };
  // SQLSTATE class 08 (connection) and 40 (rollback: serialization, deadlock) may pass on retry; syntax and constraint errors will not.
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    return new UpstreamError('postgres_error', SYSTEM, `PostgreSQL error ${e.code}: ${e.message}`, {
      cause: err,
      retryable: /^(08|40|53|57)/.test(e.code),
    });
  }
  return upstream(SYSTEM, err, 'PostgreSQL');
}

const operations = {
  execute: call<PgBound, typeof executeInput>({
    description:
      'Runs one parameterised statement ($1, $2… with `params`) and returns its rows (at most maxRows; use `query` to stream more) and the affected row count.',
    input: executeInput,
    output: z.object({ rows: z.array(z.record(z.string(), z.unknown())), rowCount: z.number().nullable() }),
    run: (input, ctx, b) =>
      withClient(b, ctx.signal, async (client) => {
        const cursor = client.query(new Cursor(input.sql, input.params));
        try {
          const rows = await cursor.read(input.maxRows + 1);
          if (rows.length > input.maxRows) {
            throw new UpstreamError(
              'sql_too_many_rows',
              SYSTEM,
              `The statement returned more than ${input.maxRows} rows; use the streaming 'query' operation in a chunked task.`,
            );
          }
          // pg-cursor reports the command's row count once the cursor has been read to the end.
          const rowCount = (cursor as unknown as { _result?: { rowCount?: number | null } })._result?.rowCount ?? rows.length;
          return { rows, rowCount };
        } finally {
          await cursor.close().catch(() => undefined);
        }
      }),
  }),
  query: generator<PgBound, typeof queryInput>({
    description:
      'Streams the rows of a parameterised SELECT through a server-side cursor, `batchSize` rows at a time (a ChunkedDispatch generator).',
    input: queryInput,
    output: SqlRow,
    async *generate(input, ctx, b) {
      const client = await b.connect(ctx.signal);
      const release = stopOnAbort(b, client, ctx.signal);
      // A cursor lives inside a transaction; READ ONLY makes a generator unable to write.
      try {
        await client.query('BEGIN READ ONLY');
        const cursor = client.query(new Cursor(input.sql, input.params));
        for (;;) {
          let rows: Array<Record<string, unknown>>;
          try {
            rows = await cursor.read(input.batchSize);
          } catch (err) {
            if (ctx.signal.aborted) return;
            throw sqlError(err);
          }
          if (!rows.length) break;
          for (const row of rows) yield row;
        }
        await cursor.close().catch(() => undefined);
        await client.query('COMMIT').catch(() => undefined);
      } catch (err) {
        if (ctx.signal.aborted) return;
        throw sqlError(err);
      } finally {
        release();
        await client.end().catch(() => undefined);
      }
    },
  }),
};

/** Registration of the PostgreSQL adapter. */
export const postgresAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'datasource',
  connectionTypes: ['sql', 'postgresql'],
  infer: (s) => ['pg', 'postgres', 'postgresql'].includes(String(s['driver'] ?? '').toLowerCase()) || Number(s['port']) === 5432,
  operations: declareOperations(operations),
  connectionSchema: z.object({ settings: SqlSettings(5432), secrets: SqlSecrets }),
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = SqlSettings(5432).parse(c.settings);
    const bound: PgBound = {
      async connect(signal) {
        const address = await env.network.resolve(s.host);
        const client = new pg.Client({
          host: address,
          port: s.port,
          database: s.database,
          user: s.user,
          password: typeof c.secrets['password'] === 'string' ? c.secrets['password'] : undefined,
          ssl: s.ssl === 'disable' ? false : { servername: s.host, rejectUnauthorized: s.ssl === 'verify-full' },
          connectionTimeoutMillis: s.connectTimeoutMs,
          application_name: 'demiton',
          // Bounded statements: a runaway query is stopped by the server.
          statement_timeout: s.statementTimeoutMs,
        });
        client.on('error', () => undefined);
        if (signal.aborted) throw signal.reason;
        try {
          await client.connect();
        } catch (err) {
          await client.end().catch(() => undefined);
          throw sqlError(err);
        }
        return client;
      },
    };
    return {
      systemType: SYSTEM,
      category: 'datasource',
      operations: bindOperations(operations, bound),
      testConnection: (signal) =>
        withClient(bound, signal, async (client) => {
          const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
          return { ok: true as const, detail: rows[0]?.version ?? '' };
        }),
    };
  },
};
