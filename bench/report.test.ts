/** The report judges each target on the exact figure, not on the figure as rounded for display. */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module of the harness, without type declarations
import { capacityEstimate, judge } from './report.mjs';

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
    ]);
    const by = (s: string) => lines.filter((l: { scenario: string }) => l.scenario === s);
    expect(by('parallel')[0].targets[0]).toMatchObject({ target: '≤ 40 ms', met: false });
    expect(by('parallel')[0].ratios.toChain).toBe(0.5);
    expect(by('if-else')[0].targets[0]).toMatchObject({ value: 0.9, target: '≥ 0.9×', met: false });
    expect(by('scale')[0].targets[0]).toMatchObject({ metric: 'PostgreSQL CPU per run, 4 workers ÷ 1', value: 1.25, met: true });
    const [small, large] = by('fan-out');
    expect(small.targets[0]).toMatchObject({ metric: 'chunks/s ÷ best BullMQ jobs/s', value: 1.5, met: true });
    expect(large.targets.map((t: { met: boolean }) => t.met)).toEqual([false, true, false]);
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
