import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module of the harness, without type declarations
import { postgresCpuSince } from './processes.mjs';

describe('postgresCpuSince', () => {
  it('counts each backend’s own growth, a new backend from zero, and leaves out one that exited', () => {
    const before = new Map([
      ['10', 5],
      ['11', 40], // another client's backend that exits before the second reading
    ]);
    const after = new Map([
      ['10', 5.5],
      ['12', 0.25], // started in between
    ]);
    expect(postgresCpuSince(before, after)).toBeCloseTo(0.75, 6);
  });

  it('never goes below zero when a pid is reused by a younger process', () => {
    expect(postgresCpuSince(new Map([['10', 9]]), new Map([['10', 0.5]]))).toBe(0);
  });

  it('is null when either reading could not be taken (a server on another machine)', () => {
    expect(postgresCpuSince(null, new Map())).toBeNull();
    expect(postgresCpuSince(new Map([['1', 1]]), null)).toBeNull();
  });
});
