/**
 * `npm run bench -- --quick` run by a test, so the harness cannot rot: the bench's own entry point
 * (bench/run.mjs, as `npm run bench` starts it) with --quick, against the real PostgreSQL and Redis,
 * its worker and control-plane processes built from the current source by bench/transpile.mjs
 * (about a second; `npm run bench` first runs `npm run build:server`, about 40 s here). Every
 * scenario and every cell of every peer's grid runs once at tiny sizes and prints a JSON line of
 * the documented shape; the Markdown is rendered from those lines. No speed is asserted: on a
 * loaded machine of two cores only the shape and the sanity of the figures are stable. What keeps
 * it short is asserted instead: one worker process reused across scenarios (3 starts, not 17) and
 * no CHECKPOINT per peer cell.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM modules of the harness, without type declarations
import { QUICK } from './run.mjs';
// @ts-expect-error -- idem
import { transpileTree } from './transpile.mjs';
// @ts-expect-error -- idem
import { BEGIN, END, judge, renderMarkdown, writeReport } from './report.mjs';

type Line = Record<string, any>;

const ROOT = resolve(__dirname, '..');
const id = randomBytes(4).toString('hex');
const distRoot = join(ROOT, 'bench', 'results', `dist-smoke-${id}`);
const reportPath = join(tmpdir(), `demiton-bench-smoke-${id}.md`);

let lines: Line[] = [];
let exitCode: number | null = null;
let stderr = '';

beforeAll(async () => {
  transpileTree(ROOT, distRoot);
  const child = spawn(process.execPath, ['bench/run.mjs', '--quick', `--dist=${distRoot}`, '--concurrency=8'], {
    cwd: ROOT,
    env: {
      ...process.env,
      BENCH_DATABASE_URL: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
      BENCH_REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  exitCode = await new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  lines = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  const { scenario: _s, ...machine } = lines.find((l) => l.scenario === 'machine') ?? {};
  writeReport(
    reportPath,
    renderMarkdown({
      machine,
      command: 'npm run bench -- --quick',
      startedAt: new Date().toISOString(),
      durationSec: 1,
      lines: judge(lines.filter((l) => l.scenario !== 'machine')),
      settings: { workerConcurrency: 8 },
    }),
  );
  // Under a minute on an idle machine of two cores; several when other suites share it.
}, 420_000);

afterAll(() => {
  rmSync(distRoot, { recursive: true, force: true });
  rmSync(reportPath, { force: true });
});

const one = (scenario: string) => {
  const found = lines.filter((l) => l.scenario === scenario);
  expect(found, scenario).toHaveLength(1);
  return found[0]!;
};
// Percentiles of real durations: positive and in order.
const isPercentiles = (s: Line) => s.p50 > 0 && s.p50 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.max;

const cellCount = (b: Line) => b.cells.filter((c: Line) => !c.error && c.jobs > 0 && c.jobsPerSec > 0).length;

describe('npm run bench -- --quick (tiny sizes, real services)', () => {
  it('runs every scenario without an error line and exits 0', () => {
    expect(lines.filter((l) => l.error || l.cells?.some((c: Line) => c.error))).toEqual([]);
    expect(exitCode, stderr.slice(-4_000)).toBe(0);
    expect(lines.map((l) => l.scenario)).toEqual([
      'machine',
      'baseline-pgbench',
      'baseline-commit-latency',
      'baseline-pg-boss',
      'baseline-graphile-worker',
      'baseline-bullmq',
      'drain',
      'trigger',
      'latency',
      'sequential',
      'parallel',
      'if-else',
      'scale',
      'fan-out',
      'fan-out',
      'fan-out',
      'webhooks',
      'retention',
      'waits',
    ]);
    // Each scenario's seconds, printed as it ends.
    for (const l of lines.slice(1)) expect(l.benchSeconds, l.scenario).toBeGreaterThan(0);
    expect(stderr).toMatch(/ {2}drain: [\d.]+ s/);
  });

  it('reports the machine, the durability settings, and the versions and grids of the peers', () => {
    const m = one('machine');
    expect(m.cpus).toBeGreaterThan(0);
    expect(m.postgres).toMatch(/^\d+/);
    expect(m.redis).toMatch(/^\d+\./);
    expect(['on', 'off']).toContain(m.fsync);
    expect(typeof m.synchronousCommit).toBe('string');
    // Without autovacuum on the server, the bench keeps its tables' statistics itself.
    expect(['on', 'off']).toContain(m.autovacuum);
    expect(m.benchAnalyzes).toBe(m.autovacuum !== 'on');
    // The tests connect as a superuser, who may CHECKPOINT between scenarios; --quick leaves out
    // the CHECKPOINT of each peer cell and keeps one worker process from scenario to scenario.
    expect(m.checkpointBeforeEachScenario).toBe(true);
    expect(m.checkpointBeforeEachPeerCell).toBe(false);
    expect(m.workersReused).toBe(true);
    // One worker for the single-worker scenarios; each scale cell of n workers starts n − 1 more,
    // and so does the fan-out over n workers.
    const starts = 1 + QUICK.scaleWorkers.reduce((a: number, n: number) => a + n - 1, 0) + QUICK.fanOutSpreadWorkers - 1;
    expect(stderr).toContain(`worker processes started: ${starts}`);
    expect(m.peers.pgBoss).toMatchObject({ version: expect.stringMatching(/^12\./), localConcurrency: [1, 2, 4, 8], batchSize: [50, 200] });
    expect(m.peers.graphileWorker).toMatchObject({ version: expect.stringMatching(/^0\.\d+\./), concurrency: [1, 4, 16, 64] });
    expect(m.peers.bullmq).toMatchObject({ concurrency: [1, 16, 64, 128], durable: false });
    expect(m.peers.peerNode).toMatch(/^v2[2-9]\./);
  });

  it('measures pgbench and every cell of the grid of each peer, and reports the best cell', () => {
    // pgbench comes with the PostgreSQL server the tests run on (scripts/ensure-services.sh).
    const pgbench = one('baseline-pgbench');
    expect(pgbench.skipped).toBeUndefined();
    expect(pgbench.transactions).toBe(QUICK.pgbenchTransactions * 8);
    expect(pgbench.tps).toBeGreaterThan(0);
    const single = one('baseline-commit-latency');
    expect(single).toMatchObject({ clients: 1, transactions: QUICK.pgbenchTransactions });
    expect(single.latencyAvgMs).toBeGreaterThan(0);

    const jobs = QUICK.baselineJobs;
    const boss = one('baseline-pg-boss');
    expect(boss).toMatchObject({ jobs, node: expect.stringMatching(/^v2[2-9]\./) });
    expect(boss.cells.map((c: Line) => [c.localConcurrency, c.batchSize])).toEqual([
      [1, 50],
      [1, 200],
      [2, 50],
      [2, 200],
      [4, 50],
      [4, 200],
      [8, 50],
      [8, 200],
    ]);
    const graphile = one('baseline-graphile-worker');
    expect(graphile.cells.map((c: Line) => [c.concurrency, c.batching === 'off' ? 'off' : 'on'])).toEqual(
      [1, 4, 16, 64].flatMap((c) => [
        [c, 'off'],
        [c, 'on'],
      ]),
    );
    const bull = one('baseline-bullmq');
    expect(bull.cells.map((c: Line) => c.concurrency)).toEqual([1, 16, 64, 128]);
    expect(bull.durable).toBe(false);
    for (const b of [boss, graphile, bull]) {
      // Every cell drained all its jobs (the budget is far above what 50 jobs take).
      expect(cellCount(b)).toBe(b.cells.length);
      for (const c of b.cells) expect(c).toMatchObject({ jobs, complete: true });
      expect(b.jobsPerSec).toBe(Math.max(...b.cells.map((c: Line) => c.jobsPerSec)));
      expect(b.best.jobsPerSec).toBe(b.jobsPerSec);
    }
  });

  it('drains every committed run, and every HTTP trigger becomes a finished run', () => {
    const d = one('drain');
    expect(d).toMatchObject({ committed: 50, complete: true, runs: 50, succeeded: 50, workerConcurrency: 8 });
    expect(d.runsPerSec).toBeGreaterThan(0);
    expect(d.workerPeakRssMiB).toBeGreaterThan(0);
    expect(Object.keys(d.ratios).sort()).toEqual(['toBullMq', 'toGraphileWorker', 'toPgBoss', 'toPgbench']);
    expect(d.targets.map((t: Line) => t.target)).toEqual(['≥ 1×', '≥ 1×']);

    const t = one('trigger');
    // The warm-up's triggers run on a workflow of their own: the measured figures count none of them.
    expect(t).toMatchObject({
      requests: 50,
      complete: true,
      accepted: 50,
      byStatus: { 202: 50 },
      succeeded: 50,
      connections: 8,
      warmUpTriggers: 20,
    });
    expect(t.warmUpTriggersPerSec).toBeGreaterThan(0);
    expect(isPercentiles(t.responseMs)).toBe(true);
    expect(t.triggersPerSec).toBeGreaterThan(0);
    expect(t.targets[0].target).toBe('≥ 0.3×');
    // CPU per trigger of every process involved (PostgreSQL runs on this machine in the test).
    // Each is read from /proc (null when it could not be); /proc counts 10 ms ticks, so one process's
    // share of 50 triggers may round to 0, but all of them together did measurable work.
    const cpu = ['controlPlaneCpuMsPerTrigger', 'workerCpuMsPerRun', 'postgresCpuMsPerRun', 'loadGeneratorCpuMsPerTrigger'].map(
      (k) => t[k],
    );
    for (const v of cpu) expect(Number.isFinite(v)).toBe(true);
    expect(cpu.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Number.isFinite(d.postgresCpuMsPerRun) && Number.isFinite(d.workerCpuMsPerRun)).toBe(true);
  });

  it('derives latencies from server timestamps for every run sent at the fixed rate', () => {
    const l = one('latency');
    expect(l).toMatchObject({ ratePerSec: 20, seconds: 1, sent: 20, byStatus: { 202: 20 }, succeeded: 20 });
    expect(isPercentiles(l.triggerToStartMs)).toBe(true);
    expect(isPercentiles(l.triggerToFinishMs)).toBe(true);
    expect(l.triggerToFinishMs.p50).toBeGreaterThanOrEqual(l.triggerToStartMs.p50);
    expect(l.targets.map((x: Line) => x.metric)).toEqual(['trigger→start p50', 'trigger→start p99']);
  });

  it('runs the 40-task chain and the 4 × 10 parallel branches joined, one run at a time', () => {
    const s = one('sequential');
    expect(s).toMatchObject({ tasks: 40, runs: 3, succeeded: 3 });
    expect(s.endToEndMedianMs).toBeGreaterThan(0);
    expect(s.commitFloorMs).toBeGreaterThan(0);
    expect(typeof s.ratios.toCommitFloor).toBe('number');
    const p = one('parallel');
    expect(p).toMatchObject({ branches: 4, branchLength: 10, tasks: 41, runs: 3, succeeded: 3 });
    expect(isPercentiles(p.endToEndMs)).toBe(true);
    expect(p.targets[0]).toMatchObject({ metric: 'end-to-end median', target: '≤ 40 ms' });
  });

  it('drains the if/else workflow with half the branches skipped, against the same graph without when', () => {
    const e = one('if-else');
    const runs = QUICK.ifElseRuns;
    expect(e).toMatchObject({ runsPerRound: runs, rounds: 1 });
    expect(e.when).toMatchObject({ runs, succeeded: runs });
    expect(e.noWhen).toMatchObject({ runs, succeeded: runs });
    expect(e.when.runsPerSecMedian).toBeGreaterThan(0);
    expect(e.noWhen.runsPerSecMedian).toBeGreaterThan(0);
    // One branch of each run skipped: 4 tasks per run, one of them SKIPPED.
    expect(e.skippedTasks).toEqual({ skipped: runs, tasks: 4 * runs });
    expect(e.targets[0].target).toBe('≥ 0.9×');
  });

  it('drains with 1, 2 and 4 worker processes and reports CPU per run for each', () => {
    const sc = one('scale');
    expect(sc.cells.map((c: Line) => [c.workers, c.runs, c.succeeded, c.complete])).toEqual(
      QUICK.scaleWorkers.map((n: number) => [n, QUICK.scaleRuns, QUICK.scaleRuns, true]),
    );
    for (const c of sc.cells) {
      expect(c.runsPerSec).toBeGreaterThan(0);
      expect(Number.isFinite(c.postgresCpuMsPerRun) && Number.isFinite(c.workerCpuMsPerRun)).toBe(true);
    }
  });

  it('parks every waits run, resumes them by event and by timer, with the figures its targets judge', () => {
    const w = one('waits');
    expect(w).toMatchObject({ runs: QUICK.waitsRuns, allWaiting: true, allResumed: true, allTimersResumed: true, eventFailures: 0 });
    expect(w.idleRssMiB).toBeGreaterThan(0);
    expect(w.resumeToTaskEndMs.p50).toBeGreaterThanOrEqual(0);
    expect(w.timerLagSec.max).toEqual(expect.any(Number));
    expect(w.targets.map((t: Line) => t.metric)).toHaveLength(5);
  });

  it('runs the fan-outs to completion, one with 2 workers up and their CPU shares', () => {
    const fans = lines.filter((l) => l.scenario === 'fan-out');
    expect(fans.map((f) => [f.records, f.status, f.chunksSucceeded, f.complete, f.workers])).toEqual([
      [200, 'SUCCEEDED', 200, true, undefined],
      [1_000, 'SUCCEEDED', 1_000, true, undefined],
      [QUICK.fanOutSpreadRecords, 'SUCCEEDED', QUICK.fanOutSpreadRecords, true, 2],
    ]);
    const shares = fans[2]!.workerCpuShares as number[];
    expect(shares).toHaveLength(2);
    // Each worker's part of the two workers' CPU over the fan-out (/proc ticks, so it sums to 1 ± rounding).
    expect(Math.abs(shares[0]! + shares[1]! - 1)).toBeLessThanOrEqual(0.011);
    expect(fans[2]!.targets.map((x: Line) => x.metric)).toEqual(["busiest worker's share of the workers' CPU"]);
    for (const f of fans) expect(f.workerPeakRssMiB).toBeGreaterThan(0);
    expect(fans[1]!.targets.map((x: Line) => x.metric)).toEqual([
      'chunks/s ÷ best BullMQ jobs/s',
      'worker peak RSS',
      'peak RSS ÷ peak at 200 records',
    ]);
  });

  it('sends signed webhook deliveries and finds the committed run of every one', () => {
    const w = one('webhooks');
    const total = QUICK.webhookRate * QUICK.webhookSeconds;
    expect([w.sent, w.accepted, w.runsFound, w.lost, w.complete]).toEqual([total, total, total, 0, true]);
    expect(w.byStatus).toEqual({ 202: total });
    expect(w.targets.map((x: Line) => x.metric)).toEqual(['signed deliveries accepted/s', 'deliveries lost']);
  });

  it('renders the Markdown with every section and drops its schemas and Redis keys', async () => {
    expect(existsSync(reportPath)).toBe(true);
    const md = readFileSync(reportPath, 'utf8');
    expect(md).toContain(BEGIN);
    expect(md).toContain(END);
    expect(md).toContain('| 1. drain 50 committed single-task runs |');
    expect(md).toContain('fsync on');
    expect(md).toMatch(
      /\| pg-boss 12\.[\d.]+ \(Node v22\.[\d.]+\), 50 no-op jobs per cell \| \*\*[\d,]+ jobs\/s\*\* at localConcurrency \d × batchSize \d+/,
    );
    expect(md).toContain('not durable as a committed PostgreSQL row is');
    expect(md).toContain('| 5. 4 parallel branches of 10 tasks and a join (41 tasks), median of 3 |');
    expect(md).toContain('### Azure capacity, a paper estimate from this run');
    expect(md).toMatch(/Seconds per scenario: baseline-pgbench [\d.]+/);
    expect(md).toMatch(
      /CPU per trigger: control plane [\d.]+, worker [\d.]+, PostgreSQL [\d.]+, load generator [\d.]+ ms, [\d.]+ ms in all \(on \d+ cores at most ≈ [\d,]+ triggers\/s\)/,
    );
    const machine = one('machine');
    expect(machine.schema).toMatch(/^bench_[0-9a-f]{8}$/);
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' });
    await c.connect();
    try {
      const { rows } = await c.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE $1::text', [
        `${machine.schema}%`,
      ]);
      expect(rows).toEqual([]);
    } finally {
      await c.end();
    }
    const { Redis } = await import('ioredis');
    const r = new Redis(process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    try {
      expect(await r.keys(`${machine.redisPrefix}:*`)).toEqual([]);
      expect(await r.keys(`{${machine.redisPrefix}}:*`)).toEqual([]);
    } finally {
      r.disconnect();
    }
  });
});
