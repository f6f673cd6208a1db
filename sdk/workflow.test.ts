import { describe, expect, it } from 'vitest';
import { defineWorkflow, InvalidWorkflowError, workflowJsonSchema } from './workflow';

describe('defineWorkflow', () => {
  it('returns the definition as written (no defaults filled in) when it follows the schema', () => {
    const wf = defineWorkflow({
      name: 'fan-out',
      tasks: [
        {
          key: 'split',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 3 } },
          each: { connector: 'platform', operation: 'echo' },
        },
      ],
    });
    expect(wf.tasks[0]).not.toHaveProperty('concurrency');
    expect(wf.name).toBe('fan-out');
  });

  it('throws InvalidWorkflowError naming each bad field', () => {
    let error: unknown;
    try {
      // A plain JavaScript caller gets no compile-time check; the run-time check names the fields.
      defineWorkflow({ name: 'bad', tasks: [{ key: '1x', type: 'atomic', connector: 'platform' }] } as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidWorkflowError);
    const e = error as InvalidWorkflowError;
    expect(e.code).toBe('invalid_workflow');
    expect(e.workflow).toBe('bad');
    expect(e.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['tasks[0].key', 'tasks[0].operation']));
  });

  it('exposes the JSON Schema generated from the same declaration', () => {
    const s = workflowJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(s.required).toEqual(expect.arrayContaining(['name', 'tasks']));
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['$schema', 'name', 'tasks', 'onFailure', 'output']));
  });
});
