import { describe, expect, it } from 'vitest';
import type { TaskDefinition } from '../domain/workflow-definition';
import { planRetry, type OldTaskRow } from './retry-plan';

const task = (key: string, extra: Record<string, unknown> = {}) =>
  ({ key, type: 'atomic', connector: 'platform', operation: 'echo', ...extra }) as TaskDefinition;
const rows = (...s: Array<[string, string]>): OldTaskRow[] => s.map(([key, status]) => ({ id: `id-${key}`, key, status }));
const actions = (p: ReturnType<typeof planRetry>) => Object.fromEntries(p.tasks.map((t) => [t.key, t.action]));

describe('planRetry', () => {
  const chain = [task('a'), task('b'), task('c')];
  const failedAtB = rows(['a', 'SUCCEEDED'], ['b', 'FAILED'], ['c', 'PENDING']);

  it('same version, same input: keeps what succeeded, reruns the rest under the same keys', () => {
    const p = planRetry(failedAtB, chain, chain, { versionChanged: false, inputEdited: false });
    expect(actions(p)).toEqual({ a: 'keep', b: 'rerun', c: 'rerun' });
    expect(p.renewed).toEqual([]);
  });

  it('latest version: a changed task and what needs it get new keys; an unchanged succeeded task is kept', () => {
    const fixed = [task('a'), task('b', { input: { fixed: true } }), task('c')];
    const p = planRetry(failedAtB, chain, fixed, { versionChanged: true, inputEdited: false });
    expect(actions(p)).toEqual({ a: 'keep', b: 'renew', c: 'renew' });
    expect(p.renewed).toEqual(['b', 'c']);
  });

  it('latest version: key order in a definition is no change; added and removed tasks are inserted and removed', () => {
    const reordered = [
      { operation: 'echo', connector: 'platform', type: 'atomic', key: 'a' } as TaskDefinition,
      task('b'),
      task('d', { needs: ['b'] }),
    ];
    const p = planRetry(failedAtB, chain, reordered, { versionChanged: true, inputEdited: false });
    expect(actions(p)).toEqual({ a: 'keep', b: 'rerun', d: 'insert' });
    expect(p.removed.map((r) => r.key)).toEqual(['c']);
  });

  it('edited input: every task runs again under a new key', () => {
    const done = rows(['a', 'SUCCEEDED'], ['b', 'SUCCEEDED'], ['c', 'FAILED']);
    const p = planRetry(done, chain, chain, { versionChanged: false, inputEdited: true });
    expect(actions(p)).toEqual({ a: 'renew', b: 'renew', c: 'renew' });
  });

  it('fromTask in a graph: the task and its dependents run again, its needs and other branches are kept', () => {
    const graph = [task('a'), task('b', { needs: ['a'] }), task('c', { needs: ['a'] }), task('d', { needs: ['b'] })];
    const done = rows(['a', 'SUCCEEDED'], ['b', 'SUCCEEDED'], ['c', 'SUCCEEDED'], ['d', 'FAILED']);
    const p = planRetry(done, graph, graph, { versionChanged: false, inputEdited: false, fromTask: 'b' });
    expect(actions(p)).toEqual({ a: 'keep', b: 'rerun', c: 'keep', d: 'rerun' });
  });

  it('fromTask with an edited input keeps the needed outputs and renews the keys of what runs again', () => {
    const done = rows(['a', 'SUCCEEDED'], ['b', 'SUCCEEDED'], ['c', 'FAILED']);
    const p = planRetry(done, chain, chain, { versionChanged: false, inputEdited: true, fromTask: 'b' });
    expect(actions(p)).toEqual({ a: 'keep', b: 'renew', c: 'renew' });
  });

  it('refuses fromTask when a task it needs did not succeed, and an unknown fromTask', () => {
    expect(() => planRetry(failedAtB, chain, chain, { versionChanged: false, inputEdited: false, fromTask: 'c' })).toThrow(
      expect.objectContaining({ code: 'from_task_needs_unavailable' }),
    );
    expect(() => planRetry(failedAtB, chain, chain, { versionChanged: false, inputEdited: false, fromTask: 'zz' })).toThrow(
      expect.objectContaining({ code: 'unknown_from_task' }),
    );
  });
});
