import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './workflow-definition';
import { diffDefinitions, diffValues } from './workflow-diff';

const echo = (key: string, input: Record<string, unknown> = {}) =>
  ({ key, type: 'atomic', connector: 'platform', operation: 'echo', input }) as WorkflowDefinition['tasks'][number];
const def = (over: Partial<WorkflowDefinition>): WorkflowDefinition => ({ name: 'w', tasks: [echo('a')], ...over }) as WorkflowDefinition;

describe('diffValues', () => {
  it('names each changed leaf by path; arrays and scalars compare whole; key order does not count', () => {
    expect(diffValues({ a: 1, b: { c: 2, d: [1, 2] }, gone: true }, { b: { c: 3, d: [1, 2] }, a: 1, fresh: 'x' })).toEqual([
      { path: 'b.c', before: 2, after: 3 },
      { path: 'gone', before: true },
      { path: 'fresh', after: 'x' },
    ]);
    expect(diffValues({ a: [1, { x: 1, y: 2 }] }, { a: [1, { y: 2, x: 1 }] })).toEqual([]);
    expect(diffValues({ a: [1] }, { a: [1, 2] })).toEqual([{ path: 'a', before: [1], after: [1, 2] }]);
  });
});

describe('diffDefinitions', () => {
  it('reports definition fields, tasks added, removed and changed, and a new order', () => {
    const a = def({ description: 'old', tasks: [echo('fetch', { n: 1 }), echo('sort'), echo('send')] });
    const b = def({ name: 'w2', tasks: [echo('sort'), echo('fetch', { n: 2 }), echo('archive')] });
    expect(diffDefinitions(a, b)).toEqual({
      fields: [
        { path: 'name', before: 'w', after: 'w2' },
        { path: 'description', before: 'old' },
      ],
      tasks: {
        added: [{ key: 'archive', position: 2 }],
        removed: [{ key: 'send', position: 2 }],
        changed: [{ key: 'fetch', changes: [{ path: 'input.n', before: 1, after: 2 }] }],
        order: { before: ['fetch', 'sort', 'send'], after: ['sort', 'fetch', 'archive'] },
      },
      identical: false,
    });
  });

  it('finds nothing between equal definitions, and no reorder when only additions shift positions', () => {
    const a = def({ tasks: [echo('x'), echo('y')] });
    expect(diffDefinitions(a, structuredClone(a))).toMatchObject({ fields: [], identical: true, tasks: { order: null } });
    const b = def({ tasks: [echo('new'), echo('x'), echo('y')] });
    expect(diffDefinitions(a, b).tasks).toMatchObject({ added: [{ key: 'new', position: 0 }], order: null });
  });
});
