import { describe, expect, it } from 'vitest';
import type { RunView } from '../domain/api';
import { diffRun, sseFrame } from './run-events';

const run = (over: Partial<RunView> = {}, tasks: RunView['tasks'] = []): RunView => ({
  id: '00000000-0000-4000-8000-000000000001',
  workflowId: '00000000-0000-4000-8000-000000000002',
  workflowName: 'w',
  workflowVersion: 1,
  status: 'RUNNING',
  trigger: 'http',
  input: {},
  output: null,
  error: null,
  parentRunId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  attemptStartedAt: null,
  finishedAt: null,
  tasks,
  ...over,
});
const task = (key: string, over: Partial<RunView['tasks'][number]> = {}): RunView['tasks'][number] => ({
  key,
  type: 'atomic',
  status: 'PENDING',
  attempts: 0,
  output: null,
  error: null,
  childRunId: null,
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe('sseFrame', () => {
  it('writes one data line whatever the JSON holds, with the id first', () => {
    expect(sseFrame('task', { text: 'a\nb' }, 3)).toBe('id: 3\nevent: task\ndata: {"text":"a\\nb"}\n\n');
    expect(sseFrame('end', { status: 'FAILED' })).toBe('event: end\ndata: {"status":"FAILED"}\n\n');
  });
});

describe('diffRun', () => {
  it('emits nothing when nothing changed', () => {
    expect(diffRun(run({}, [task('a')]), run({}, [task('a')]))).toEqual([]);
  });
  it('emits changed tasks (chunk progress included) before the run, and the run without its tasks', () => {
    const before = run({}, [task('a'), task('b', { type: 'chunked', chunks: { total: 10, succeeded: 1, failed: 0, running: 2 } })]);
    const after = run({ status: 'SUCCEEDED' }, [
      task('a'),
      task('b', { type: 'chunked', chunks: { total: 10, succeeded: 4, failed: 0, running: 2 } }),
    ]);
    const events = diffRun(before, after);
    expect(events.map((e) => e.event)).toEqual(['task', 'run']);
    expect((events[0]!.data as { chunks: { succeeded: number } }).chunks.succeeded).toBe(4);
    expect(events[1]!.data).not.toHaveProperty('tasks');
  });
});
