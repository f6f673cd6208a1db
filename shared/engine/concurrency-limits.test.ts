import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../domain/workflow-definition';
import { workflowSlot } from './concurrency-limits';

const def = (concurrency?: WorkflowDefinition['concurrency']): WorkflowDefinition => ({
  name: 'w',
  tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo' }],
  ...(concurrency ? { concurrency } : {}),
});
const run = (input: Record<string, unknown>) => ({ orgId: 'org', workflowId: 'wf', input });

describe('workflowSlot', () => {
  it('is null without a limit, one key per workflow without `key`', async () => {
    expect(await workflowSlot(def(), run({}))).toBeNull();
    expect(await workflowSlot(def({ limit: 3 }), run({ a: 1 }))).toEqual({ key: 'wf:org:wf', limit: 3 });
  });

  it('groups by the value of the key expression over the input', async () => {
    const d = def({ limit: 1, key: 'input.customer' });
    const a1 = await workflowSlot(d, run({ customer: 'A', n: 1 }));
    const a2 = await workflowSlot(d, run({ customer: 'A', n: 2 }));
    const b = await workflowSlot(d, run({ customer: 'B' }));
    expect(a1).toEqual(a2);
    expect(a1!.key).not.toBe(b!.key);
    expect(a1!.key).toMatch(/^wf:org:wf:[A-Za-z0-9_-]{22}$/);
    // A missing value and a failing expression both group as null, never as an error.
    expect((await workflowSlot(d, run({})))!.key).toBe((await workflowSlot(def({ limit: 1, key: '$error("x")' }), run({})))!.key);
  });
});
