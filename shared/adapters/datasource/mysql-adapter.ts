/**
 * MySQL and MariaDB (`mysql2`). Values travel only as `?` placeholders; `execute` uses a server
 * prepared statement and returns a bounded result, `query` streams rows with backpressure (the
 * driver pauses the socket while the consumer is busy). One connection per operation call.
 */
import { connect } from 'node:net';
import mysql from 'mysql2';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { upstream, UpstreamError } from '../upstream-error';
import { executeInput, queryInput, SqlRow, SqlSecrets, SqlSettings } from './sql-schemas';

const SYSTEM = 'mysql';

interface MysqlBound {
  connect(signal: AbortSignal): Promise<mysql.Connection>;
}

function sqlError(err: unknown) {
  const e = err as { code?: string; errno?: number; sqlMessage?: string; message?: string; fatal?: boolean };
  if (typeof e?.errno === 'number' && e.sqlMessage) {
    // Deadlock (1213) and lock wait timeout (1205) may pass on retry; syntax and constraint errors will not.
    return new UpstreamError('mysql_error', SYSTEM, `MySQL error ${e.code} (${e.errno}): ${e.sqlMessage}`, {
      cause: err,
      retryable: e.errno === 1213 || e.errno === 1205,
    });
  }
  return upstream(SYSTEM, err, 'MySQL');
}

/** Stops the statement a connection runs: the server keeps going after a socket closes, so a second connection kills the query. */
function stopOnAbort(b: MysqlBound, conn: mysql.Connection, signal: AbortSignal): () => void {
  const onAbort = () => {
    const id = conn.threadId;
    void (async () => {
      if (id) {
        const killer = await b.connect(new AbortController().signal).catch(() => null);
        if (killer) {
          await killer
            .promise()
            .query('KILL QUERY ?', [id])
            .catch(() => undefined);
          killer.destroy();
        }
      }
      conn.destroy();
    })();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

async function withConnection<T>(b: MysqlBound, signal: AbortSignal, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await b.connect(signal);
  const release = stopOnAbort(b, conn, signal);
  try {
    return await fn(conn);
  } catch (err) {
    throw sqlError(err);
  } finally {
    release();
    await conn
      .promise()
      .end()
      .catch(() => conn.destroy());
  }
}

const operations = {
  execute: call<MysqlBound, typeof executeInput>({
    description:
      'Runs one parameterised statement (? placeholders bound to `params`, as a prepared statement) and returns its rows (at most maxRows) or the affected row count.',
    input: executeInput,
    output: z.object({ rows: z.array(z.record(z.string(), z.unknown())), rowCount: z.number().nullable() }),
    run: (input, ctx, b) =>
      withConnection(b, ctx.signal, async (conn) => {
        const [result] = await conn.promise().execute(input.sql, input.params);
        if (Array.isArray(result)) {
          if (result.length > input.maxRows)
            throw new UpstreamError(
              'sql_too_many_rows',
              SYSTEM,
              `The statement returned more than ${input.maxRows} rows; use the streaming 'query' operation in a chunked task.`,
            );
          return { rows: result as Array<Record<string, unknown>>, rowCount: result.length };
        }
        return { rows: [], rowCount: (result as mysql.ResultSetHeader).affectedRows };
      }),
  }),
  query: generator<MysqlBound, typeof queryInput>({
    description:
      'Streams the rows of a parameterised SELECT (? placeholders) one at a time with backpressure (a ChunkedDispatch generator).',
    input: queryInput,
    output: SqlRow,
    async *generate(input, ctx, b) {
      const conn = await b.connect(ctx.signal);
      const release = stopOnAbort(b, conn, ctx.signal);
      const stream = conn.query({ sql: input.sql, values: input.params, rowsAsArray: false }).stream({ highWaterMark: input.batchSize });
      try {
        for await (const row of stream) yield row as Record<string, unknown>;
      } catch (err) {
        if (ctx.signal.aborted) return;
        throw sqlError(err);
      } finally {
        release();
        stream.destroy();
        // Ending a connection mid-stream would wait for the rest of the rows: destroy it instead.
        conn.destroy();
      }
    },
  }),
};

/** Registration of the MySQL/MariaDB adapter. */
export const mysqlAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'datasource',
  connectionTypes: ['mysql', 'mariadb'],
  infer: (s) => ['mysql', 'mysql2', 'mariadb'].includes(String(s['driver'] ?? '').toLowerCase()) || Number(s['port']) === 3306,
  operations: declareOperations(operations),
  connectionSchema: z.object({ settings: SqlSettings(3306), secrets: SqlSecrets }),
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = SqlSettings(3306).parse(c.settings);
    const bound: MysqlBound = {
      async connect(signal) {
        const address = await env.network.resolve(s.host);
        if (signal.aborted) throw signal.reason;
        const conn = mysql.createConnection({
          // The socket goes to the checked address; `host` stays the name so TLS verifies it.
          host: s.host,
          stream: () => connect({ host: address, port: s.port }),
          port: s.port,
          database: s.database,
          user: s.user,
          password: typeof c.secrets['password'] === 'string' ? c.secrets['password'] : undefined,
          connectTimeout: s.connectTimeoutMs,
          ...(s.ssl === 'disable' ? {} : { ssl: { rejectUnauthorized: s.ssl === 'verify-full', verifyIdentity: s.ssl === 'verify-full' } }),
        } as mysql.ConnectionOptions);
        conn.on('error', () => undefined);
        try {
          await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
        } catch (err) {
          conn.destroy();
          throw sqlError(err);
        }
        return conn;
      },
    };
    return {
      systemType: SYSTEM,
      category: 'datasource',
      operations: bindOperations(operations, bound),
      testConnection: (signal) =>
        withConnection(bound, signal, async (conn) => {
          const [rows] = await conn.promise().query('SELECT VERSION() AS version');
          return { ok: true as const, detail: String((rows as Array<{ version: string }>)[0]?.version ?? '') };
        }),
    };
  },
};
