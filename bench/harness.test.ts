/**
 * Smoke test of the bench harness at tiny sizes, against the real PostgreSQL and Redis: every
 * scenario runs end to end in separate worker and control-plane processes (built from the current
 * source by bench/transpile.mjs), produces a JSON line of the documented shape, and the Markdown
 * report is written. No timing is asserted: speed lives in `npm run bench`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM modules of the harness, without type declarations
import { FULL, runBench } from './run.mjs';
// @ts-expect-error -- idem
import { transpileTree } from './transpile.mjs';
// @ts-expect-error -- idem
import { BEGIN, END } from './report.mjs';

type Line = Record<string, any>;

const ROOT = resolve(__dirname, '..');
const id = randomBytes(4).toString('hex');
const distRoot = join(ROOT, 'bench', 'results', `dist-smoke-${id}`);
const reportPath = join(tmpdir(), `demiton-bench-smoke-${id}.md`);
const SMOKE = {
  ...FULL,
  pgbenchSeconds: 0,
  pgbenchTransactions: 20,
  baselineJobs: 50,
  drainRuns: 50,
  triggerRuns: 50,
  triggerWarmUp: 20,
  connections: 8,
  latencyRate: 20,
  latencySeconds: 1,
  sequentialTasks: 5,
  sequentialRuns: 3,
  fanOutRecords: [200, 1_000],
  fanOutConcurrency: 8,
};

let lines: Line[] = [];

beforeAll(async () => {
  transpileTree(ROOT, distRoot);
  lines = await runBench({ sizes: SMOKE, distRoot, workerConcurrency: 4, reportPath, command: 'bench smoke test' });
}, 240_000);

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

describe('bench harness (tiny sizes, real services)', () => {
  it('runs every scenario without an error line', () => {
    expect(lines.filter((l) => l.error)).toEqual([]);
    expect(lines.map((l) => l.scenario)).toEqual([
      'machine',
      'baseline-pgbench',
      'baseline-commit-latency',
      'baseline-pg-boss',
      'baseline-bullmq',
      'drain',
      'trigger',
      'latency',
      'sequential',
      'fan-out',
      'fan-out',
    ]);
  });

  it('reports the machine and the durability settings measured under', () => {
    const m = one('machine');
    expect(m.cpus).toBeGreaterThan(0);
    expect(m.postgres).toMatch(/^\d+/);
    expect(m.redis).toMatch(/^\d+\./);
    expect(['on', 'off']).toContain(m.fsync);
    expect(typeof m.synchronousCommit).toBe('string');
    // Without autovacuum on the server, the bench keeps its tables' statistics itself.
    expect(['on', 'off']).toContain(m.autovacuum);
    expect(m.benchAnalyzes).toBe(m.autovacuum !== 'on');
    // The tests connect as a superuser, who may CHECKPOINT between scenarios.
    expect(m.checkpointBeforeEachScenario).toBe(true);
  });

  it('measures the baselines with the requested counts', () => {
    // pgbench comes with the PostgreSQL server the tests run on (scripts/ensure-services.sh).
    const pgbench = one('baseline-pgbench');
    expect(pgbench.skipped).toBeUndefined();
    expect(pgbench.transactions).toBe(20 * 8);
    expect(pgbench.tps).toBeGreaterThan(0);
    const single = one('baseline-commit-latency');
    expect(single.skipped).toBeUndefined();
    expect(single).toMatchObject({ clients: 1, transactions: 20 });
    expect(single.latencyAvgMs).toBeGreaterThan(0);
    expect(one('baseline-pg-boss')).toMatchObject({ jobs: 50, batchSize: FULL.pgBossBatchSize });
    expect(one('baseline-bullmq')).toMatchObject({ jobs: 50, concurrency: 4 });
    expect(one('baseline-pg-boss').jobsPerSec).toBeGreaterThan(0);
    expect(one('baseline-bullmq').jobsPerSec).toBeGreaterThan(0);
  });

  it('drains every committed run, and every HTTP trigger becomes a finished run', () => {
    const d = one('drain');
    expect(d).toMatchObject({ committed: 50, complete: true, runs: 50, succeeded: 50, workerConcurrency: 4 });
    expect(d.runsPerSec).toBeGreaterThan(0);
    expect(d.workerPeakRssMiB).toBeGreaterThan(0);
    expect(Object.keys(d.ratios).sort()).toEqual(['toBullMq', 'toPgBoss', 'toPgbench']);
    expect(d.targets[0]).toMatchObject({ target: '≥ 1×' });

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

  it('runs the sequential workflow and both fan-outs to completion', () => {
    const s = one('sequential');
    expect(s).toMatchObject({ tasks: 5, runs: 3, succeeded: 3 });
    expect(s.endToEndMedianMs).toBeGreaterThan(0);
    expect(s.commitFloorMs).toBeGreaterThan(0);
    expect(typeof s.ratios.toCommitFloor).toBe('number');
    const fans = lines.filter((l) => l.scenario === 'fan-out');
    expect(fans.map((f) => [f.records, f.status, f.chunksSucceeded, f.complete])).toEqual([
      [200, 'SUCCEEDED', 200, true],
      [1_000, 'SUCCEEDED', 1_000, true],
    ]);
    for (const f of fans) expect(f.workerPeakRssMiB).toBeGreaterThan(0);
    expect(fans[1]!.targets.map((x: Line) => x.metric)).toEqual(['worker peak RSS', 'peak RSS ÷ peak at 200 records']);
  });

  it('writes the Markdown report between its markers and drops its schemas and Redis keys', async () => {
    expect(existsSync(reportPath)).toBe(true);
    const md = readFileSync(reportPath, 'utf8');
    expect(md).toContain(BEGIN);
    expect(md).toContain(END);
    expect(md).toContain('| 1. drain 50 committed single-task runs |');
    expect(md).toContain('fsync on');
    expect(md).toMatch(
      /CPU per trigger: control plane [\d.]+, worker [\d.]+, PostgreSQL [\d.]+, load generator [\d.]+ ms, [\d.]+ ms in all \(on \d+ cores at most ≈ [\d,]+ triggers\/s\)/,
    );
    const machine = one('machine');
    expect(machine.schema).toMatch(/^bench_[0-9a-f]{8}$/);
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' });
    await c.connect();
    try {
      const { rows } = await c.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ($1::text, $2::text)', [
        machine.schema,
        `${machine.schema}_pgboss`,
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
