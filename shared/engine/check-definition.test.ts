import { describe, expect, it } from 'vitest';
import { ValidationError } from '../domain/errors';
import { createDefaultRegistry } from '../adapters/registry';
import type { WorkflowDefinition } from '../domain/workflow-definition';
import { checkDefinition, type DefinitionContext } from './check-definition';
import { builtInConnectors, findOperation } from '../connectors/connector-lookup';
import fc from 'fast-check';
import { isChain, resolveNeeds } from './task-graph';

const registry = createDefaultRegistry();
const ctx = (projectWorkflows: DefinitionContext['projectWorkflows'] = [], selfId?: string): DefinitionContext => ({
  projectWorkflows,
  ...(selfId ? { selfId } : {}),
  findOperation: (c, o) => findOperation(registry, builtInConnectors, 'org', 'proj', c, o),
});
const echo = (key: string, input: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'echo',
  input,
});

async function issues(def: unknown, c = ctx()): Promise<Array<{ path: string; message: string }>> {
  try {
    await checkDefinition(def, c);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('invalid_definition');
    return [...(err as ValidationError).issues];
  }
}

describe('definition checks', () => {
  it('accepts the documented example shape', async () => {
    const child: WorkflowDefinition = { name: 'child', tasks: [echo('e') as never] };
    const def = {
      name: 'greet-and-count',
      tasks: [
        echo('greet', { message: 'Hello {{ input.name }}' }),
        {
          key: 'shout',
          type: 'atomic',
          connector: 'platform',
          operation: 'transform',
          input: { expression: '$uppercase(steps.greet.message)' },
        },
        {
          key: 'each',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 100 } },
          each: { workflow: 'child', input: { n: '{{ record.index }}' } },
          concurrency: 10,
        },
        { key: 'nested', type: 'workflow', workflow: 'child', input: { x: 1 } },
      ],
    };
    expect(await issues(def, ctx([{ id: 'c1', name: 'child', definition: child }]))).toEqual([]);
  });

  it('rejects an unknown task type at its path', async () => {
    const found = await issues({ name: 'w', tasks: [echo('a'), { key: 'b', type: 'teleport' }] });
    expect(found.map((i) => i.path)).toContain('tasks[1].type');
  });

  it('rejects unknown fields and wrong types', async () => {
    const found = await issues({ name: 'w', tasks: [{ ...echo('a'), retries: 3 }], extra: true });
    expect(found.some((i) => i.path === '(body)' || i.path === '')).toBe(true);
    expect(found.some((i) => i.path === 'tasks[0]')).toBe(true);
    expect((await issues({ name: 5, tasks: 'x' })).map((i) => i.path).sort()).toEqual(['name', 'tasks']);
  });

  it('rejects duplicate keys', async () => {
    expect(await issues({ name: 'w', tasks: [echo('a'), echo('a')] })).toEqual([
      { path: 'tasks[1].key', message: "duplicate key 'a' (first used at tasks[0])" },
    ]);
  });

  it('rejects references to later and unknown steps', async () => {
    const found = await issues({ name: 'w', tasks: [echo('a', { v: '{{ steps.b.x }}' }), echo('b', { v: '{{ steps.zzz }}' })] });
    expect(found).toEqual([
      { path: 'tasks[0].input.v', message: "refers to step 'b', which does not run before this one" },
      { path: 'tasks[1].input.v', message: "refers to unknown step 'zzz'" },
    ]);
    const self = await issues({
      name: 'w',
      tasks: [{ key: 't', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: 'steps.t' } }],
    });
    expect(self[0]?.path).toBe('tasks[0].input.expression');
  });

  it('rejects bad expression syntax with the path', async () => {
    const found = await issues({ name: 'w', tasks: [echo('a', { v: 'x {{ input.( }}' })] });
    expect(found[0]?.path).toBe('tasks[0].input.v');
    expect(found[0]?.message).toMatch(/invalid expression/);
  });

  it('rejects unknown connectors, unknown operations and wrong operation kinds', async () => {
    const found = await issues({
      name: 'w',
      tasks: [
        { key: 'a', type: 'atomic', connector: 'nosuch', operation: 'echo' },
        { key: 'b', type: 'atomic', connector: 'platform', operation: 'nosuch' },
        { key: 'c', type: 'atomic', connector: 'platform', operation: 'range' },
        {
          key: 'd',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'echo' },
          each: { connector: 'platform', operation: 'echo' },
        },
      ],
    });
    expect(found.map((i) => i.path)).toEqual([
      'tasks[0].operation',
      'tasks[1].operation',
      'tasks[2].operation',
      'tasks[3].generator.operation',
    ]);
    expect(found[0]?.message).toBe("unknown connector 'nosuch'");
    expect(found[1]?.message).toMatch(/has no operation 'nosuch'/);
  });

  it('rejects unknown workflows', async () => {
    expect(await issues({ name: 'w', tasks: [{ key: 'n', type: 'workflow', workflow: 'ghost' }] })).toEqual([
      { path: 'tasks[0].workflow', message: "unknown workflow 'ghost'" },
    ]);
  });

  it('rejects a workflow that refers to itself', async () => {
    const found = await issues({ name: 'loop', tasks: [{ key: 'n', type: 'workflow', workflow: 'loop' }] });
    expect(found[0]?.path).toBe('tasks[0].workflow');
    expect(found[0]?.message).toMatch(/cycle of workflow references: loop → loop/);
  });

  it('rejects a cycle through other workflows, including via chunked each', async () => {
    const b: WorkflowDefinition = {
      name: 'b',
      tasks: [
        {
          key: 'x',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 1 } },
          each: { workflow: 'a' },
          concurrency: 1,
        },
      ],
    };
    const aOld: WorkflowDefinition = { name: 'a', tasks: [echo('e') as never] };
    // Updating `a` (id a1) to call `b`, which already calls `a`: a → b → a.
    const found = await issues(
      { name: 'a', tasks: [{ key: 'n', type: 'workflow', workflow: 'b' }] },
      ctx(
        [
          { id: 'b1', name: 'b', definition: b },
          { id: 'a1', name: 'a', definition: aOld },
        ].filter((w) => w.id !== 'a1'),
        'a1',
      ),
    );
    expect(found).toEqual([{ path: 'tasks[0].workflow', message: 'cycle of workflow references: a → b → a' }]);
  });
});

