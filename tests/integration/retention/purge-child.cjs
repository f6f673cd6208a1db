/**
 * A purger in a process of its own, for the crash test: the compiled retention purge on one
 * organisation with small chunk batches and a short lease, printing a line per chunk batch so the
 * test can SIGKILL it in the middle. Arguments come in the environment (PURGE_*).
 */
const { join } = require('node:path');
// Started with the repository as its working directory (tests/helpers/processes.ts).
const dist = join(process.cwd(), 'dist', 'shared');
const { createDb } = require(join(dist, 'db', 'db.js'));
const { purgeExpiredRuns } = require(join(dist, 'engine', 'retention.js'));
const { createLogger } = require(join(dist, 'logger.js'));

const env = process.env;
const db = createDb({ connectionString: env.PURGE_DATABASE_URL, schema: env.PURGE_SCHEMA, max: 2, backend: 'postgres' });
// Every statement is reported, so the parent can kill this process between two of them.
const spied = {
  ...db,
  backend: db.backend,
  schema: db.schema,
  query: async (text, values) => {
    const r = await db.query(text, values);
    if (typeof text === 'string' && text.includes('DELETE FROM chunk_runs')) process.stdout.write(`chunk-batch ${r.rows[0]?.deleted}\n`);
    return r;
  },
  tx: (fn) => db.tx(fn),
  close: () => db.close(),
};
purgeExpiredRuns(
  { db: spied, logger: createLogger('silent', { service: 'purge-child' }) },
  {
    holder: 'doomed',
    budgetMs: 600_000,
    chunkBatch: Number(env.PURGE_CHUNK_BATCH),
    leaseMs: Number(env.PURGE_LEASE_MS),
    orgIds: [env.PURGE_ORG],
  },
).then(
  (report) => {
    process.stdout.write(`done ${JSON.stringify(report)}\n`);
    return db.close();
  },
  (err) => {
    process.stderr.write(`failed ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
