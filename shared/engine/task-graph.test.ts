import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ancestors, cyclesAndUnreachable, decide, isHandled, resolveNeeds, type NeedOutcome } from './task-graph';

const task = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic' as const,
  connector: 'platform',
  operation: 'echo',
  ...extra,
});

describe('trigger rules', () => {
  it('success: runs when none failed and one succeeded; skipped when all skipped; never when a need failed', () => {
    expect(decide(undefined, [])).toBe('run');
    expect(decide('success', ['succeeded', 'skipped'])).toBe('run');
    expect(decide('success', ['skipped', 'skipped'])).toBe('skip');
    expect(decide('success', ['succeeded', 'failed'])).toBe('block');
    expect(decide('success', ['skipped', 'blocked'])).toBe('block');
  });

  it('failure: runs when one need failed, skipped when none did, waits on blocked needs', () => {
    expect(decide('failure', ['succeeded', 'failed'])).toBe('run');
    expect(decide('failure', ['succeeded', 'skipped'])).toBe('skip');
    expect(decide('failure', ['succeeded', 'blocked'])).toBe('block');
  });

  it('always: runs whatever its needs became', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<NeedOutcome>('succeeded', 'failed', 'skipped', 'blocked')),
        (needs) => decide('always', needs) === 'run',
      ),
    );
  });

  it('a failure is handled by onError: continue or by a succeeded failure handler that needs it', () => {
    const tasks = [task('a'), task('h', { needs: ['a'], runAfter: 'failure' }), task('c', { onError: 'continue' })];
    const needs = resolveNeeds(tasks as never);
    expect(isHandled(tasks as never, needs, 0, (k) => (k === 'h' ? 'SUCCEEDED' : 'FAILED'))).toBe(true);
    expect(isHandled(tasks as never, needs, 0, (k) => (k === 'h' ? 'FAILED' : 'FAILED'))).toBe(false);
    expect(isHandled(tasks as never, needs, 2, () => 'FAILED')).toBe(true);
  });
});

describe('graph shape', () => {
  it('property: a chain of any length has no cycle, reaches every task, and each task needs all before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (n) => {
        const tasks = Array.from({ length: n }, (_, i) => task(`t${i}`));
        const needs = resolveNeeds(tasks);
        const { cycles, unreachable } = cyclesAndUnreachable(tasks, needs);
        const before = ancestors(tasks, needs);
        return cycles.length === 0 && unreachable.length === 0 && before.every((s, i) => s.size === i);
      }),
    );
  });

  it('finds a cycle and what it makes unreachable', () => {
    const tasks = [task('a', { needs: ['b'] }), task('b', { needs: ['a'] }), task('c', { needs: ['b'] }), task('d', { needs: [] })];
    const r = cyclesAndUnreachable(tasks as never, resolveNeeds(tasks as never));
    expect(r.cycles).toEqual([[0, 1]]);
    expect(r.unreachable).toEqual([2]);
  });
});
