/** The report judges each target on the exact figure, not on the figure as rounded for display. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module of the harness, without type declarations
import { BEGIN, END, JSON_LINES_NAME, capacityEstimate, judge, renderMarkdown, writeReport } from './report.mjs';

const baselines = [
  { scenario: 'baseline-pgbench', tps: 18_520 },
  { scenario: 'baseline-pg-boss', jobsPerSec: 6_000 },
  { scenario: 'baseline-graphile-worker', jobsPerSec: 5_000 },
  { scenario: 'baseline-bullmq', jobsPerSec: 20_000 },
];

describe('judge', () => {
  it('shows a ratio to two decimals but judges it unrounded', () => {
    const [, , , , trigger, drain] = judge([
      ...baselines,
      { scenario: 'trigger', triggersPerSec: 5_555, runsPerSec: 5_555 }, // 0.29994× pgbench
      { scenario: 'drain', runsPerSec: 5_999 }, // 0.99983× the best pg-boss cell
    ]);
    expect(trigger.ratios.triggers.toPgbench).toBe(0.3);
    expect(trigger.targets[0]).toMatchObject({ value: 0.3, target: '≥ 0.3×', met: false });
    expect(drain.ratios.toPgBoss).toBe(1);
    expect(drain.targets[0]).toMatchObject({ value: 1, met: false });
  });

  it('meets a target reached exactly or better, against the best cell of each peer', () => {
    const [, , , , trigger, drain] = judge([
      ...baselines,
      { scenario: 'trigger', triggersPerSec: 5_556, runsPerSec: 5_556 },
      { scenario: 'drain', runsPerSec: 6_000 },
    ]);
    expect(trigger.targets[0].met).toBe(true);
    expect(drain.targets.map((t: { metric: string; met: boolean }) => [t.metric, t.met])).toEqual([
      ['runs/s ÷ best pg-boss jobs/s', true],
      ['runs/s ÷ best graphile-worker jobs/s', true],
    ]);
    expect(drain.ratios.toGraphileWorker).toBe(1.2);
  });

  it('judges signed webhook ingest on the rate accepted and on no delivery lost', () => {
    const [met, slow, lost] = judge([
      { scenario: 'webhooks', acceptedPerSec: 2_000, lost: 0 },
      { scenario: 'webhooks', acceptedPerSec: 1_999.6, lost: 0 },
      { scenario: 'webhooks', acceptedPerSec: 2_400, lost: 1 },
    ]);
    expect(met.targets.map((t: { met: boolean }) => t.met)).toEqual([true, true]);
    expect(slow.targets.map((t: { met: boolean }) => t.met)).toEqual([false, true]);
    expect(lost.targets.map((t: { met: boolean }) => t.met)).toEqual([true, false]);
  });

  it('judges a retention purge on the trigger p99 during it against before, and only on that', () => {
    const [calm, stalled] = judge([
      { scenario: 'retention', responseMsBefore: { p99: 10 }, responseMsDuring: { p99: 30 } },
      { scenario: 'retention', responseMsBefore: { p99: 10 }, responseMsDuring: { p99: 30.5 } },
    ]);
    expect(calm.targets.map((t: { metric: string; met: boolean }) => [t.metric, t.met])).toEqual([
      ['trigger p99 during the purge ÷ before', true],
    ]);
    expect(stalled.targets.map((t: { met: boolean }) => t.met)).toEqual([false]);
  });

  it('judges the parallel branches, the skipped branches, the workers added and the fan-out', () => {
    const lines = judge([
      ...baselines,
      { scenario: 'sequential', tasks: 40, endToEndMedianMs: 80 },
      { scenario: 'parallel', endToEndMedianMs: 40.2 },
      { scenario: 'if-else', when: { runsPerSecMedian: 899 }, noWhen: { runsPerSecMedian: 1_000 } },
      {
        scenario: 'scale',
        cells: [
          { workers: 1, postgresCpuMsPerRun: 1 },
          { workers: 4, postgresCpuMsPerRun: 1.25 },
        ],
      },
      { scenario: 'fan-out', records: 100, chunksPerSec: 30_000, workerPeakRssMiB: 100 },
      { scenario: 'fan-out', records: 1_000, chunksPerSec: 29_999, workerPeakRssMiB: 126 },
      { scenario: 'fan-out', records: 100, workers: 2, chunksPerSec: 30_000, workerPeakRssMiB: 500, workerCpuShares: [0.76, 0.24] },
    ]);
    const by = (s: string) => lines.filter((l: { scenario: string }) => l.scenario === s);
    expect(by('parallel')[0].targets[0]).toMatchObject({ target: '≤ 40 ms', met: false });
    expect(by('parallel')[0].ratios.toChain).toBe(0.5);
    expect(by('if-else')[0].targets[0]).toMatchObject({ value: 0.9, target: '≥ 0.9×', met: false });
    expect(by('scale')[0].targets[0]).toMatchObject({ metric: 'PostgreSQL CPU per run, 4 workers ÷ 1', value: 1.25, met: true });
    const [small, large, spread] = by('fan-out');
    expect(small.targets[0]).toMatchObject({ metric: 'chunks/s ÷ best BullMQ jobs/s', value: 1.5, met: true });
    expect(large.targets.map((t: { met: boolean }) => t.met)).toEqual([false, true, false]);
    // The fan-out with 2 workers up is judged on its spread only, and is no one's RSS reference.
    expect(spread.targets).toEqual([{ metric: "busiest worker's share of the workers' CPU", value: 0.76, target: '≤ 0.75', met: false }]);
  });
});

describe('capacityEstimate', () => {
  it('turns CPU per run into runs/s per PostgreSQL vCore and per worker instance, from the costliest cell', () => {
    const md = capacityEstimate({
      machine: { cpus: 2, cpuModel: 'test CPU' },
      lines: [
        { scenario: 'baseline-pgbench', tps: 900 },
        {
          scenario: 'scale',
          cells: [
            { workers: 1, postgresCpuMsPerRun: 0.5, workerCpuMsPerRun: 1 },
            { workers: 2, postgresCpuMsPerRun: 0.8, workerCpuMsPerRun: 1.25 },
          ],
        },
      ],
    }).join('\n');
    expect(md).toContain('| scale, 2 workers | 0.8 ms | 1,250 | 1.25 ms | 800 |');
    expect(md).toContain('one PostgreSQL vCore carries about **1,250 single-task runs/s**');
    expect(md).toContain('about 5,000.');
    expect(md).toContain('With the highest worker CPU per run (1.25 ms)');
    expect(md).toContain('one 1-vCPU worker instance carries about **800 runs/s**, so 2 worker instance(s)');
    expect(md).toContain('Commit ceiling on this machine: 900 single-row commits/s');
  });

  it('says so when no CPU per run was measured', () => {
    expect(capacityEstimate({ lines: [], machine: {} }).join('\n')).toContain('No CPU per run was measured');
  });
});

describe('renderMarkdown and writeReport', () => {
  const boss = {
    scenario: 'baseline-pg-boss',
    version: '12.38.0',
    node: 'v22.23.3',
    jobs: 20_000,
    jobsPerSec: 12_488,
    best: { localConcurrency: 8, batchSize: 200, complete: true, jobsPerSec: 12_488, cpuMsPerJob: 0.025 },
    cells: [
      { localConcurrency: 1, batchSize: 50, complete: true, jobsPerSec: 3_711 },
      { localConcurrency: 4, batchSize: 50, complete: false, jobsPerSec: 5_100 },
      { localConcurrency: 8, batchSize: 200, complete: true, jobsPerSec: 12_488 },
    ],
  };
  const bull = {
    scenario: 'baseline-bullmq',
    version: '6.7.0',
    jobs: 20_000,
    jobsPerSec: 7_685,
    best: { concurrency: 128, complete: false, jobsPerSec: 7_685, cpuMsPerJob: 0.124 },
    cells: [
      { concurrency: 1, complete: true, jobsPerSec: 2_239 },
      { concurrency: 128, complete: false, jobsPerSec: 7_685 },
    ],
  };
  const machine = { cpus: 2, cpuModel: 'test CPU', memoryMiB: 1_024, node: 'v20', postgres: '15', redis: '7' };
  const render = (lines: object[]) =>
    renderMarkdown({
      machine,
      command: 'npm run bench',
      startedAt: 'now',
      durationSec: 1,
      lines: judge(lines),
      settings: { workerConcurrency: 8 },
    });

  it('shows one line per peer with its best cell and settings, and leaves the other cells to the JSON lines', () => {
    const md = render([boss, bull]);
    const peerRows = md.split('\n').filter((l: string) => /^\| (pg-boss|BullMQ) /.test(l));
    expect(peerRows).toEqual([
      '| pg-boss 12.38.0 (Node v22.23.3), 20,000 no-op jobs per cell | **12,488 jobs/s** at localConcurrency 8 × batchSize 200; client CPU 0.025 ms per job; best of 3 cells (1 reached the time budget) |',
      '| BullMQ 6.7.0, 20,000 no-op jobs per cell | **7,685 jobs/s** at concurrency 128* (Redis keeps the jobs in memory: not durable as a committed PostgreSQL row is); client CPU 0.124 ms per job; best of 2 cells (1 reached the time budget) |',
    ]);
    // The other cells' figures are nowhere on the page, and neither is a JSON line.
    expect(md).not.toContain('3,711');
    expect(md).not.toContain('2,239');
    expect(md).not.toContain('```json');
    expect(md).toContain('`*` a cell that reached its time budget');
    expect(md).toContain(`[${JSON_LINES_NAME}](${JSON_LINES_NAME})`);
  });

  it('leaves out the budget note when the best cells all finished', () => {
    expect(render([boss])).not.toContain('`*` a cell');
  });

  it('shows the CPU per run of the 40-task chain when it was read', () => {
    const md = render([
      {
        scenario: 'sequential',
        tasks: 40,
        runs: 20,
        endToEndMedianMs: 56,
        endToEndMs: { p95: 60 },
        claimToFinishMedianMs: 50,
        workerCpuMsPerRun: 12.5,
        controlPlaneCpuMsPerRun: 1.5,
        postgresCpuMsPerRun: 20,
      },
    ]);
    expect(md).toContain('claim→finish 50 ms); CPU per run: worker 12.5, control plane 1.5, PostgreSQL 20 ms |');
  });

  it('replaces the generated block and writes every line, each cell included, beside the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    try {
      const path = join(dir, 'benchmarks.md');
      writeReport(path, 'first', [boss]);
      writeReport(path, 'second', [{ scenario: 'machine', cpus: 2 }, boss, bull]);
      const md = readFileSync(path, 'utf8');
      expect(md).toContain(`${BEGIN}\nsecond\n${END}`);
      expect(md).not.toContain('first');
      const lines = readFileSync(join(dir, JSON_LINES_NAME), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { scenario: string; cells?: unknown[] });
      expect(lines.map((l) => l.scenario)).toEqual(['machine', 'baseline-pg-boss', 'baseline-bullmq']);
      expect(lines[1]!.cells).toEqual(boss.cells);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
