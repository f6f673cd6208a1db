import { describe, expect, it } from 'vitest';
import { formatPlan, orderByReferences, planApply, summarise, type RemoteWorkflow } from './apply-plan';
import { checkWorkflow, type LocalWorkflow } from './workflow-files';

const echo = (key: string, input?: Record<string, unknown>) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'echo',
  ...(input ? { input } : {}),
});
const local = (def: Record<string, unknown>, file = `${String(def['name'])}.yaml`): LocalWorkflow => checkWorkflow(def, file);
const remote = (def: Record<string, unknown>, version = 1): RemoteWorkflow => ({
  id: `id-${String(def['name'])}`,
  name: String(def['name']),
  version,
  definition: def,
});

describe('apply plan', () => {
  it('creates what the server lacks, leaves equal definitions unchanged, and updates with a field diff', () => {
    const plan = planApply(
      [
        local({ name: 'new', tasks: [echo('a')] }),
        local({ name: 'same', tasks: [echo('a', { m: 1 })] }),
        local({ name: 'changed', description: 'now', tasks: [echo('b'), echo('c'), echo('a', { m: 2 })] }),
      ],
      [
        remote({ name: 'same', tasks: [echo('a', { m: 1 })] }, 3),
        remote({ name: 'changed', tasks: [echo('a', { m: 1 }), echo('c'), echo('d')] }, 7),
      ],
      false,
    );
    expect(plan.map((p) => [p.name, p.action, p.version])).toEqual([
      ['new', 'create', undefined],
      ['same', 'unchanged', 3],
      ['changed', 'update', 7],
    ]);
    const text = formatPlan(plan);
    expect(text).toContain('~ update     changed  v7 → v8  (changed.yaml)');
    expect(text).toContain('    + description: "now"');
    expect(text).toContain('    + task b (position 1)');
    expect(text).toContain('    - task d');
    expect(text).toContain('    ~ tasks.a.input.m: 1 → 2');
    expect(text).toContain('    ~ order: a, c, d → b, c, a');
    expect(summarise(plan)).toEqual({ create: 1, update: 1, unchanged: 1, prune: 0 });
  });

  it('treats defaults the server filled in, key order and the project id as no change', () => {
    const written = {
      name: 'chunky',
      tasks: [
        {
          key: 'c',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 3 } },
          each: { connector: 'platform', operation: 'echo' },
        },
      ],
    };
    const stored = {
      projectId: '00000000-0000-4000-8000-000000000002',
      tasks: [
        {
          each: { operation: 'echo', connector: 'platform' },
          concurrency: 10,
          generator: { input: { count: 3 }, operation: 'range', connector: 'platform' },
          type: 'chunked',
          key: 'c',
        },
      ],
      name: 'chunky',
    };
    expect(planApply([local(written)], [remote(stored, 2)], false)[0]!.action).toBe('unchanged');
  });

  it('prunes only with --prune, and only workflows no file names', () => {
    const files = [local({ name: 'keep', tasks: [echo('a')] })];
    const server = [remote({ name: 'keep', tasks: [echo('a')] }), remote({ name: 'zombie', tasks: [echo('a')] }, 4)];
    expect(planApply(files, server, false).map((p) => p.action)).toEqual(['unchanged']);
    const plan = planApply(files, server, true);
    expect(plan.map((p) => [p.name, p.action])).toEqual([
      ['keep', 'unchanged'],
      ['zombie', 'prune'],
    ]);
    expect(formatPlan(plan)).toContain('- prune      zombie  v4');
  });

  it('orders creates so that a workflow another one names (task, chunk each, onFailure) comes first; a cycle keeps file order', () => {
    const parent = local({ name: 'parent', tasks: [{ key: 'p', type: 'workflow', workflow: 'child' }], onFailure: { workflow: 'alert' } });
    const fan = local({
      name: 'fan',
      tasks: [{ key: 'f', type: 'chunked', generator: { connector: 'platform', operation: 'range' }, each: { workflow: 'parent' } }],
    });
    const child = local({ name: 'child', tasks: [echo('c')] });
    const alert = local({ name: 'alert', tasks: [echo('a')] });
    expect(orderByReferences([fan, parent, child, alert]).map((w) => w.name)).toEqual(['child', 'alert', 'parent', 'fan']);
    const a = local({ name: 'a', tasks: [{ key: 'x', type: 'workflow', workflow: 'b' }] });
    const b = local({ name: 'b', tasks: [{ key: 'y', type: 'workflow', workflow: 'a' }] });
    expect(orderByReferences([a, b]).map((w) => w.name)).toEqual(['b', 'a']);
  });
});
