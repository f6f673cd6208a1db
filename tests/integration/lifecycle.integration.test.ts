/**
 * The run lifecycle through the HTTP handlers, on real PostgreSQL and Redis: create a workflow,
 * trigger it, watch it reach SUCCEEDED with every task's output recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, waitFor, startTestStack, type TestStack } from '../helpers/test-platform';

let stack: TestStack;
let host: TestStack['host'];

beforeAll(async () => {
  stack = await startTestStack({ concurrency: 8, pollMs: 100 });
  ({ host } = stack);
});

afterAll(() => stack.close());

const finished = (url: string, id: string) =>
  waitFor(async () => {
    const r = await api(url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED'].includes(r.body.status) ? r.body : null;
  });

describe('run lifecycle over HTTP (Postgres + Redis)', () => {
  it('creates a workflow, triggers it and records every task through to SUCCEEDED', async () => {
    const child = await api(host.url, 'POST', '/api/workflows', {
      name: 'child',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: '{{ input.n }}' } }],
    });
    expect(child.status).toBe(201);
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'greet-and-count',
      tasks: [
        { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Hello {{ input.name }}' } },
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
        { key: 'nested', type: 'workflow', workflow: 'child', input: { x: 1, n: '{{ steps.shout }}' } },
      ],
    });
    expect(wf.status).toBe(201);
    expect(wf.headers.get('location')).toBe(`/api/workflows/${wf.body.id}`);
    expect(wf.body.version).toBe(1);

    const trig = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { name: 'Ada' } });
    expect(trig.status).toBe(202);
    expect(trig.body.status).toBe('PENDING');
    expect(trig.headers.get('location')).toBe(`/api/runs/${trig.body.id}`);

    const run = await finished(host.url, trig.body.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.workflowVersion).toBe(1);
    expect(run.tasks.map((t: { key: string; status: string }) => [t.key, t.status])).toEqual([
      ['greet', 'SUCCEEDED'],
      ['shout', 'SUCCEEDED'],
      ['each', 'SUCCEEDED'],
      ['nested', 'SUCCEEDED'],
    ]);
    expect(run.tasks[0].output).toEqual({ message: 'Hello Ada' });
    expect(run.tasks[1].output).toBe('HELLO ADA');
    expect(run.tasks[2].output).toEqual({ total: 100, succeeded: 100, failed: 0, cancelled: 0 });
    expect(run.tasks[2].chunks).toEqual({ total: 100, succeeded: 100, failed: 0, running: 0 });
    expect(run.tasks[3].output).toEqual({ n: 'HELLO ADA' });
    expect(run.tasks[3].childRunId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.output).toEqual({ n: 'HELLO ADA' });
    for (const t of run.tasks) {
      expect(t.attempts).toBe(1);
      expect(Date.parse(t.finishedAt)).toBeGreaterThanOrEqual(Date.parse(t.startedAt));
    }

    const childRun = await api(host.url, 'GET', `/api/runs/${run.tasks[3].childRunId}`);
    expect(childRun.body.parentRunId).toBe(run.id);
    expect(childRun.body.trigger).toBe('workflow');
  });
});
