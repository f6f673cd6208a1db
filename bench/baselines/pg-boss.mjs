/**
 * pg-boss (the PostgreSQL job queue most compared with), newest release, at its best: its own
 * `work()` API over a grid of `localConcurrency` × `batchSize`, with `burstWhenBatchFull` (the
 * next fetch at once while fetches come back full, instead of the ≥ 0.5 s poll). Each cell drains
 * `jobs` no-op jobs of a queue of its own; jobs/s = jobs ÷ (last `completed_on` − first
 * `started_on`), both recorded by PostgreSQL, as Demiton's drain is measured.
 *
 * pg-boss 12 needs Node ≥ 22.12, so `pgBossBaseline` runs the sweep in a Node 22 child process
 * (bench/node22.mjs); `pgBossSweep` is what that child runs.
 */
import { createRequire } from 'node:module';
import { runPeerChild } from '../node22.mjs';
import { bestCell, checkpoint, cpuMsPerJob, round3, waitForCount } from './sweep.mjs';

const require = createRequire(import.meta.url);

/** The sweep in a Node 22 child; resolves to `{ version, node, best, cells, ... }`. */
export function pgBossBaseline(options, { log } = {}) {
  return runPeerChild('pg-boss', options, { log });
}

/** Runs in the Node 22 child: one pg-boss instance, one queue per cell. */
export async function pgBossSweep({ databaseUrl, schema, jobs, localConcurrency, batchSize, budgetSec, checkpoints }, log) {
  const { PgBoss } = await import('pg-boss');
  const pg = require('pg');
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  // Every local worker holds a connection while it fetches or completes, plus pg-boss's own.
  const max = Math.max(...localConcurrency) + 4;
  const boss = new PgBoss({ connectionString: databaseUrl, schema, max, supervise: false, schedule: false, migrate: true });
  boss.on('error', (err) => log(`error: ${err?.message ?? err}`));
  await boss.start();
  const cells = [];
  try {
    for (const lc of localConcurrency) {
      for (const bs of batchSize) {
        const settings = { localConcurrency: lc, batchSize: bs };
        try {
          cells.push({ ...settings, ...(await drainCell({ boss, admin, schema, jobs, settings, budgetSec, checkpoints })) });
        } catch (err) {
          cells.push({ ...settings, error: String(err?.message ?? err).slice(0, 500) });
        }
        const c = cells.at(-1);
        log(`localConcurrency ${lc} × batchSize ${bs}: ${c.error ?? `${c.jobsPerSec} jobs/s in ${c.seconds} s`}`);
      }
    }
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await admin.end();
  }
  const best = bestCell(cells);
  return {
    version: require('pg-boss/package.json').version,
    node: process.version,
    jobs,
    settings: { burstWhenBatchFull: true, pollingIntervalSeconds: 0.5, poolMax: max, budgetSec },
    jobsPerSec: best?.jobsPerSec ?? null,
    best,
    cells,
  };
}

async function drainCell({ boss, admin, schema, jobs, settings, budgetSec, checkpoints }) {
  const name = `noop_${settings.localConcurrency}_${settings.batchSize}`;
  await boss.createQueue(name);
  for (let i = 0; i < jobs; i += 1_000) {
    await boss.insert(
      name,
      Array.from({ length: Math.min(1_000, jobs - i) }, (_, j) => ({ data: { n: i + j } })),
    );
  }
  await checkpoint(admin, checkpoints);
  const count = async () =>
    (await admin.query(`SELECT count(*)::int AS n FROM "${schema}".job WHERE name = $1::text AND state = 'completed'`, [name])).rows[0].n;
  const cpu0 = process.cpuUsage();
  await boss.work(
    name,
    { batchSize: settings.batchSize, localConcurrency: settings.localConcurrency, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 },
    async () => undefined,
  );
  const done = await waitForCount(count, jobs, budgetSec * 1000);
  await boss.offWork(name, { wait: true });
  const cpu = process.cpuUsage(cpu0);
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n, extract(epoch FROM max(completed_on) - min(started_on))::float8 AS seconds
       FROM "${schema}".job WHERE name = $1::text AND state = 'completed'`,
    [name],
  );
  const seconds = rows[0].seconds;
  await boss.deleteQueue(name).catch(() => undefined);
  return {
    jobs: rows[0].n,
    complete: done >= jobs,
    seconds: round3(seconds),
    jobsPerSec: Math.round(rows[0].n / seconds),
    cpuMsPerJob: cpuMsPerJob(cpu, rows[0].n),
  };
}
