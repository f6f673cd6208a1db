/** The report judges each target on the exact figure, not on the figure as rounded for display. */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module of the harness, without type declarations
import { judge } from './report.mjs';

const baselines = [
  { scenario: 'baseline-pgbench', tps: 18_521 },
  { scenario: 'baseline-pg-boss', jobsPerSec: 6_000 },
  { scenario: 'baseline-bullmq', jobsPerSec: 20_000 },
];

describe('judge', () => {
  it('shows a ratio to two decimals but judges it unrounded', () => {
    const [, , , trigger, drain] = judge([
      ...baselines,
      { scenario: 'trigger', triggersPerSec: 4_625, runsPerSec: 4_633 }, // 0.2497× pgbench
      { scenario: 'drain', runsPerSec: 5_999 }, // 0.99983× pg-boss
    ]);
    expect(trigger.ratios.triggers.toPgbench).toBe(0.25);
    expect(trigger.targets[0]).toMatchObject({ value: 0.25, met: false });
    expect(drain.ratios.toPgBoss).toBe(1);
    expect(drain.targets[0]).toMatchObject({ value: 1, met: false });
  });

  it('meets a target reached exactly or better', () => {
    const [, , , trigger, drain] = judge([
      ...baselines,
      { scenario: 'trigger', triggersPerSec: 4_631, runsPerSec: 4_631 },
      { scenario: 'drain', runsPerSec: 6_000 },
    ]);
    expect(trigger.targets[0].met).toBe(true);
    expect(drain.targets[0].met).toBe(true);
  });
});
