/**
 * `npm run bench`: measures Demiton against the physical limit (pgbench commits) and peer queues
 * (pg-boss, BullMQ) on this machine's PostgreSQL and Redis, prints one JSON line per scenario and
 * writes the table into docs/benchmarks.md. Everything lives in a schema and Redis prefix of its
 * own, dropped at the end.
 *
 *   node bench/run.mjs [--quick] [--only=drain,trigger,...] [--profile] [--no-write] [--concurrency=N] [--dist=DIR]
 *
 * --quick runs every scenario at a tenth of the size (for trying changes); only a full run writes
 * docs/benchmarks.md. --profile writes CPU profiles of every worker and of the control plane to bench/results/.
 * --dist runs the processes from another build (e.g. one made by bench/transpile.mjs).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bullMqBurnDown } from './baselines/bullmq.mjs';
import { pgBossBurnDown } from './baselines/pg-boss.mjs';
import { pgbenchInserts } from './baselines/pgbench.mjs';
import { BenchContext, loadDist } from './context.mjs';
import { describeMachine } from './machine.mjs';
import { startStatisticsKeeper } from './statistics-keeper.mjs';
import { startControlPlane } from './processes.mjs';
import { judge, renderMarkdown, writeReport } from './report.mjs';
import { drain } from './scenarios/drain.mjs';
import { fanOut } from './scenarios/fan-out.mjs';
import { latency } from './scenarios/latency.mjs';
import { sequential } from './scenarios/sequential.mjs';
import { trigger } from './scenarios/trigger.mjs';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The sizes the issue asks for. */
export const FULL = {
  pgbenchSeconds: 10,
  baselineJobs: 20_000,
  pgBossBatchSize: 100,
  drainRuns: 20_000,
  triggerRuns: 20_000,
  // Unmeasured triggers first (on a workflow of their own), so the measured ones meet warm processes.
  triggerWarmUp: 4_000,
  connections: 64,
  latencyRate: 200,
  latencySeconds: 30,
  sequentialTasks: 40,
  sequentialRuns: 20,
  fanOutRecords: [100_000, 1_000_000],
  fanOutConcurrency: 64,
  // Time budgets (seconds) that keep the whole bench bounded on a busy machine: a scenario past its
  // budget reports its figure over what it finished, with complete: false.
  drainBudgetSec: 120,
  triggerBudgetSec: 120,
  fanOutBudgetSec: [120, 300],
};

/** A tenth of the size, for trying a change. */
export const QUICK = {
  ...FULL,
  pgbenchSeconds: 3,
  baselineJobs: 2_000,
  drainRuns: 2_000,
  triggerRuns: 2_000,
  triggerWarmUp: 400,
  latencySeconds: 5,
  sequentialRuns: 10,
  fanOutRecords: [10_000, 100_000],
};

export const SCENARIOS = ['pgbench', 'pg-boss', 'bullmq', 'drain', 'trigger', 'latency', 'sequential', 'fan-out'];

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
    try {
      emit({ scenario, ...(await fn()) });
    } catch (err) {
      emit({ scenario, error: String(err?.message ?? err).slice(0, 2_000) });
    }
  };
  let controlPlane = null;
  let queue = null;
  let keeper = null;
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
    emit({ scenario: 'machine', ...machine, schema, redisPrefix: prefix });
    const cpuProfDir = join(ROOT, 'bench', 'results', `profile-${id}`);
    if (profile) mkdirSync(cpuProfDir, { recursive: true });
    controlPlane = await startControlPlane({ distRoot, env, cpuProfDir: profile ? join(cpuProfDir, 'control-plane') : undefined });
    const { DEV_ORG_ID } = loadDist(distRoot, 'shared/store/organisations.js');
    queue = loadDist(distRoot, 'shared/queue/redis-queue.js').createRedisQueue({ url: redisUrl, prefix });
    const ctx = new BenchContext({
      pg: pool,
      distRoot,
      env,
      url: controlPlane.url,
      orgId: DEV_ORG_ID,
      workerConcurrency,
      cpuProfDir: profile ? cpuProfDir : undefined,
      log,
      controlPlanePid: controlPlane.pid,
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
    if (only.includes('pg-boss'))
      await attempt('baseline-pg-boss', () =>
        pgBossBurnDown({ databaseUrl, schema: `${schema}_pgboss`, jobs: sizes.baselineJobs, batchSize: sizes.pgBossBatchSize }),
      );
    if (only.includes('bullmq'))
      await attempt('baseline-bullmq', () =>
        bullMqBurnDown({ redisUrl, prefix: `${prefix}:bull`, jobs: sizes.baselineJobs, concurrency: workerConcurrency }),
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
    if (only.includes('fan-out'))
      for (const [i, records] of sizes.fanOutRecords.entries())
        await attempt('fan-out', () =>
          fanOut(ctx, { records, concurrency: sizes.fanOutConcurrency, budgetSec: sizes.fanOutBudgetSec[i] ?? 300 }),
        );
    if (profile) log(`CPU profiles in ${cpuProfDir}`);
  } finally {
    await keeper?.stop().catch(() => undefined);
    await controlPlane?.stop().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`).catch(() => undefined);
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
      }),
    );
  }
  return lines;
}

function parseArgs(argv) {
  const has = (f) => argv.includes(f);
  const value = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const unknown = argv.filter((a) => !/^--(quick|profile|no-write|only=.+|concurrency=\d+|dist=.+)$/.test(a));
  if (unknown.length) throw new Error(`unknown argument(s): ${unknown.join(' ')}`);
  const only = value('only')?.split(',') ?? SCENARIOS;
  const bad = only.filter((s) => !SCENARIOS.includes(s));
  if (bad.length) throw new Error(`unknown scenario(s): ${bad.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  const quick = has('--quick');
  const full = !quick && only.length === SCENARIOS.length;
  return {
    sizes: quick ? QUICK : FULL,
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
