/**
 * Testing one step (issue #20), through the API on real PostgreSQL and Redis: a test run is
 * committed and executed by the worker like any run, runs the draft's task when there is a draft,
 * takes its data from the body or the pin kept with the draft, is marked and filterable in the runs
 * list, audited, starts nothing else (no onFailure alert) and takes no slot of the workflow's
 * concurrency limit. Every refusal answers problem+json and commits nothing. A test step runs under
 * the outbound network policy: a host the policy forbids is never reached.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundPolicy } from '../../shared/adapters/network-policy';
import { createDefaultRegistry } from '../../shared/adapters/registry';
import { api, startTestStack, waitFor, type TestStack } from '../helpers/test-platform';

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack();
  url = stack.host.url;
});

afterAll(async () => {
  await stack?.close();
});

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
async function finished(runUrl: string, id: string) {
  return waitFor(async () => {
    const r = (await api(runUrl, 'GET', `/api/runs/${id}`)).body;
    return TERMINAL.includes(r.status) ? r : null;
  }, 20_000);
}

async function countRuns(): Promise<number> {
  const { rows } = await stack.platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM workflow_runs');
  return Number(rows[0]!.n);
}

let seq = 0;
const wfName = () => `step-test-${Date.now().toString(36)}-${seq++}`;

describe('testing one step', () => {
  let id: string;
  const definition = (name: string) => ({
    name,
    tasks: [
      { key: 'first', type: 'atomic', connector: 'platform', operation: 'echo', input: { who: '{{ input.who }}' } },
      {
        key: 'greet',
        type: 'atomic',
        connector: 'platform',
        operation: 'echo',
        input: { message: "{{ 'hello ' & steps.first.who }}", id: '{{ input.id }}' },
      },
    ],
  });

  beforeAll(async () => {
    id = (await api(url, 'POST', '/api/workflows', definition(wfName()))).body.id;
  });

  it("runs the latest version's task with the given input and steps, as a test run that runs only that task", async () => {
    const accepted = await api(url, 'POST', `/api/workflows/${id}/tasks/greet/test`, {
      input: { id: 7 },
      steps: { first: { who: 'Ada' } },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/api/runs/${accepted.body.id}`);
    expect(accepted.body).toMatchObject({
      status: 'PENDING',
      workflowId: id,
      taskKey: 'greet',
      source: 'version',
      workflowVersion: 1,
      data: 'body',
    });
    const run = await finished(url, accepted.body.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'test', workflowVersion: 1, output: { message: 'hello Ada', id: 7 } });
    expect(run.tasks.map((t: { key: string; status: string }) => [t.key, t.status])).toEqual([['greet', 'SUCCEEDED']]);

    // Marked in the runs list, and filterable.
    const tests = (await api(url, 'GET', `/api/runs?workflowId=${id}&trigger=test`)).body.items;
    expect(tests.map((r: { id: string }) => r.id)).toEqual([accepted.body.id]);
    expect((await api(url, 'GET', `/api/runs?workflowId=${id}&trigger=http`)).body.items).toEqual([]);
    // Audited.
    const { rows } = await stack.platform.db.query<{ action: string; diff: Record<string, unknown> }>(
      `SELECT action, diff FROM audit_log WHERE target_type = 'run' AND target_id = $1::text`,
      [accepted.body.id],
    );
    expect(rows).toEqual([{ action: 'run.test', diff: { workflowId: id, taskKey: 'greet', source: 'version', data: 'body' } }]);
    // Not the workflow's last run: the list shows the last real one.
    const listed = (await api(url, 'GET', '/api/workflows')).body.items.find((w: { id: string }) => w.id === id);
    expect(listed.lastRun).toBeNull();
  });

  it("takes a previous run's input and step outputs with fromRunId; given entries win", async () => {
    const real = (await api(url, 'POST', `/api/workflows/${id}/runs`, { input: { who: 'Grace', id: 1 } })).body.id;
    expect((await finished(url, real)).status).toBe('SUCCEEDED');
    const accepted = await api(url, 'POST', `/api/workflows/${id}/tasks/greet/test`, { fromRunId: real, input: { id: 2 } });
    expect(accepted.status).toBe(202);
    expect((await finished(url, accepted.body.id)).output).toEqual({ message: 'hello Grace', id: 2 });

    // A run of another workflow, or none, is refused.
    const other = (
      await api(url, 'POST', '/api/workflows', {
        name: wfName(),
        tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }],
      })
    ).body;
    const theirs = (await api(url, 'POST', `/api/workflows/${other.id}/runs`, { input: {} })).body.id;
    for (const fromRunId of [theirs, '00000000-0000-4000-8000-000000000000']) {
      const r = await api(url, 'POST', `/api/workflows/${id}/tasks/greet/test`, { fromRunId });
      expect([r.status, r.body.code, r.body.errors[0].path]).toEqual([422, 'invalid_test_input', 'fromRunId']);
    }
    // fromRunId does not go with operationInput.
    const both = await api(url, 'POST', `/api/workflows/${id}/tasks/greet/test`, { fromRunId: real, operationInput: {} });
    expect([both.status, both.body.code]).toEqual([422, 'validation_failed']);
  });

  it('gives the operation its input as is with operationInput (the mapping is skipped)', async () => {
    const accepted = await api(url, 'POST', `/api/workflows/${id}/tasks/greet/test`, {
      operationInput: { message: '{{ not evaluated }}' },
    });
    expect(accepted.status).toBe(202);
    const run = await finished(url, accepted.body.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', output: { message: '{{ not evaluated }}' } });
  });

  it("tests the draft's task when a draft exists, with the data pinned for it", async () => {
    // No draft yet: there is nowhere to keep pins.
    expect((await api(url, 'PUT', `/api/workflows/${id}/draft/pins`, { pins: {} })).body.code).toBe('workflow_draft_not_found');
    expect((await api(url, 'GET', `/api/workflows/${id}/draft/pins`)).status).toBe(404);

    const draft = definition(wfName());
    draft.name = (await api(url, 'GET', `/api/workflows/${id}`)).body.name;
    draft.tasks.push({
      key: 'shout',
      type: 'atomic',
      connector: 'platform',
      operation: 'echo',
      input: { loud: '{{ $uppercase(steps.greet.message) }}' },
    } as never);
    expect((await api(url, 'PUT', `/api/workflows/${id}/draft`, draft)).status).toBe(200);

    // Pins naming a task the draft lacks are refused whole.
    const bad = await api(url, 'PUT', `/api/workflows/${id}/draft/pins`, { pins: { shout: {}, nope: { input: {} } } });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('invalid_pins');
    expect((await api(url, 'GET', `/api/workflows/${id}/draft/pins`)).body).toEqual({ pins: {} });

    const pins = { shout: { steps: { greet: { message: 'hello pin' } } } };
    expect((await api(url, 'PUT', `/api/workflows/${id}/draft/pins`, { pins })).body).toEqual({ pins });
    expect((await api(url, 'GET', `/api/workflows/${id}/draft/pins`)).body).toEqual({ pins });

    // An empty body takes the pin; the task exists only in the draft.
    const accepted = await api(url, 'POST', `/api/workflows/${id}/tasks/shout/test`);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ source: 'draft', data: 'pin', workflowVersion: 1 });
    const run = await finished(url, accepted.body.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'test', output: { loud: 'HELLO PIN' } });
    // The live version is unchanged.
    expect((await api(url, 'GET', `/api/workflows/${id}`)).body.version).toBe(1);

    // A draft saved without the task drops its pin.
    draft.tasks.pop();
    expect((await api(url, 'PUT', `/api/workflows/${id}/draft`, draft)).status).toBe(200);
    expect((await api(url, 'GET', `/api/workflows/${id}/draft/pins`)).body).toEqual({ pins: {} });
    expect((await api(url, 'POST', `/api/workflows/${id}/tasks/shout/test`)).body.code).toBe('task_not_found');
  });

  it('refuses what cannot be tested with problem+json, and commits nothing', async () => {
    const child = (
      await api(url, 'POST', '/api/workflows', {
        name: wfName(),
        tasks: [{ key: 'x', type: 'atomic', connector: 'platform', operation: 'echo' }],
      })
    ).body;
    const parent = (
      await api(url, 'POST', '/api/workflows', {
        name: wfName(),
        tasks: [
          { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: '{{ input.ms }}' } },
          { key: 'sub', type: 'workflow', workflow: child.name },
        ],
      })
    ).body;
    const before = await countRuns();
    const cases: Array<[string, unknown, number, string]> = [
      [`/api/workflows/00000000-0000-4000-8000-000000000000/tasks/nap/test`, {}, 404, 'workflow_not_found'],
      [`/api/workflows/${parent.id}/tasks/nope/test`, {}, 404, 'task_not_found'],
      [`/api/workflows/${parent.id}/tasks/sub/test`, {}, 422, 'task_not_testable'],
      [`/api/workflows/${parent.id}/tasks/nap/test`, { input: { ms: 'soon' } }, 422, 'invalid_operation_input'],
      [`/api/workflows/${parent.id}/tasks/nap/test`, { operationInput: { ms: -1 } }, 422, 'invalid_operation_input'],
      [`/api/workflows/${parent.id}/tasks/nap/test`, { input: { ms: '{{' } }, 422, 'invalid_operation_input'],
      [`/api/workflows/${parent.id}/tasks/nap/test`, { operationInput: { ms: 1 }, input: {} }, 422, 'validation_failed'],
      [`/api/workflows/${parent.id}/tasks/nap/test`, { extra: 1 }, 422, 'validation_failed'],
    ];
    for (const [path, body, status, code] of cases) {
      const r = await api(url, 'POST', path, body);
      expect([path, r.status, r.body.code]).toEqual([path, status, code]);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    // A mapping that fails on the data.
    const broken = (
      await api(url, 'POST', '/api/workflows', {
        name: wfName(),
        tasks: [{ key: 'calc', type: 'atomic', connector: 'platform', operation: 'echo', input: { v: "{{ $number('x') }}" } }],
      })
    ).body;
    const r = await api(url, 'POST', `/api/workflows/${broken.id}/tasks/calc/test`, {});
    expect([r.status, r.body.code]).toEqual([422, 'invalid_test_input']);
    expect(await countRuns()).toBe(before);
  });

  it('starts nothing else: a failing test run alerts no onFailure workflow', async () => {
    const alert = (
      await api(url, 'POST', '/api/workflows', {
        name: wfName(),
        tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }],
      })
    ).body;
    const wf = (
      await api(url, 'POST', '/api/workflows', {
        name: wfName(),
        onFailure: { workflow: alert.name },
        tasks: [{ key: 'boom', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'on purpose' } }],
      })
    ).body;
    const worker = (await api(url, 'POST', '/api/workers', { name: wfName(), owner: 'ops' })).body;
    expect((await api(url, 'POST', `/api/workers/${worker.id}/workflows`, { workflowId: wf.id })).status).toBeLessThan(300);
    const accepted = await api(url, 'POST', `/api/workflows/${wf.id}/tasks/boom/test`, {});
    const run = await finished(url, accepted.body.id);
    expect(run).toMatchObject({ status: 'FAILED', trigger: 'test', error: { code: 'platform_fail', message: 'on purpose' } });
    // Retried, it runs the same one-task test again, as a second attempt, and still alerts no one.
    const retried = await api(url, 'POST', `/api/runs/${accepted.body.id}/retry`);
    expect(retried.status).toBe(202);
    const again = await waitFor(async () => {
      const r = (await api(url, 'GET', `/api/runs/${accepted.body.id}`)).body;
      return r.attempt === 2 && TERMINAL.includes(r.status) ? r : null;
    }, 20_000);
    expect(again).toMatchObject({ status: 'FAILED', trigger: 'test', error: { code: 'platform_fail' } });
    expect(again.tasks).toHaveLength(1);
    // Nor is it counted as the digital worker's work.
    expect((await api(url, 'GET', `/api/workers/${worker.id}/stats`)).body.totals).toMatchObject({ runs: 0, failed: 0 });
    // A real run of the same workflow does alert (so the absence above is the test run's doing).
    const real = (await api(url, 'POST', `/api/workflows/${wf.id}/runs`, { input: {} })).body.id;
    await finished(url, real);
    const alerts = await waitFor(async () => {
      const { rows } = await stack.platform.db.query<{ of: string }>(
        'SELECT on_failure_of::text AS of FROM workflow_runs WHERE workflow_id = $1::uuid',
        [alert.id],
      );
      return rows.length > 0 ? rows : null;
    });
    expect(alerts.map((a) => a.of)).toEqual([real]);
    expect((await api(url, 'GET', `/api/workers/${worker.id}/stats`)).body.totals).toMatchObject({ runs: 1, failed: 1 });
  });

  it("takes no slot of the workflow's concurrency limit: a test runs while a real run holds the only slot", async () => {
    const wf = (
      await api(url, 'POST', '/api/workflows', {
        name: wfName(),
        concurrency: { limit: 1 },
        tasks: [{ key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: '{{ input.ms }}' } }],
      })
    ).body;
    const real = (await api(url, 'POST', `/api/workflows/${wf.id}/runs`, { input: { ms: 4_000 } })).body.id;
    await waitFor(async () => ((await api(url, 'GET', `/api/runs/${real}`)).body.status === 'RUNNING' ? true : null));
    const test = (await api(url, 'POST', `/api/workflows/${wf.id}/tasks/nap/test`, { input: { ms: 10 } })).body.id;
    const run = await finished(url, test);
    expect(run.status).toBe('SUCCEEDED');
    // The real run was still holding its slot when the test ended.
    expect((await api(url, 'GET', `/api/runs/${real}`)).body.status).toBe('RUNNING');
    expect((await finished(url, real)).status).toBe('SUCCEEDED');
  });
});

describe('a step test under the outbound network policy', () => {
  let guarded: TestStack;
  let server: Server;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"internal"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Connectors are saved in development mode (loopback allowed on save), but every adapter
    // connects under the production policy: no private or loopback addresses.
    guarded = await startTestStack({
      overrides: { registry: createDefaultRegistry({ network: new OutboundPolicy({ allowPrivate: false }) }) },
    });
  });

  afterAll(async () => {
    await guarded?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('cannot reach a host the policy forbids, and the run of the same task is refused the same way', async () => {
    const gurl = guarded.host.url;
    const port = (server.address() as AddressInfo).port;
    const connector = await api(gurl, 'POST', '/api/connectors', {
      name: 'internal',
      systemType: 'http',
      settings: { baseUrl: `http://127.0.0.1:${port}/`, auth: { type: 'none' } },
      secrets: {},
    });
    expect(connector.status).toBe(201);
    const wf = (
      await api(gurl, 'POST', '/api/workflows', {
        name: wfName(),
        tasks: [{ key: 'peek', type: 'atomic', connector: 'internal', operation: 'request', input: { path: 'metadata' } }],
      })
    ).body;
    const test = await api(gurl, 'POST', `/api/workflows/${wf.id}/tasks/peek/test`, {});
    expect(test.status).toBe(202);
    const run = await finished(gurl, test.body.id);
    expect(run).toMatchObject({ status: 'FAILED', trigger: 'test', error: { code: 'outbound_address_blocked' } });
    const real = (await api(gurl, 'POST', `/api/workflows/${wf.id}/runs`, { input: {} })).body.id;
    expect((await finished(gurl, real)).error.code).toBe('outbound_address_blocked');
    expect(hits).toBe(0);

    // The connector deleted since the save: refused before anything is committed.
    expect((await api(gurl, 'DELETE', `/api/connectors/${connector.body.id}`)).status).toBe(204);
    const gone = await api(gurl, 'POST', `/api/workflows/${wf.id}/tasks/peek/test`, {});
    expect([gone.status, gone.body.code, gone.body.errors[0].path]).toEqual([422, 'operation_unavailable', 'connector']);
    expect((await api(gurl, 'GET', `/api/runs?workflowId=${wf.id}&trigger=test`)).body.items).toHaveLength(1);
  });
});
