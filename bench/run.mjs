/**
 * `npm run bench`: measures Demiton against the physical limit (pgbench commits) and the newest
 * peer queues at their best (pg-boss, graphile-worker, BullMQ, each over a grid of its settings)
 * on this machine's PostgreSQL and Redis, prints one JSON line per scenario and writes the table
 * into docs/benchmarks.md. Everything lives in a schema and Redis prefix of its own, dropped at
 * the end.
 *
 *   node bench/run.mjs [--quick] [--only=drain,trigger,...] [--set=name=json ...] [--profile] [--no-write] [--concurrency=N] [--dist=DIR]
 *
 * --quick runs every scenario and every peer cell once at tiny sizes, reusing one worker process
 * across scenarios and without a CHECKPOINT per peer cell (a check that the harness works, under a
 * minute on an idle machine; its figures mean nothing); --set=drainRuns=5000 overrides one size of FULL (or QUICK); only a full
 * run at the default sizes writes docs/benchmarks.md. --profile writes CPU profiles of every worker and of the control plane to bench/results/.
 * --dist runs the processes from another build (e.g. one made by bench/transpile.mjs).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bullMqSweep } from './baselines/bullmq.mjs';
import { graphileWorkerBaseline, packageVersion } from './baselines/graphile-worker.mjs';
import { pgBossBaseline } from './baselines/pg-boss.mjs';
import { pgbenchInserts } from './baselines/pgbench.mjs';
import { BenchContext, loadDist } from './context.mjs';
import { describeMachine } from './machine.mjs';
import { node22Binary, nodeVersion } from './node22.mjs';
import { startStatisticsKeeper } from './statistics-keeper.mjs';
import { startControlPlane } from './processes.mjs';
import { judge, renderMarkdown, writeReport } from './report.mjs';
import { drain } from './scenarios/drain.mjs';
import { fanOut } from './scenarios/fan-out.mjs';
import { ifElse } from './scenarios/if-else.mjs';
import { latency } from './scenarios/latency.mjs';
import { parallel } from './scenarios/parallel.mjs';
import { retention } from './scenarios/retention.mjs';
import { scale } from './scenarios/scale.mjs';
import { sequential } from './scenarios/sequential.mjs';
import { trigger } from './scenarios/trigger.mjs';
import { webhooks } from './scenarios/webhooks.mjs';
import { waits } from './scenarios/waits.mjs';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The sizes the issues ask for, chosen so the whole run ends within about 20 minutes on this
 * machine of two cores (each scenario's seconds are printed in its line as `benchSeconds`).
 */
export const FULL = {
  pgbenchSeconds: 10,
  // Each peer drains this many no-op jobs per cell of its grid, inside the cell's time budget.
  baselineJobs: 20_000,
  baselineCellBudgetSec: 25,
  pgBossLocalConcurrency: [1, 2, 4, 8],
  pgBossBatchSize: [50, 200],
  graphileWorkerConcurrency: [1, 4, 16, 64],
  // Off, and on: a local queue fetching 200 jobs at a time (pg-boss's larger batch) with completions batched.
  graphileWorkerBatching: [null, { localQueueSize: 200, completeJobBatchDelay: 0 }],
  bullMqConcurrency: [1, 16, 64, 128],
  drainRuns: 20_000,
  triggerRuns: 20_000,
  // Unmeasured triggers first (on a workflow of their own), so the measured ones meet warm processes.
  triggerWarmUp: 4_000,
  connections: 64,
  latencyRate: 200,
  latencySeconds: 30,
  sequentialTasks: 40,
  sequentialRuns: 20,
  parallelBranches: 4,
  parallelBranchLength: 10,
  parallelRuns: 20,
  ifElseRuns: 1_000,
  ifElseRounds: 3,
  ifElseWarmUp: 200,
  scaleWorkers: [1, 2, 4],
  scaleRuns: 10_000,
  fanOutRecords: [100_000, 1_000_000],
  fanOutConcurrency: 64,
  // A fan-out of this many records with this many worker processes up: the spread over workers (#24).
  fanOutSpreadRecords: 100_000,
  fanOutSpreadWorkers: 2,
  // Time budgets (seconds) that keep the whole bench bounded on a busy machine: a scenario past its
  // budget reports its figure over what it finished, with complete: false.
  drainBudgetSec: 120,
  triggerBudgetSec: 120,
  ifElseBudgetSec: 60,
  scaleBudgetSec: 90,
  fanOutBudgetSec: [120, 300],
  // Signed webhook deliveries offered at this rate for this long (#17's target).
  webhookRate: 2_000,
  webhookSeconds: 10,
  // A CHECKPOINT before each cell of a peer's grid (not only before each scenario), so no cell
  // pays for the WAL of the one before.
  checkpointPeerCells: true,
  // Each scenario starts its own worker processes (a fresh worker's JIT and memory are part of the figure).
  reuseWorkers: false,
  // Run retention: old chunk rows purged while triggers arrive at a fixed rate.
  retentionChunkRows: 1_000_000,
  retentionRate: 50,
  retentionQuietSec: 10,
  retentionChunkBatch: 5_000,
  retentionBudgetSec: 300,
  waitsRuns: 100_000,
  waitsResumed: 10_000,
  waitsTimers: 10_000,
  waitsBudgetSec: 300,
};

