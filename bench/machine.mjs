/**
 * What the figures were measured on: cores, memory, versions, and the durability settings of the
 * PostgreSQL server (a benchmark with fsync off would measure nothing worth comparing).
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';

/** Machine facts and server versions; `pgClient` is a connected `pg` client, `redis` an ioredis client. */
export async function describeMachine(pgClient, redis) {
  const setting = async (name) => (await pgClient.query(`SELECT current_setting($1::text, true) AS v`, [name])).rows[0]?.v ?? null;
  const info = await redis.info('server');
  const redisVersion = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
  let pgbench = null;
  try {
    pgbench = execFileSync(findPgbench() ?? 'pgbench', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported as null */
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    memoryMiB: Math.round(os.totalmem() / 1_048_576),
    node: process.version,
    postgres: await setting('server_version'),
    redis: redisVersion,
    pgbench,
    fsync: await setting('fsync'),
    synchronousCommit: await setting('synchronous_commit'),
    walSyncMethod: await setting('wal_sync_method'),
    autovacuum: await setting('autovacuum'),
    pgStatStatements: ((await setting('shared_preload_libraries')) ?? '').includes('pg_stat_statements'),
  };
}

/** The pgbench binary: on PATH, else the server's own bin directory. */
export function findPgbench() {
  for (const candidate of ['pgbench', ...listServerBins()]) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      /* try the next */
    }
  }
  return null;
}

function listServerBins() {
  try {
    return execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .reverse();
  } catch {
    return [];
  }
}