describe('graph checks', () => {
  const t = (key: string, extra: Record<string, unknown> = {}) => ({ ...echo(key), ...extra });

  it('accepts branches, joins, handlers and finally tasks, and reads only what a task needs', async () => {
    const def = {
      name: 'g',
      maxParallel: 4,
      tasks: [
        t('lookup'),
        t('update', { needs: ['lookup'], when: 'steps.lookup.found', input: { id: '{{ steps.lookup.id }}' } }),
        t('create', { needs: ['lookup'], when: '$not(steps.lookup.found)' }),
        t('post', { needs: ['update', 'create'], input: { u: '{{ steps.update }}', c: '{{ steps.create }}', l: '{{ steps.lookup }}' } }),
        t('mail', { needs: ['post'], runAfter: 'failure', input: { why: '{{ steps.post.error.message }}' } }),
        t('tidy', { needs: ['post', 'mail'], runAfter: 'always', onError: 'continue' }),
      ],
      onFailure: { workflow: 'w2', input: { run: '{{ failure.runId }}' } },
      output: { p: '{{ steps.post }}' },
    };
    expect(await issues(def, ctx([{ id: 'w2id', name: 'w2', definition: { name: 'w2', tasks: [echo('e') as never] } }]))).toEqual([]);
  });

  it('rejects unknown, repeated and self needs at their paths', async () => {
    expect(await issues({ name: 'g', tasks: [t('a'), t('b', { needs: ['a', 'a', 'zz', 'b'] })] })).toEqual([
      { path: 'tasks[1].needs[1]', message: "'a' is listed twice" },
      { path: 'tasks[1].needs[2]', message: "unknown task 'zz'" },
      { path: 'tasks[1].needs[3]', message: 'a task cannot need itself' },
      { path: 'tasks[1].needs', message: 'cycle of needs: b → b' },
    ]);
  });

  it('rejects cycles and the tasks they make unreachable', async () => {
    const found = await issues({
      name: 'g',
      tasks: [
        t('s', { needs: [] }),
        t('a', { needs: ['c'] }),
        t('b', { needs: ['a'] }),
        t('c', { needs: ['b'] }),
        t('d', { needs: ['c', 's'] }),
      ],
    });
    expect(found).toEqual([
      { path: 'tasks[1].needs', message: 'cycle of needs: a → c → b → a' },
      { path: 'tasks[3].needs', message: 'cycle of needs: a → c → b → a' },
      { path: 'tasks[2].needs', message: 'cycle of needs: a → c → b → a' },
      { path: 'tasks[4].needs', message: 'unreachable from the start: it needs a task on a cycle' },
    ]);
  });

  it('rejects reading a step the task does not need, and a when that does not parse', async () => {
    const found = await issues({
      name: 'g',
      tasks: [
        t('a', { needs: [] }),
        t('b', { needs: [] }),
        t('c', { needs: ['a'], when: 'steps.b.ok', input: { x: '{{ steps.a }}' } }),
        t('d', { needs: ['c'], when: '(((' }),
      ],
    });
    expect(found.map((i) => i.path)).toEqual(['tasks[2].when', 'tasks[3].when']);
    expect(found[0]!.message).toBe("refers to step 'b', which does not run before this one");
    expect(found[1]!.message).toMatch(/invalid expression/);
  });

  it('rejects a failure handler that can never run, and collect over the documented size', async () => {
    const found = await issues({
      name: 'g',
      tasks: [
        t('a', { onError: 'continue' }),
        t('h', { needs: ['a'], runAfter: 'failure' }),
        {
          key: 'loop',
          type: 'chunked',
          needs: [],
          collect: true,
          generator: { connector: 'platform', operation: 'range', input: { count: 100_001 } },
          each: { connector: 'platform', operation: 'echo' },
        },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(['tasks[1].runAfter', 'tasks[2].collect']);
  });

  it('keeps the meaning of a list without graph fields: each task needs the one before', async () => {
    const def = { name: 'g', tasks: [t('a'), t('b'), t('c')] };
    expect(resolveNeeds(def.tasks as never)).toEqual([[], ['a'], ['b']]);
    expect(isChain(def as never)).toBe(true);
    expect(isChain({ tasks: [t('a'), t('b', { needs: [] })] } as never)).toBe(false);
  });

  it('property: a bad needs entry anywhere in a valid chain is reported at its exact path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 12 }),
        fc.nat(),
        fc.constantFrom('unknown', 'self', 'forward-cycle', 'bad-when', 'unneeded-read'),
        async (n, pick, kind) => {
          const tasks: Array<Record<string, unknown>> = Array.from({ length: n }, (_, i) => t(`t${i}`));
          const i = 1 + (pick % (n - 1));
          let expected: string;
          if (kind === 'unknown') {
            tasks[i] = { ...tasks[i], needs: [`t${i - 1}`, 'ghost'] };
            expected = `tasks[${i}].needs[1]`;
          } else if (kind === 'self') {
            tasks[i] = { ...tasks[i], needs: [`t${i}`] };
            expected = `tasks[${i}].needs[0]`;
          } else if (kind === 'forward-cycle') {
            // t0 needs the last task, which (through the chain) needs t0.
            tasks[0] = { ...tasks[0], needs: [`t${n - 1}`] };
            expected = 'tasks[0].needs';
          } else if (kind === 'bad-when') {
            tasks[i] = { ...tasks[i], when: 'steps.[' };
            expected = `tasks[${i}].when`;
          } else {
            // A branch beside the chain reads a step it does not need.
            tasks.push(t('side', { needs: [], input: { v: `{{ steps.t${i}.x }}` } }));
            expected = `tasks[${n}].input.v`;
          }
          const found = await issues({ name: 'prop', tasks });
          expect(found.map((x) => x.path)).toContain(expected);
        },
      ),
      { numRuns: 120 },
    );
  });
});
