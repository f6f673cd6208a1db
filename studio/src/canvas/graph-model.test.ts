/** The definition → graph model: implicit and written needs, roles, conditions, unknown needs, run states. */
import { describe, expect, it } from 'vitest';
import { describeNode, graphOf, resolvedNeeds, withRunState, type TaskDef } from './graph-model';

const echo = (key: string, extra: Partial<TaskDef> = {}) =>
  ({ key, type: 'atomic', connector: 'platform', operation: 'echo', ...extra }) as TaskDef;

describe('graph model', () => {
  it('reads an omitted needs as the task before it, and [] as starting with the run', () => {
    const tasks = [echo('a'), echo('b'), echo('c', { needs: [] }), echo('d', { needs: ['a', 'c'] })];
    expect(resolvedNeeds(tasks)).toEqual([[], ['a'], [], ['a', 'c']]);
    const g = graphOf(tasks);
    expect(g.edges.map((e) => [e.id, e.implicit])).toEqual([
      ['a->b', true],
      ['a->d', false],
      ['c->d', false],
    ]);
    expect(g.nodes.map((n) => n.implicitNeeds)).toEqual([true, true, false, false]);
  });

  it('draws an if/else with a join: two branches, each with its condition, and a join needing both', () => {
    const tasks = [
      echo('lookup'),
      echo('update', { needs: ['lookup'], when: 'steps.lookup.found' }),
      echo('create', { needs: ['lookup'], when: '$not(steps.lookup.found)' }),
      echo('post', { needs: ['update', 'create'] }),
    ];
    const g = graphOf(tasks);
    expect(g.nodes.find((n) => n.key === 'update')!.when).toBe('steps.lookup.found');
    expect(g.nodes.find((n) => n.key === 'create')!.when).toBe('$not(steps.lookup.found)');
    expect(g.edges.filter((e) => e.target === 'post').map((e) => e.source)).toEqual(['update', 'create']);
  });

  it('marks handlers and finallies, with their edges kinds, and continue-on-error', () => {
    const tasks = [
      echo('post', { onError: 'continue' }),
      echo('alert', { needs: ['post'], runAfter: 'failure' }),
      echo('cleanup', { needs: ['post'], runAfter: 'always' }),
    ];
    const g = graphOf(tasks);
    expect(g.nodes.map((n) => n.role)).toEqual(['step', 'handler', 'finally']);
    expect(g.nodes[0]!.onError).toBe('continue');
    expect(g.edges.map((e) => e.kind)).toEqual(['failure', 'always']);
    expect(describeNode(g.nodes[1]!)).toBe('Task alert, atomic, platform · echo, after post, runs when a need failed');
  });

  it('names what workflow and chunked tasks call', () => {
    const g = graphOf([
      { key: 'child', type: 'workflow', workflow: 'other' } as TaskDef,
      {
        key: 'each',
        type: 'chunked',
        concurrency: 10,
        generator: { connector: 'platform', operation: 'range' },
        each: { workflow: 'per-record' },
      } as TaskDef,
    ]);
    expect(g.nodes.map((n) => n.calls)).toEqual(['starts other', 'each record of platform · range → per-record']);
  });

  it('lists needs naming no task instead of drawing an edge to nowhere', () => {
    const g = graphOf([echo('a'), echo('b', { needs: ['a', 'ghost'] })]);
    expect(g.edges.map((e) => e.id)).toEqual(['a->b']);
    expect(g.unknownNeeds).toEqual([{ task: 'b', need: 'ghost' }]);
  });

  it('overlays run states, keeping tasks the run does not list without one', () => {
    const g = graphOf([echo('a'), echo('b'), echo('c')]);
    const r = withRunState(
      g,
      [
        { key: 'a', status: 'SUCCEEDED', attempts: 1, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' },
        { key: 'b', status: 'SKIPPED', attempts: 0 },
      ],
      (t) => (t.status === 'SKIPPED' ? 'SKIPPED' : t.status),
    );
    expect(r.nodes.map((n) => n.run?.status ?? null)).toEqual(['SUCCEEDED', 'SKIPPED', null]);
    expect(r.nodes[0]!.run!.finishedAt).toBe('2026-01-01T00:00:01Z');
  });
});
