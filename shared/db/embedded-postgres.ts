/**
 * Embedded PostgreSQL for a start with no DATABASE_URL: PGlite (PostgreSQL in WASM) persisted
 * under the data directory, served on a loopback port by PGLiteSocketServer so the rest of the
 * code keeps one `pg` code path.
 *
 * PGlite serialises every query, and the socket server accepts one connection by default; a
 * transaction open on one connection would block every other. So the pool holds exactly one
 * connection, and code must never await a second query on the pool inside `Db.tx` (db.ts refuses
 * one at once). No timer job starts work inside a transaction for the same reason.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDb, type Db } from './db';

/**
 * The deployed package leaves PGlite out (scripts/package-api.mjs): a deployment keeps its data in
 * the PostgreSQL that DATABASE_URL names, never on an instance's disk.
 */
async function loadPglite() {
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    return { PGlite, PGLiteSocketServer };
  } catch (err) {
    throw new Error(
      'DATABASE_URL is not set and the embedded PostgreSQL is not installed (it is left out of the deployed package): set DATABASE_URL.',
      {
        cause: err,
      },
    );
  }
}

/** Starts PGlite under `dataDir/pglite` and returns a `Db` connected to it over loopback. */
export async function startEmbeddedPostgres(dataDir: string, schema: string): Promise<Db> {
  const dir = resolve(join(dataDir, 'pglite'));
  mkdirSync(dir, { recursive: true });
  const { PGlite, PGLiteSocketServer } = await loadPglite();
  const pglite = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const conn = server.getServerConn();
  return createDb(
    { connectionString: `postgres://postgres@${conn}/postgres`, schema, max: 1, backend: 'pglite', idleTimeoutMillis: 0 },
    async () => {
      await server.stop();
      await pglite.close();
    },
  );
}
