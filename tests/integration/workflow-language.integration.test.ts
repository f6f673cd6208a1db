/**
 * The workflow language's user stories through the HTTP handlers and the real engine on real
 * PostgreSQL and Redis: upsert-if-exists, a 3-way switch, 4 parallel branches joined, a catch that
 * mails (over a loopback SMTP server) and leaves the run SUCCEEDED, an unhandled failure with a
 * finally, a collecting loop over 1,000 records (and one that continues past failed records, and
 * one past the byte limit), an onFailure alert; then retry and cancel of graphs with parallel
 * branches, and bad graphs refused with 422 and paths. Crashes: graph-crash.integration.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDescriptor } from '../../shared/adapters/adapter';
import { platformAdapter } from '../../shared/adapters/platform/platform-adapter';
import { BUILT_IN_ADAPTERS } from '../../shared/adapters/registry';
import { AdapterRegistry } from '../../shared/adapters/resolve-adapter';
import { OutboundPolicy } from '../../shared/adapters/network-policy';
import { PLATFORM_CONNECTOR, type ConnectorDirectory } from '../../shared/connectors/connector-lookup';
import { Worker } from '../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../helpers/test-platform';
import { startSmtpCapture, type SmtpCapture } from '../servers/smtp-capture';
import { probeAdapter, probeState, type ProbeState } from './reliability/probe-adapter';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let state: ProbeState;
let smtp: SmtpCapture;

beforeAll(async () => {
  state = probeState();
  smtp = await startSmtpCapture();
  const probe: ConnectorDescriptor = { id: 'probe-wl', name: 'probe', systemType: 'probe', settings: {}, secrets: {} };
  const mail: ConnectorDescriptor = {
    id: 'mail-wl',
    name: 'mail',
    systemType: 'smtp',
    settings: { host: '127.0.0.1', port: smtp.port, tls: 'opportunistic', from: 'demiton@example.com' },
    secrets: {},
  };
  const connectors: ConnectorDirectory = {
    async find(_org, _project, name) {
      return name === 'platform' ? PLATFORM_CONNECTOR : name === 'probe' ? probe : name === 'mail' ? mail : null;
    },
  };
  const registry = new AdapterRegistry([...BUILT_IN_ADAPTERS.filter((a) => a !== platformAdapter), platformAdapter, probeAdapter(state)], {
    network: new OutboundPolicy({ allowPrivate: true }),
  });
  platform = await createTestPlatform({ overrides: { registry, connectors } });
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 12, pollMs: 50, leaseMs: 3_000 });
  worker.start();
});

afterAll(async () => {
  await host?.close();
  await worker?.stop();
  await platform?.close();
  await smtp?.close();
});

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const finished = (id: string, timeoutMs = 30_000) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return TERMINAL.includes(r.body.status) ? r.body : null;
  }, timeoutMs);

async function workflow(def: Record<string, unknown>): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function trigger(workflowId: string, input: Record<string, unknown> = {}): Promise<string> {
  const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input });
  expect(r.status).toBe(202);
  return r.body.id;
}

type TaskView = {
  key: string;
  status: string;
  output: any;
  error: any;
  needs: string[];
  runAfter: string;
  handled?: boolean;
  attempts: number;
  startedAt: string;
  finishedAt: string;
};
const byKey = (run: { tasks: TaskView[] }) => Object.fromEntries(run.tasks.map((t) => [t.key, t]));
const statuses = (run: { tasks: TaskView[] }) => Object.fromEntries(run.tasks.map((t) => [t.key, t.status]));
const echo = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'echo',
  input: {},
  ...extra,
});

describe('user stories', () => {
  it('upsert-if-exists: the lookup decides between update and create, and the order is posted either way', async () => {
    expect(
      (
        await api(host.url, 'POST', '/api/business-object-types', {
          name: 'Customer',
          keyField: 'id',
          schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, visits: { type: 'integer' } } },
        })
      ).status,
    ).toBe(201);
    const wf = await workflow({
      name: 'upsert-customer',
      tasks: [
        {
          key: 'lookup',
          type: 'atomic',
          connector: 'platform',
          operation: 'queryBusinessObjects',
          input: { type: 'Customer', filter: { id: '{{ input.id }}' } },
        },
        {
          key: 'update',
          type: 'atomic',
          connector: 'platform',
          operation: 'upsertBusinessObject',
          needs: ['lookup'],
          when: '$count(steps.lookup.items) > 0',
          input: { type: 'Customer', record: { id: '{{ input.id }}', visits: '{{ steps.lookup.items[0].data.visits + 1 }}' } },
        },
        {
          key: 'create',
          type: 'atomic',
          connector: 'platform',
          operation: 'upsertBusinessObject',
          needs: ['lookup'],
          when: '$count(steps.lookup.items) = 0',
          input: { type: 'Customer', record: { id: '{{ input.id }}', visits: 1 } },
        },
        {
          key: 'post',
          type: 'atomic',
          connector: 'platform',
          operation: 'echo',
          needs: ['update', 'create'],
          input: { order: '{{ input.order }}', updated: '{{ $exists(steps.update) }}', created: '{{ $exists(steps.create) }}' },
        },
      ],
    });
    const first = await finished(await trigger(wf, { id: 'c-1', order: 'o-1' }));
    expect(first.status).toBe('SUCCEEDED');
    expect(statuses(first)).toEqual({ lookup: 'SUCCEEDED', update: 'SKIPPED', create: 'SUCCEEDED', post: 'SUCCEEDED' });
    expect(byKey(first)['update']!.attempts).toBe(0);
    expect(first.output).toEqual({ order: 'o-1', updated: false, created: true });
    expect(byKey(first)['post']!.needs).toEqual(['update', 'create']);
    const second = await finished(await trigger(wf, { id: 'c-1', order: 'o-2' }));
    expect(statuses(second)).toEqual({ lookup: 'SUCCEEDED', update: 'SUCCEEDED', create: 'SKIPPED', post: 'SUCCEEDED' });
    expect(second.output).toEqual({ order: 'o-2', updated: true, created: false });
    expect((await api(host.url, 'GET', '/api/business-objects/Customer/c-1')).body.data).toEqual({ id: 'c-1', visits: 2 });
  });

  it('a 3-way switch: exactly one branch runs, the join after it runs', async () => {
    const wf = await workflow({
      name: 'switch',
      tasks: [
        echo('start', { input: { amount: '{{ input.amount }}' } }),
        echo('small', { needs: ['start'], when: 'steps.start.amount < 100', input: { size: 'small' } }),
        echo('medium', { needs: ['start'], when: 'steps.start.amount >= 100 and steps.start.amount < 1000', input: { size: 'medium' } }),
        echo('large', { needs: ['start'], when: 'steps.start.amount >= 1000', input: { size: 'large' } }),
        {
          key: 'join',
          type: 'atomic',
          connector: 'platform',
          operation: 'transform',
          needs: ['small', 'medium', 'large'],
          input: { expression: 'steps.small.size & steps.medium.size & steps.large.size' },
        },
      ],
    });
    for (const [amount, size] of [
      [5, 'small'],
      [500, 'medium'],
      [5000, 'large'],
    ] as const) {
      const run = await finished(await trigger(wf, { amount }));
      expect(run.status).toBe('SUCCEEDED');
      const s = statuses(run);
      expect(['small', 'medium', 'large'].filter((k) => s[k] === 'SUCCEEDED')).toEqual([size]);
      expect(['small', 'medium', 'large'].filter((k) => s[k] === 'SKIPPED')).toHaveLength(2);
      expect(run.output).toBe(size);
    }
  });

  it('4 parallel branches run at the same time and are joined', async () => {
    const branch = (k: string) => ({
      key: k,
      type: 'atomic',
      connector: 'probe',
      operation: 'track',
      needs: ['start'],
      input: { group: 'four', ms: 400 },
    });
    const wf = await workflow({
      name: 'four-branches',
      tasks: [
        echo('start'),
        branch('b1'),
        branch('b2'),
        branch('b3'),
        branch('b4'),
        echo('join', {
          needs: ['b1', 'b2', 'b3', 'b4'],
          input: { all: '{{ [steps.b1.group, steps.b2.group, steps.b3.group, steps.b4.group] }}' },
        }),
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    expect(state.maxActive.get('four')).toBe(4);
    // Side by side: the four 400 ms branches took well under 4 × 400 ms.
    const b = byKey(run);
    const span =
      Math.max(...['b1', 'b2', 'b3', 'b4'].map((k) => Date.parse(b[k]!.finishedAt))) -
      Math.min(...['b1', 'b2', 'b3', 'b4'].map((k) => Date.parse(b[k]!.startedAt)));
    expect(span).toBeLessThan(1_200);
    expect(run.output).toEqual({ all: ['four', 'four', 'four', 'four'] });
  });

  it('maxParallel bounds the branches running at once', async () => {
    const branch = (k: string) => ({
      key: k,
      type: 'atomic',
      connector: 'probe',
      operation: 'track',
      needs: [],
      input: { group: 'bounded', ms: 150 },
    });
    const wf = await workflow({
      name: 'bounded',
      maxParallel: 2,
      tasks: [branch('p1'), branch('p2'), branch('p3'), branch('p4'), branch('p5')],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    expect(state.maxActive.get('bounded')).toBe(2);
  });

  it('a catch that mails the finance team on failure and leaves the run SUCCEEDED', async () => {
    const wf = await workflow({
      name: 'post-or-mail',
      tasks: [
        { key: 'post', type: 'atomic', connector: 'probe', operation: 'fatal', input: {} },
        {
          key: 'mail',
          type: 'atomic',
          connector: 'mail',
          operation: 'sendMail',
          needs: ['post'],
          runAfter: 'failure',
          input: {
            to: 'finance@example.com',
            subject: 'Posting failed',
            text: 'post failed: {{ steps.post.error.code }} / {{ steps.post.error.message }} after {{ steps.post.error.attempts }} attempt(s)',
          },
        },
      ],
    });
    const before = smtp.messages.length;
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    const t = byKey(run);
    expect([t['post']!.status, t['post']!.handled, t['post']!.error.code]).toEqual(['FAILED', true, 'fatal']);
    expect([t['mail']!.status, t['mail']!.runAfter]).toEqual(['SUCCEEDED', 'failure']);
    expect(smtp.messages).toHaveLength(before + 1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.to).toEqual(['finance@example.com']);
    expect(mail.raw).toContain('post failed: fatal / no point trying again after 1 attempt(s)');
    // When posting works, the handler is skipped and nothing is mailed.
    const ok = await workflow({ name: 'post-ok', tasks: [echo('post'), { ...echo('mail'), needs: ['post'], runAfter: 'failure' }] });
    const fine = await finished(await trigger(ok));
    expect(statuses(fine)).toEqual({ post: 'SUCCEEDED', mail: 'SKIPPED' });
  });

  it('onError: continue keeps the run going with the error as the output', async () => {
    const wf = await workflow({
      name: 'continue',
      tasks: [
        { key: 'try', type: 'atomic', connector: 'probe', operation: 'fatal', input: {}, onError: 'continue' },
        echo('next', { input: { saw: '{{ steps.try.error.code }}' } }),
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    expect(byKey(run)['try']).toMatchObject({
      status: 'FAILED',
      handled: true,
      output: { error: { code: 'fatal', message: 'no point trying again', attempts: 1 } },
    });
    expect(run.output).toEqual({ saw: 'fatal' });
  });

  it('an unhandled failure with a finally: the finally runs, the run ends FAILED with the failure', async () => {
    const wf = await workflow({
      name: 'finally',
      tasks: [
        echo('open'),
        { key: 'work', type: 'atomic', connector: 'probe', operation: 'fatal', input: {} },
        echo('after'),
        echo('close', { needs: ['open', 'after'], runAfter: 'always', input: { opened: '{{ steps.open }}' } }),
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ code: 'fatal', taskKey: 'work' });
    expect(statuses(run)).toEqual({ open: 'SUCCEEDED', work: 'FAILED', after: 'PENDING', close: 'SUCCEEDED' });
    expect(byKey(run)['work']!.handled).toBe(false);
  });

  it('a collecting loop over 1,000 records: every output in record order', async () => {
    const wf = await workflow({
      name: 'collect',
      tasks: [
        {
          key: 'loop',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 1000 } },
          each: { connector: 'platform', operation: 'echo', input: { sq: '{{ record.index * record.index }}' } },
          concurrency: 50,
          collect: true,
        },
        { key: 'sum', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: '$sum(steps.loop.results.sq)' } },
      ],
    });
    const run = await finished(await trigger(wf), 60_000);
    expect(run.status).toBe('SUCCEEDED');
    const loop = byKey(run)['loop']!.output;
    expect(loop.results).toHaveLength(1000);
    expect(loop.results.map((r: { sq: number }) => r.sq)).toEqual(Array.from({ length: 1000 }, (_, i) => i * i));
    expect(run.output).toBe(Array.from({ length: 1000 }, (_, i) => i * i).reduce((a, b) => a + b, 0));
  });

  it('onRecordError: continue runs every record, lists the failed ones and succeeds', async () => {
    state.closed.add('rec-3').add('rec-7');
    const wf = await workflow({
      name: 'continue-records',
      tasks: [
        {
          key: 'loop',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 10 } },
          each: { connector: 'probe', operation: 'gate', input: { name: 'rec-{{ record.index }}' } },
          concurrency: 2,
          collect: true,
          onRecordError: 'continue',
        },
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    const out = byKey(run)['loop']!.output;
    expect([out.total, out.succeeded, out.failed]).toEqual([10, 8, 2]);
    expect(out.failedRecords.map((f: { index: number; error: { code: string } }) => [f.index, f.error.code])).toEqual([
      [3, 'gate_closed'],
      [7, 'gate_closed'],
    ]);
    expect(out.results[3]).toBeNull();
    expect(out.results[4]).toEqual({ passed: 'rec-4' });
  });

  it('a collecting loop past the byte limit fails with collect_too_large', async () => {
    const wf = await workflow({
      name: 'collect-too-much',
      tasks: [
        {
          key: 'loop',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 1100 } },
          each: { connector: 'platform', operation: 'echo', input: { pad: '{{ $pad("", 16000, "x") }}' } },
          concurrency: 20,
          collect: true,
        },
      ],
    });
    const run = await finished(await trigger(wf), 120_000);
    expect(run.status).toBe('FAILED');
    expect(run.error.code).toBe('collect_too_large');
  }, 150_000);

  it('onFailure starts a linked alert run with the failure in its context, once per failed attempt', async () => {
    const alert = await workflow({
      name: 'alert',
      tasks: [echo('note', { input: { about: '{{ input.runId }}', task: '{{ input.task }}', code: '{{ input.code }}' } })],
    });
    const wf = await workflow({
      name: 'alerting',
      onFailure: { workflow: 'alert', input: { runId: '{{ failure.runId }}', task: '{{ failure.task }}', code: '{{ failure.code }}' } },
      tasks: [echo('a'), { key: 'b', type: 'atomic', connector: 'probe', operation: 'fatal', input: {} }],
    });
    const id = await trigger(wf);
    const run = await finished(id);
    expect(run.status).toBe('FAILED');
    const alertRuns = async () =>
      (await platform.db.query<{ id: string }>('SELECT id FROM workflow_runs WHERE on_failure_of = $1::uuid ORDER BY created_at', [id]))
        .rows;
    const [first] = await waitFor(async () => ((await alertRuns()).length === 1 ? await alertRuns() : null));
    const a = await finished(first!.id);
    expect(a.status).toBe('SUCCEEDED');
    expect(a.workflowId).toBe(alert);
    expect(a.onFailureOf).toBe(id);
    expect(a.output).toEqual({ about: id, task: 'b', code: 'fatal' });
    // A retry that fails again alerts again; a run that succeeds does not.
    expect((await api(host.url, 'POST', `/api/runs/${id}/retry`)).status).toBe(202);
    expect((await finished(id)).status).toBe('FAILED');
    await waitFor(async () => (await alertRuns()).length === 2);
    const quiet = await workflow({ name: 'quiet', onFailure: { workflow: 'alert' }, tasks: [echo('a')] });
    const ok = await finished(await trigger(quiet));
    expect(ok.status).toBe('SUCCEEDED');
    expect((await platform.db.query('SELECT 1 FROM workflow_runs WHERE on_failure_of = $1::uuid', [ok.id])).rowCount).toBe(0);
  });
});

describe('the claim and the graph', () => {
  it('a first task that must wait is given back (its attempt uncounted), and a first task skipped by its when counts no attempt', async () => {
    // Listed out of order: the claim starts `b` (first by position), which needs `a`.
    const wf = await workflow({
      name: 'out-of-order',
      tasks: [echo('b', { needs: ['a'], input: { from: '{{ steps.a.v }}' } }), echo('a', { needs: [], input: { v: 1 } })],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.tasks.map((t: TaskView) => [t.key, t.status, t.attempts])).toEqual([
      ['b', 'SUCCEEDED', 1],
      ['a', 'SUCCEEDED', 1],
    ]);
    expect(Date.parse(byKey(run)['b']!.startedAt)).toBeGreaterThanOrEqual(Date.parse(byKey(run)['a']!.finishedAt));
    expect(run.output).toEqual({ v: 1 });
    const skipFirst = await workflow({
      name: 'skip-first',
      tasks: [echo('maybe', { when: 'input.go' }), echo('then', { needs: ['maybe'], runAfter: 'always', input: { ok: true } })],
    });
    const skipped = await finished(await trigger(skipFirst, { go: false }));
    expect(skipped.tasks.map((t: TaskView) => [t.key, t.status, t.attempts])).toEqual([
      ['maybe', 'SKIPPED', 0],
      ['then', 'SUCCEEDED', 1],
    ]);
  });
});

describe('commits', () => {
  it('a task end, the skip it causes and the starts that skip makes ready are one statement', async () => {
    const wf = await workflow({
      name: 'one-commit',
      tasks: [echo('a'), echo('b', { when: 'false' }), echo('c', { needs: ['b'], runAfter: 'always' }), echo('d', { needs: ['a'] })],
    });
    const calls: unknown[][] = [];
    const db = platform.db as unknown as { query: (text: unknown, values?: unknown[]) => Promise<unknown> };
    const original = db.query;
    db.query = function (this: unknown, text: unknown, values?: unknown[]) {
      if ((text as { name?: string })?.name === 'demiton_advance_tasks') calls.push(values ?? []);
      return original.call(this, text, values);
    };
    let run;
    try {
      run = await finished(await trigger(wf));
    } finally {
      db.query = original;
    }
    expect(statuses(run)).toEqual({ a: 'SUCCEEDED', b: 'SKIPPED', c: 'SUCCEEDED', d: 'SUCCEEDED' });
    const ids = Object.fromEntries(
      (await platform.db.query<{ key: string; id: string }>('SELECT key, id FROM task_runs WHERE run_id = $1::uuid', [run.id])).rows.map(
        (r) => [r.key, r.id],
      ),
    );
    // values: [org, run, owner, ended ids, statuses, outputs, errors, skipped, released, started]
    const step = calls.find((v) => (v[7] as string[]).includes(ids['b']!));
    expect(step).toBeDefined();
    expect(step![3]).toEqual([ids['a']]);
    expect([...(step![9] as string[])].sort()).toEqual([ids['c'], ids['d']].sort());
  });
});

describe('where it shows', () => {
  it('the run events stream carries needs, SKIPPED and handled failures as they happen', async () => {
    const wf = await workflow({
      name: 'streamed',
      tasks: [
        { key: 'slow', type: 'atomic', connector: 'probe', operation: 'track', input: { group: 'stream', ms: 700 } },
        echo('never', { when: 'false' }),
        { key: 'boom', type: 'atomic', connector: 'probe', operation: 'fatal', needs: ['slow'], input: {}, onError: 'continue' },
      ],
    });
    const id = await trigger(wf);
    const raw = await (await fetch(`${host.url}/api/runs/${id}/events`)).text();
    const events = raw
      .split('\n\n')
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
      .filter((e) => e.event && e.data)
      .map((e) => ({ event: e.event!, data: JSON.parse(e.data!) }));
    const snapshot = events.find((e) => e.event === 'snapshot')!.data;
    expect(snapshot.tasks.map((t: TaskView) => [t.key, t.needs])).toEqual([
      ['slow', []],
      ['never', ['slow']],
      ['boom', ['slow']],
    ]);
    const taskEvents = events.filter((e) => e.event === 'task').map((e) => e.data as TaskView);
    expect(taskEvents.some((t) => t.key === 'never' && t.status === 'SKIPPED')).toBe(true);
    expect(taskEvents.some((t) => t.key === 'boom' && t.status === 'FAILED' && t.handled === true)).toBe(true);
    expect(events.at(-1)).toEqual({ event: 'end', data: { status: 'SUCCEEDED' } });
  });
});

describe('retry and cancel of graphs with parallel branches', () => {
  it('retry re-runs only what failed or did not run: succeeded and skipped branches stay', async () => {
    state.closed.add('branch-a');
    const wf = await workflow({
      name: 'retry-graph',
      tasks: [
        echo('start'),
        { key: 'a', type: 'atomic', connector: 'probe', operation: 'gate', needs: ['start'], input: { name: 'branch-a' } },
        { key: 'b', type: 'atomic', connector: 'probe', operation: 'gate', needs: ['start'], input: { name: 'branch-b' } },
        echo('c', { needs: ['start'], when: 'false' }),
        echo('join', { needs: ['a', 'b', 'c'] }),
      ],
    });
    const first = await finished(await trigger(wf));
    expect(first.status).toBe('FAILED');
    expect(statuses(first)).toEqual({ start: 'SUCCEEDED', a: 'FAILED', b: 'SUCCEEDED', c: 'SKIPPED', join: 'PENDING' });
    state.closed.delete('branch-a');
    expect((await api(host.url, 'POST', `/api/runs/${first.id}/retry`)).status).toBe(202);
    const run = await finished(first.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(statuses(run)).toEqual({ start: 'SUCCEEDED', a: 'SUCCEEDED', b: 'SUCCEEDED', c: 'SKIPPED', join: 'SUCCEEDED' });
    expect([state.calls.get('branch-a'), state.calls.get('branch-b')]).toEqual([2, 1]);
    expect(run.tasks.map((t: TaskView) => t.attempts)).toEqual([1, 2, 1, 0, 1]);
  });

  it('cancel stops every branch: each running operation is aborted', async () => {
    const hang = (k: string) => ({ key: k, type: 'atomic', connector: 'probe', operation: 'hang', needs: [], input: { ms: 60_000 } });
    const wf = await workflow({
      name: 'cancel-graph',
      tasks: [hang('h1'), hang('h2'), hang('h3'), echo('join', { needs: ['h1', 'h2', 'h3'] })],
    });
    const id = await trigger(wf);
    await waitFor(
      async () => (await api(host.url, 'GET', `/api/runs/${id}`)).body.tasks.filter((t: TaskView) => t.status === 'RUNNING').length === 3,
    );
    const before = state.aborts.length;
    expect((await api(host.url, 'POST', `/api/runs/${id}/cancel`)).body.status).toBe('CANCELLED');
    await waitFor(async () => state.aborts.length >= before + 3);
    expect(state.aborts.slice(before).every((a) => /cancelled/.test(a.reason))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const run = (await api(host.url, 'GET', `/api/runs/${id}`)).body;
    expect(run.status).toBe('CANCELLED');
    expect(statuses(run)).toEqual({ h1: 'CANCELLED', h2: 'CANCELLED', h3: 'CANCELLED', join: 'CANCELLED' });
  });
});

describe('bad graphs over HTTP', () => {
  it('answers 422 invalid_definition with a path per error, and writes nothing', async () => {
    const r = await api(host.url, 'POST', '/api/workflows', {
      name: 'bad-graph',
      tasks: [
        echo('a', { needs: ['ghost'] }),
        echo('b', { needs: ['c'] }),
        echo('c', { needs: ['b'] }),
        echo('d', { needs: ['a'], when: 'steps.b.x' }),
        echo('e', { needs: ['a'], when: '1 +' }),
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_definition');
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['tasks[0].needs[0]', 'tasks[1].needs', 'tasks[2].needs', 'tasks[3].when', 'tasks[4].when']),
    );
    expect((await api(host.url, 'GET', '/api/workflows')).body.items.some((w: { name: string }) => w.name === 'bad-graph')).toBe(false);
  });
});