/** Tiny sizes: every scenario and every cell of every grid once, to check the harness (figures mean nothing). */
export const QUICK = {
  ...FULL,
  pgbenchSeconds: 0,
  pgbenchTransactions: 20,
  baselineJobs: 50,
  baselineCellBudgetSec: 10,
  drainRuns: 50,
  triggerRuns: 50,
  triggerWarmUp: 20,
  connections: 8,
  latencyRate: 20,
  latencySeconds: 1,
  sequentialRuns: 3,
  parallelRuns: 3,
  ifElseRuns: 40,
  ifElseRounds: 1,
  ifElseWarmUp: 10,
  scaleRuns: 60,
  fanOutRecords: [200, 1_000],
  // Enough chunks that each worker's share of CPU is over /proc's 10 ms ticks.
  fanOutSpreadRecords: 1_000,
  fanOutConcurrency: 8,
  drainBudgetSec: 60,
  triggerBudgetSec: 60,
  ifElseBudgetSec: 30,
  scaleBudgetSec: 30,
  fanOutBudgetSec: [60, 60],
  webhookRate: 20,
  webhookSeconds: 1,
  // What makes --quick quick on two cores: a worker process is started 3 times instead of 17
  // (one kept from scenario to scenario, one more for the scale scenario's second cell, which
  // is enough to exercise several workers, and one for the fan-out over 2 workers), and the 20
  // peer cells skip their own CHECKPOINT (each scenario still starts with one).
  scaleWorkers: [1, 2],
  checkpointPeerCells: false,
  reuseWorkers: true,
  retentionChunkRows: 5_000,
  retentionRate: 10,
  retentionQuietSec: 1,
  retentionBudgetSec: 60,
  waitsRuns: 200,
  waitsResumed: 100,
  waitsTimers: 100,
  waitsBudgetSec: 60,
};

export const SCENARIOS = [
  'pgbench',
  'pg-boss',
  'graphile-worker',
  'bullmq',
  'drain',
  'trigger',
  'latency',
  'sequential',
  'parallel',
  'if-else',
  'scale',
  'fan-out',
  'webhooks',
  'retention',
  'waits',
];

/** The peers' versions and the grids they run over, for the machine line. */
function describePeers(sizes, log) {
  const peers = {
    pgBoss: {
      version: packageVersion('pg-boss'),
      api: 'work() with burstWhenBatchFull',
      localConcurrency: sizes.pgBossLocalConcurrency,
      batchSize: sizes.pgBossBatchSize,
    },
    graphileWorker: {
      version: packageVersion('graphile-worker'),
      api: 'run()',
      concurrency: sizes.graphileWorkerConcurrency,
      batching: sizes.graphileWorkerBatching.map((b) => b ?? 'off'),
    },
    bullmq: { version: packageVersion('bullmq'), concurrency: sizes.bullMqConcurrency, durable: false },
    jobsPerCell: sizes.baselineJobs,
    cellBudgetSec: sizes.baselineCellBudgetSec,
  };
  try {
    peers.peerNode = nodeVersion(node22Binary({ log }));
  } catch (err) {
    peers.peerNode = `unavailable: ${String(err?.message ?? err).slice(0, 200)}`;
  }
  return peers;
}

