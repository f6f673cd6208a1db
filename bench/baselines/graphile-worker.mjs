/**
 * graphile-worker (the PostgreSQL job runner known for its throughput), newest release, at its
 * best: its own runner over a grid of `concurrency` × batching (off, or on: a local queue that
 * fetches and locks jobs in batches, and completions batched together), the pool sized
 * `concurrency + 2` as its documentation advises. Each cell drains `jobs` no-op jobs; a job's row
 * is deleted when it completes, so jobs/s = jobs ÷ (time from the first job's start until no row
 * is left, polled every 50 ms from this process).
 *
 * graphile-worker 0.18 needs Node ≥ 22.18: `graphileWorkerBaseline` runs the sweep in a Node 22
 * child (bench/node22.mjs); `graphileWorkerSweep` is what that child runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runPeerChild } from '../node22.mjs';
import { bestCell, checkpoint, cpuMsPerJob, round3, waitForCount } from './sweep.mjs';

const require = createRequire(import.meta.url);

/** The sweep in a Node 22 child; resolves to `{ version, node, best, cells, ... }`. */
export function graphileWorkerBaseline(options, { log } = {}) {
  return runPeerChild('graphile-worker', options, { log });
}

/**
 * Runs in the Node 22 child. `batching` lists the batching variants: null (off) or
 * `{ localQueueSize, completeJobBatchDelay }`.
 */
export async function graphileWorkerSweep({ databaseUrl, schema, jobs, concurrency, batching, budgetSec, checkpoints }, log) {
  const { run, makeWorkerUtils, Logger } = await import('graphile-worker');
  const pg = require('pg');
  const logger = new Logger(() => (level, message) => {
    if (level === 'error') log(`error: ${message}`);
  });
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const utils = await makeWorkerUtils({ connectionString: databaseUrl, schema, logger });
  await utils.migrate();
  const cells = [];
  try {
    for (const c of concurrency) {
      for (const b of batching) {
        const settings = { concurrency: c, batching: b ?? 'off' };
        try {
          cells.push({
            ...settings,
            ...(await drainCell({ run, utils, admin, logger, databaseUrl, schema, jobs, c, b, budgetSec, checkpoints })),
          });
        } catch (err) {
          cells.push({ ...settings, error: String(err?.message ?? err).slice(0, 500) });
        }
        const x = cells.at(-1);
        log(`concurrency ${c}, batching ${b ? JSON.stringify(b) : 'off'}: ${x.error ?? `${x.jobsPerSec} jobs/s in ${x.seconds} s`}`);
      }
    }
  } finally {
    await utils.release();
    await admin.end();
  }
  const best = bestCell(cells);
  return {
    version: packageVersion('graphile-worker'),
    node: process.version,
    jobs,
    settings: { maxPoolSize: 'concurrency + 2 (at least 10)', pollInterval: 2_000, preparedStatements: true, budgetSec },
    jobsPerSec: best?.jobsPerSec ?? null,
    best,
    cells,
  };
}

async function drainCell({ run, utils, admin, logger, databaseUrl, schema, jobs, c, b, budgetSec, checkpoints }) {
  for (let i = 0; i < jobs; i += 1_000) {
    await utils.addJobs(Array.from({ length: Math.min(1_000, jobs - i) }, (_, j) => ({ identifier: 'noop', payload: { n: i + j } })));
  }
  await checkpoint(admin, checkpoints);
  const left = async () => (await admin.query(`SELECT count(*)::int AS n FROM "${schema}"._private_jobs`)).rows[0].n;
  const cpu0 = process.cpuUsage();
  // From the first job's start, as Demiton's drain and pg-boss are measured (not the runner's start).
  let t0 = null;
  const runner = await run({
    logger,
    noHandleSignals: true,
    taskList: {
      noop: async () => {
        t0 ??= performance.now();
      },
    },
    preset: {
      worker: {
        connectionString: databaseUrl,
        schema,
        concurrentJobs: c,
        maxPoolSize: Math.max(10, c + 2),
        pollInterval: 2_000,
        ...(b ? { localQueue: { size: b.localQueueSize }, completeJobBatchDelay: b.completeJobBatchDelay } : {}),
      },
    },
  });
  let remaining;
  let elapsed;
  try {
    remaining = jobs - (await waitForCount(async () => jobs - (await left()), jobs, budgetSec * 1000));
    elapsed = t0 === null ? null : (performance.now() - t0) / 1000;
  } finally {
    await runner.stop();
  }
  const cpu = process.cpuUsage(cpu0);
  const done = jobs - remaining;
  // Jobs left past the budget would be run by the next cell: remove them.
  if (remaining > 0) await admin.query(`DELETE FROM "${schema}"._private_jobs`);
  return {
    jobs: done,
    complete: remaining === 0,
    seconds: elapsed === null ? null : round3(elapsed),
    jobsPerSec: elapsed ? Math.round(done / elapsed) : 0,
    cpuMsPerJob: cpuMsPerJob(cpu, done),
  };
}

/** A package's version from its package.json (graphile-worker's `exports` do not list that file). */
export function packageVersion(name) {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.name === name) return pkg.version;
  }
  return null;
}
