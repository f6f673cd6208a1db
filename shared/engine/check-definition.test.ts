import { describe, expect, it } from 'vitest';
import { ValidationError } from '../domain/errors';
import { createDefaultRegistry } from '../adapters/registry';
import type { WorkflowDefinition } from '../domain/workflow-definition';
import { checkDefinition, type DefinitionContext } from './check-definition';
import { builtInConnectors, findOperation } from '../connectors/connector-lookup';

const registry = createDefaultRegistry();
const ctx = (projectWorkflows: DefinitionContext['projectWorkflows'] = [], selfId?: string): DefinitionContext => ({
  projectWorkflows,
  ...(selfId ? { selfId } : {}),
  findOperation: (c, o) => findOperation(registry, builtInConnectors, 'org', 'proj', c, o),
});
const echo = (key: string, input: Record<string, unknown> = {}) => ({ key, type: 'atomic', connector: 'platform', operation: 'echo', input });

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
        { key: 'shout', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: '$uppercase(steps.greet.message)' } },
        { key: 'each', type: 'chunked', generator: { connector: 'platform', operation: 'range', input: { count: 100 } }, each: { workflow: 'child', input: { n: '{{ record.index }}' } }, concurrency: 10 },
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
    expect(await issues({ name: 'w', tasks: [echo('a'), echo('a')] })).toEqual([{ path: 'tasks[1].key', message: "duplicate key 'a' (first used at tasks[0])" }]);
  });

  it('rejects references to later and unknown steps', async () => {
    const found = await issues({ name: 'w', tasks: [echo('a', { v: '{{ steps.b.x }}' }), echo('b', { v: '{{ steps.zzz }}' })] });
    expect(found).toEqual([
      { path: 'tasks[0].input.v', message: "refers to step 'b', which does not run before this one" },
      { path: 'tasks[1].input.v', message: "refers to unknown step 'zzz'" },
    ]);
    const self = await issues({ name: 'w', tasks: [{ key: 't', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: 'steps.t' } }] });
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
        { key: 'd', type: 'chunked', generator: { connector: 'platform', operation: 'echo' }, each: { connector: 'platform', operation: 'echo' } },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(['tasks[0].operation', 'tasks[1].operation', 'tasks[2].operation', 'tasks[3].generator.operation']);
    expect(found[0]?.message).toBe("unknown connector 'nosuch'");
    expect(found[1]?.message).toMatch(/has no operation 'nosuch'/);
  });

  it('rejects unknown workflows', async () => {
    expect(await issues({ name: 'w', tasks: [{ key: 'n', type: 'workflow', workflow: 'ghost' }] })).toEqual([{ path: 'tasks[0].workflow', message: "unknown workflow 'ghost'" }]);
  });

  it('rejects a workflow that refers to itself', async () => {
    const found = await issues({ name: 'loop', tasks: [{ key: 'n', type: 'workflow', workflow: 'loop' }] });
    expect(found[0]?.path).toBe('tasks[0].workflow');
    expect(found[0]?.message).toMatch(/cycle of workflow references: loop → loop/);
  });

  it('rejects a cycle through other workflows, including via chunked each', async () => {
    const b: WorkflowDefinition = { name: 'b', tasks: [{ key: 'x', type: 'chunked', generator: { connector: 'platform', operation: 'range', input: { count: 1 } }, each: { workflow: 'a' }, concurrency: 1 }] };
    const aOld: WorkflowDefinition = { name: 'a', tasks: [echo('e') as never] };
    // Updating `a` (id a1) to call `b`, which already calls `a`: a → b → a.
    const found = await issues({ name: 'a', tasks: [{ key: 'n', type: 'workflow', workflow: 'b' }] }, ctx([{ id: 'b1', name: 'b', definition: b }, { id: 'a1', name: 'a', definition: aOld }].filter((w) => w.id !== 'a1'), 'a1'));
    expect(found).toEqual([{ path: 'tasks[0].workflow', message: 'cycle of workflow references: a → b → a' }]);
  });
});