/**
 * Runs the scenarios and returns their lines. `distRoot` is the compiled build the processes run
 * from; `onLine` gets each line as soon as it is known; `reportPath` set writes the Markdown.
 */
export async function runBench({
  sizes = FULL,
  only = SCENARIOS,
  distRoot = join(ROOT, 'dist'),
  databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  workerConcurrency = 16,
  profile = false,
  onLine = () => undefined,
  log = () => undefined,
  reportPath = null,
  command = 'npm run bench',
} = {}) {
  const pg = require('pg');
  const { Redis } = require('ioredis');
  const id = randomBytes(4).toString('hex');
  const schema = `bench_${id}`;
  const prefix = `bench:${id}`;
  const startedAt = new Date();
  const t0 = performance.now();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  // Abuse limits (requests per caller per minute) off: one load generator is one caller, and the
  // bench measures the engine, not the limiter.
  const env = {
    DEMITON_DEV_MODE: 'on',
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    DATABASE_POOL_MAX: '10',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_CALLER: '0',
    RATE_LIMIT_PER_ORG: '0',
    // Names the processes' PostgreSQL backends, so their CPU can be told from other clients' (processes.mjs).
    PGAPPNAME: schema,
  };
  const lines = [];
  const emit = (line) => {
    lines.push(line);
    judge(lines);
    onLine(line);
  };
  // Each scenario starts from a flushed server: without this, the WAL a scenario writes (pgbench's
  // most of all) starts a checkpoint in the middle of the next one, whose page writes and full-page
  // images then count against whichever scenario it lands in. Needs the pg_checkpoint role (or
  // superuser); without it the scenarios run as they come, and the machine line says so.
  let checkpoints = false;
  const attempt = async (scenario, fn) => {
    log(`… ${scenario}`);
    if (checkpoints) await pool.query('CHECKPOINT');
    const s0 = performance.now();
    const seconds = () => Math.round((performance.now() - s0) / 100) / 10;
    try {
      emit({ scenario, ...(await fn()), benchSeconds: seconds() });
    } catch (err) {
      emit({ scenario, error: String(err?.message ?? err).slice(0, 2_000), benchSeconds: seconds() });
    }
    log(`  ${scenario}: ${seconds()} s`);
  };
  let controlPlane = null;
  let queue = null;
  let keeper = null;
  let ctx = null;
  let machine;
  try {
    machine = await describeMachine(pool, redis);
    // With autovacuum off on the server, the schema's statistics are kept as autovacuum would.
    keeper = await startStatisticsKeeper(pool, schema);
    machine.benchAnalyzes = keeper.active;
    checkpoints = await pool.query('CHECKPOINT').then(
      () => true,
      () => false,
    );
    machine.checkpointBeforeEachScenario = checkpoints;
    machine.checkpointBeforeEachPeerCell = checkpoints && sizes.checkpointPeerCells;
    machine.workersReused = sizes.reuseWorkers;
    machine.peers = describePeers(sizes, log);
    emit({ scenario: 'machine', ...machine, schema, redisPrefix: prefix });
    const cpuProfDir = join(ROOT, 'bench', 'results', `profile-${id}`);
    if (profile) mkdirSync(cpuProfDir, { recursive: true });
    controlPlane = await startControlPlane({ distRoot, env, cpuProfDir: profile ? join(cpuProfDir, 'control-plane') : undefined });
    const { DEV_ORG_ID } = loadDist(distRoot, 'shared/store/organisations.js');
    queue = loadDist(distRoot, 'shared/queue/redis-queue.js').createRedisQueue({ url: redisUrl, prefix });
    ctx = new BenchContext({
      pg: pool,
      distRoot,
      env,
      url: controlPlane.url,
      orgId: DEV_ORG_ID,
      workerConcurrency,
      cpuProfDir: profile ? cpuProfDir : undefined,
      log,
      controlPlanePid: controlPlane.pid,
      reuseWorkers: sizes.reuseWorkers,
    });

    if (only.includes('pgbench'))
      await attempt('baseline-pgbench', () =>
        pgbenchInserts({
          pg: pool,
          databaseUrl,
          schema,
          clients: 8,
          ...(sizes.pgbenchSeconds ? { seconds: sizes.pgbenchSeconds } : { transactions: sizes.pgbenchTransactions }),
        }),
      );
    // One client, one commit at a time: the floor under a sequential run's per-task commits.
    if (only.includes('pgbench'))
      await attempt('baseline-commit-latency', () =>
        pgbenchInserts({
          pg: pool,
          databaseUrl,
          schema,
          clients: 1,
          ...(sizes.pgbenchSeconds ? { seconds: Math.min(3, sizes.pgbenchSeconds) } : { transactions: sizes.pgbenchTransactions }),
        }),
      );
    // The peers one at a time, each cell after a CHECKPOINT of its own (in the peer's process).
    const peerCell = {
      databaseUrl,
      jobs: sizes.baselineJobs,
      budgetSec: sizes.baselineCellBudgetSec,
      checkpoints: checkpoints && sizes.checkpointPeerCells,
    };
    if (only.includes('pg-boss'))
      await attempt('baseline-pg-boss', () =>
        pgBossBaseline(
          { ...peerCell, schema: `${schema}_pgboss`, localConcurrency: sizes.pgBossLocalConcurrency, batchSize: sizes.pgBossBatchSize },
          { log },
        ),
      );
    if (only.includes('graphile-worker'))
      await attempt('baseline-graphile-worker', () =>
        graphileWorkerBaseline(
          {
            ...peerCell,
            schema: `${schema}_graphile`,
            concurrency: sizes.graphileWorkerConcurrency,
            batching: sizes.graphileWorkerBatching,
          },
          { log },
        ),
      );
    if (only.includes('bullmq'))
      await attempt('baseline-bullmq', () =>
        bullMqSweep({
          redisUrl,
          prefix: `${prefix}:bull`,
          jobs: sizes.baselineJobs,
          concurrency: sizes.bullMqConcurrency,
          budgetSec: sizes.baselineCellBudgetSec,
          log,
        }),
      );
    if (only.includes('drain')) await attempt('drain', () => drain(ctx, { runs: sizes.drainRuns, queue, budgetSec: sizes.drainBudgetSec }));
    if (only.includes('trigger'))
      await attempt('trigger', () =>
        trigger(ctx, {
          runs: sizes.triggerRuns,
          warmUp: sizes.triggerWarmUp,
          connections: sizes.connections,
          budgetSec: sizes.triggerBudgetSec,
        }),
      );
    if (only.includes('latency'))
      await attempt('latency', () => latency(ctx, { ratePerSec: sizes.latencyRate, seconds: sizes.latencySeconds }));
    if (only.includes('sequential'))
      await attempt('sequential', () => sequential(ctx, { tasks: sizes.sequentialTasks, runs: sizes.sequentialRuns }));
    if (only.includes('parallel'))
      await attempt('parallel', () =>
        parallel(ctx, { branches: sizes.parallelBranches, length: sizes.parallelBranchLength, runs: sizes.parallelRuns }),
      );
    if (only.includes('if-else'))
      await attempt('if-else', () =>
        ifElse(ctx, {
          runs: sizes.ifElseRuns,
          rounds: sizes.ifElseRounds,
          warmUp: sizes.ifElseWarmUp,
          queue,
          budgetSec: sizes.ifElseBudgetSec,
        }),
      );
    if (only.includes('scale'))
      await attempt('scale', () =>
        scale(ctx, { workerCounts: sizes.scaleWorkers, runs: sizes.scaleRuns, queue, budgetSec: sizes.scaleBudgetSec }),
      );
    if (only.includes('fan-out'))
      for (const [i, records] of sizes.fanOutRecords.entries())
        await attempt('fan-out', () =>
          fanOut(ctx, { records, concurrency: sizes.fanOutConcurrency, budgetSec: sizes.fanOutBudgetSec[i] ?? 300 }),
        );
    if (only.includes('fan-out') && sizes.fanOutSpreadWorkers > 1)
      await attempt('fan-out', () =>
        fanOut(ctx, {
          records: sizes.fanOutSpreadRecords,
          concurrency: sizes.fanOutConcurrency,
          budgetSec: sizes.fanOutBudgetSec[0] ?? 300,
          workers: sizes.fanOutSpreadWorkers,
        }),
      );
    if (only.includes('webhooks'))
      await attempt('webhooks', () => webhooks(ctx, { ratePerSec: sizes.webhookRate, seconds: sizes.webhookSeconds }));
    if (only.includes('retention'))
      await attempt('retention', () =>
        retention(ctx, {
          chunkRows: sizes.retentionChunkRows,
          ratePerSec: sizes.retentionRate,
          quietSeconds: sizes.retentionQuietSec,
          chunkBatch: sizes.retentionChunkBatch,
          budgetSec: sizes.retentionBudgetSec,
        }),
      );
    if (only.includes('waits'))
      await attempt('waits', () =>
        waits(ctx, {
          runs: sizes.waitsRuns,
          resumed: sizes.waitsResumed,
          timers: sizes.waitsTimers,
          queue,
          budgetSec: sizes.waitsBudgetSec,
        }),
      );
    if (profile) log(`CPU profiles in ${cpuProfDir}`);
  } finally {
    await ctx?.stopIdleWorkers().catch(() => undefined);
    if (ctx) log(`worker processes started: ${ctx.workersStarted}`);
    await keeper?.stop().catch(() => undefined);
    await controlPlane?.stop().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`).catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}_graphile" CASCADE`).catch(() => undefined);
    // The platform's keys live under the hash-tagged `{prefix}:` (shared/queue/redis-keys.ts), BullMQ's under `prefix:bull`.
    for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000).catch(() => ['0', []]);
        if (keys.length) await redis.del(...keys).catch(() => undefined);
        cursor = next;
      } while (cursor !== '0');
    }
    redis.disconnect();
    await pool.end();
  }
  const durationSec = Math.round((performance.now() - t0) / 1000);
  if (reportPath) {
    const { scenario: _s, ...m } = lines.find((l) => l.scenario === 'machine') ?? {};
    writeReport(
      reportPath,
      renderMarkdown({
        machine: machine ?? m,
        command,
        startedAt: startedAt.toISOString(),
        durationSec,
        lines: lines.filter((l) => l.scenario !== 'machine'),
        settings: { workerConcurrency },
        sizes,
      }),
      lines,
    );
  }
  return lines;
}

