import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunView } from './client';
import { followRun, progressBar, ProgressView, taskLine } from './run-progress';

const task = (key: string, status: string, extra: Record<string, unknown> = {}) =>
  ({
    key,
    type: 'atomic',
    status,
    attempts: 1,
    output: null,
    error: null,
    childRunId: null,
    startedAt: null,
    finishedAt: null,
    ...extra,
  }) as RunView['tasks'][number];
const run = (status: string, tasks: RunView['tasks']) =>
  ({
    id: 'r1',
    workflowId: 'w1',
    workflowName: 'fan',
    workflowVersion: 3,
    status,
    trigger: 'http',
    input: {},
    output: null,
    error: null,
    parentRunId: null,
    createdAt: '',
    startedAt: null,
    finishedAt: null,
    attemptStartedAt: null,
    tasks,
  }) as unknown as RunView;

describe('progress view', () => {
  it('draws chunk progress bars and errors', () => {
    expect(progressBar(0, 0)).toBe('[····················] 0/0');
    expect(progressBar(50, 100, 10)).toBe('[#####·····] 50/100');
    expect(taskLine(task('split', 'RUNNING', { attempts: 2, chunks: { total: 40, succeeded: 9, failed: 1, running: 5 } }))).toBe(
      '▸ split  RUNNING  attempt 2  [#####···············] 10/40 (1 failed)',
    );
    expect(taskLine(task('boom', 'FAILED', { error: { code: 'x_failed', message: 'no', retryable: false } }))).toBe(
      '✗ boom  FAILED  x_failed: no',
    );
  });

  it('prints one line per change on a plain stream, and nothing for a task event that changes nothing', () => {
    let out = '';
    const v = new ProgressView({ write: (t) => (out += t), isTTY: false });
    v.snapshot(run('RUNNING', [task('a', 'RUNNING'), task('b', 'PENDING')]));
    v.task(task('a', 'RUNNING'));
    v.task(task('a', 'SUCCEEDED'));
    v.runChanged(run('SUCCEEDED', []));
    expect(out).toBe('run r1  fan v3  RUNNING\n  ▸ a  RUNNING\n  · b  PENDING\n  ✓ a  SUCCEEDED\nrun r1  SUCCEEDED\n');
  });

  it('redraws the whole block in place on a terminal', () => {
    const writes: string[] = [];
    const v = new ProgressView({ write: (t) => writes.push(t), isTTY: true });
    v.snapshot(run('RUNNING', [task('a', 'RUNNING')]));
    v.task(task('a', 'SUCCEEDED'));
    expect(writes[0]).toBe('run r1  fan v3  RUNNING\n  ▸ a  RUNNING\n');
    expect(writes[1]).toBe('\x1b[2A\x1b[Jrun r1  fan v3  RUNNING\n  ✓ a  SUCCEEDED\n');
  });
});

describe('following a run', () => {
  let server: Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('reconnects when the stream closes before `end`, and returns the final run', async () => {
    let streams = 0;
    let status = 'RUNNING';
    server = createServer((req, res) => {
      if (req.url === '/api/runs/r1/events') {
        streams++;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: snapshot\ndata: ${JSON.stringify(run(status, [task('a', status)]))}\n\n`);
        if (streams === 1) return res.end(); // closed early, as the server does after its maximum duration
        status = 'SUCCEEDED';
        res.write(`event: task\ndata: ${JSON.stringify(task('a', 'SUCCEEDED'))}\n\nevent: end\ndata: {"status":"SUCCEEDED"}\n\n`);
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let out = '';
    const reads: string[] = [];
    const final = await followRun(
      { profile: null, url },
      'r1',
      new ProgressView({ write: (t) => (out += t), isTTY: false }),
      async (id) => {
        reads.push(id);
        return run(status, [task('a', status)]);
      },
    );
    expect(streams).toBe(2);
    expect(reads).toEqual(['r1', 'r1']);
    expect(final.status).toBe('SUCCEEDED');
    expect(out).toContain('✓ a  SUCCEEDED');
  });

  it('fails with not found when the run does not exist', async () => {
    server = createServer((_req, res) => {
      res
        .writeHead(404, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ code: 'run_not_found', detail: 'No such run.' }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(followRun({ profile: null, url }, 'r1', null, async () => run('RUNNING', []))).rejects.toMatchObject({
      exitCode: 3,
      code: 'run_not_found',
    });
  });
});