function parseArgs(argv) {
  const has = (f) => argv.includes(f);
  const value = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const unknown = argv.filter((a) => !/^--(quick|profile|no-write|only=.+|set=\w+=.+|concurrency=\d+|dist=.+)$/.test(a));
  if (unknown.length) throw new Error(`unknown argument(s): ${unknown.join(' ')}`);
  const only = value('only')?.split(',') ?? SCENARIOS;
  const bad = only.filter((s) => !SCENARIOS.includes(s));
  if (bad.length) throw new Error(`unknown scenario(s): ${bad.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  const quick = has('--quick');
  const sizes = { ...(quick ? QUICK : FULL) };
  const overrides = argv.filter((a) => a.startsWith('--set='));
  for (const a of overrides) {
    const [name, ...rest] = a.slice('--set='.length).split('=');
    if (!(name in FULL)) throw new Error(`unknown size ${name} (known: ${Object.keys(FULL).join(', ')})`);
    try {
      sizes[name] = JSON.parse(rest.join('='));
    } catch {
      throw new Error(`--set=${name}= takes a JSON value, e.g. --set=drainRuns=5000 or --set=scaleWorkers=[1,2]`);
    }
  }
  const full = !quick && !overrides.length && only.length === SCENARIOS.length;
  return {
    sizes,
    only,
    profile: has('--profile'),
    ...(value('dist') ? { distRoot: resolve(value('dist')) } : {}),
    workerConcurrency: Number(value('concurrency') ?? 128),
    // Only a full run at the sizes replaces the published table.
    reportPath: full && !has('--no-write') ? join(ROOT, 'docs', 'benchmarks.md') : null,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  let lines;
  try {
    lines = await runBench({ ...args, onLine: (l) => console.log(JSON.stringify(l)), log: (m) => console.error(m) });
  } catch (err) {
    console.error(`bench failed: ${err?.stack ?? err}`);
    process.exit(1);
  }
  if (args.reportPath) console.error(`wrote ${args.reportPath}`);
  process.exit(lines.some((l) => l.error) ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
