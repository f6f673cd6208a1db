/**
 * The control plane's HTTP behaviour on real PostgreSQL and Redis: validation errors as
 * problem+json naming paths, idempotent triggers, immutable versions, keyset pagination and
 * failing runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker | null = null;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { MAX_BODY_BYTES: '65536' } });
  host = await startTestHost(platform);
});
afterAll(async () => {
  await host.close();
  await worker?.stop();
  await platform.close();
});

const echoTask = (key: string, input: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'echo',
  input,
});
const startWorker = () => {
  if (!worker) {
    worker = new Worker(platform, { concurrency: 4, pollMs: 100 });
    worker.start();
  }
};
const finished = (id: string) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED'].includes(r.body.status) ? r.body : null;
  });
const rowCount = async (table: string) =>
  Number((await platform.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n);

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toBe('application/problem+json');
  expect(r.body).toMatchObject({ status, code, type: `https://demiton.dev/problems/${code}` });
  expect(typeof r.body.title).toBe('string');
}

describe('validation errors', () => {
  it('422 names the path of each error and writes nothing', async () => {
    const before = await rowCount('workflows');
    const r = await api(host.url, 'POST', '/api/workflows', {
      name: 'bad',
      tasks: [
        echoTask('a', { v: '{{ steps.b }}' }),
        echoTask('a'),
        { key: 'c', type: 'warp' },
        { key: 'd', type: 'workflow', workflow: 'ghost' },
      ],
    });
    expectProblem(r, 422, 'invalid_definition');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('tasks[2].type');
    const semantic = await api(host.url, 'POST', '/api/workflows', {
      name: 'bad2',
      tasks: [echoTask('a', { v: '{{ steps.b }}' }), echoTask('a'), { key: 'd', type: 'workflow', workflow: 'ghost' }],
    });
    expectProblem(semantic, 422, 'invalid_definition');
    expect(semantic.body.errors).toEqual([
      { path: 'tasks[1].key', message: "duplicate key 'a' (first used at tasks[0])" },
      { path: 'tasks[0].input.v', message: "refers to unknown step 'b'" },
      { path: 'tasks[2].workflow', message: "unknown workflow 'ghost'" },
    ]);
    expect(await rowCount('workflows')).toBe(before);
  });

  it('400 for malformed JSON, 413 for a body over the limit, 415 for a non-JSON type', async () => {
    expectProblem(await api(host.url, 'POST', '/api/workflows', '{"name": '), 400, 'malformed_json');
    expectProblem(await api(host.url, 'POST', '/api/workflows', JSON.stringify({ name: 'x'.repeat(70_000) })), 413, 'body_too_large');
    expectProblem(await api(host.url, 'POST', '/api/workflows', 'name=x', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    expectProblem(await api(host.url, 'POST', '/api/workflows'), 400, 'malformed_json');
  });

  it('400 for a bad id or query, 404 for unknown resources', async () => {
    expectProblem(await api(host.url, 'GET', '/api/runs/not-a-uuid'), 400, 'invalid_path_parameter');
    expectProblem(await api(host.url, 'GET', '/api/runs?limit=0'), 400, 'invalid_query');
    expectProblem(await api(host.url, 'GET', '/api/runs?bogus=1'), 400, 'invalid_query');
    expectProblem(await api(host.url, 'GET', '/api/runs?cursor=AAAA'), 400, 'invalid_cursor');
    expectProblem(await api(host.url, 'GET', '/api/runs/00000000-0000-4000-8000-00000000abcd'), 404, 'run_not_found');
    expectProblem(await api(host.url, 'GET', '/api/workflows/00000000-0000-4000-8000-00000000abcd'), 404, 'workflow_not_found');
    expectProblem(
      await api(host.url, 'POST', '/api/workflows/00000000-0000-4000-8000-00000000abcd/runs', { input: {} }),
      404,
      'workflow_not_found',
    );
  });

  // Local host only: its router answers these. On Azure the Functions host answers an unknown route
  // or a wrong method before any handler runs; everything above is asserted on the Functions
  // registration path too (functions-contract.integration.test.ts).
  it('(local host only) 404 for an unknown route, 405 for a wrong method with Allow', async () => {
    expectProblem(await api(host.url, 'GET', '/api/nothing-here'), 404, 'route_not_found');
    const wrong = await api(host.url, 'DELETE', '/api/workflows');
    expectProblem(wrong, 405, 'method_not_allowed');
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });

  it('409 for a duplicate workflow name in the project', async () => {
    expect((await api(host.url, 'POST', '/api/workflows', { name: 'dup', tasks: [echoTask('a')] })).status).toBe(201);
    expectProblem(await api(host.url, 'POST', '/api/workflows', { name: 'dup', tasks: [echoTask('a')] }), 409, 'workflow_name_taken');
  });

  it('422 for a run input that breaks the workflow input schema, with no run written', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'typed',
      inputSchema: { type: 'object', required: ['customer'], properties: { customer: { type: 'string' } } },
      tasks: [echoTask('a')],
    });
    const runsBefore = await rowCount('workflow_runs');
    const r = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { customer: 5 } });
    expectProblem(r, 422, 'invalid_run_input');
    expect(r.body.errors[0].path).toBe('input.customer');
    expectProblem(await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: [] }), 422, 'validation_failed');
    expect(await rowCount('workflow_runs')).toBe(runsBefore);
    const bad = await api(host.url, 'POST', '/api/workflows', { name: 'badschema', inputSchema: { type: 'nope' }, tasks: [echoTask('a')] });
    expectProblem(bad, 422, 'invalid_definition');
    expect(bad.body.errors[0].path).toBe('inputSchema');
  });
});

describe('idempotent triggers', () => {
  it('returns the first run for the same key, never a second', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', { name: 'idem', tasks: [echoTask('a', { v: '{{ input.v }}' })] });
    const first = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v: 1 } }, { 'Idempotency-Key': 'order-42' });
    expect(first.status).toBe(202);
    const again = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v: 1 } }, { 'Idempotency-Key': 'order-42' });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Concurrent requests with one new key: one run.
    const burst = await Promise.all(
      Array.from({ length: 12 }, () =>
        api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v: 2 } }, { 'Idempotency-Key': 'burst' }),
      ),
    );
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    const { rows } = await platform.db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM workflow_runs WHERE idempotency_key IN ('order-42', 'burst')",
    );
    expect(rows[0]!.n).toBe('2');
  });

  it('409 when the key is reused with a different input; keys are per workflow', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', { name: 'idem2', tasks: [echoTask('a')] });
    const other = await api(host.url, 'POST', '/api/workflows', { name: 'idem3', tasks: [echoTask('a')] });
    const first = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v: 1 } }, { 'Idempotency-Key': 'k' });
    expectProblem(
      await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { v: 2 } }, { 'Idempotency-Key': 'k' }),
      409,
      'idempotency_key_reused',
    );
    const elsewhere = await api(host.url, 'POST', `/api/workflows/${other.body.id}/runs`, { input: { v: 2 } }, { 'Idempotency-Key': 'k' });
    expect(elsewhere.status).toBe(202);
    expect(elsewhere.body.id).not.toBe(first.body.id);
    expectProblem(
      await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} }, { 'Idempotency-Key': 'has space' }),
      422,
      'invalid_idempotency_key',
    );
  });
});

describe('versions', () => {
  it('PUT adds a version; a run keeps the version it started with', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', { name: 'versioned', tasks: [echoTask('a', { v: 'one' })] });
    const run1 = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    const put = await api(host.url, 'PUT', `/api/workflows/${wf.body.id}`, {
      name: 'versioned',
      tasks: [echoTask('a', { v: 'two' }), echoTask('b')],
    });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(2);
    const run2 = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    startWorker();
    const [r1, r2] = [await finished(run1.body.id), await finished(run2.body.id)];
    expect(r1.workflowVersion).toBe(1);
    expect(r1.tasks).toHaveLength(1);
    expect(r1.output).toEqual({ v: 'one' });
    expect(r2.workflowVersion).toBe(2);
    expect(r2.tasks.map((t: { key: string }) => t.key)).toEqual(['a', 'b']);
    const v1 = await api(host.url, 'GET', `/api/workflows/${wf.body.id}?version=1`);
    expect(v1.body.definition.tasks[0].input).toEqual({ v: 'one' });
    const versions = await api(host.url, 'GET', `/api/workflows/${wf.body.id}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const list = await api(host.url, 'GET', '/api/workflows');
    const entry = list.body.items.find((w: { id: string }) => w.id === wf.body.id);
    expect(entry).toMatchObject({ version: 2, taskCount: 2, lastRun: { id: run2.body.id, status: 'SUCCEEDED' } });
  });
});

describe('run list', () => {
  it('pages newest first with a cursor and filters by workflow and status', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', { name: 'paged', tasks: [echoTask('a')] });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { i } })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await api(
        host.url,
        'GET',
        `/api/runs?workflowId=${wf.body.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    startWorker();
    await Promise.all(ids.map(finished));
    const done = await api(host.url, 'GET', `/api/runs?workflowId=${wf.body.id}&status=SUCCEEDED&limit=50`);
    expect(done.body.items).toHaveLength(7);
    const pending = await api(host.url, 'GET', `/api/runs?workflowId=${wf.body.id}&status=PENDING`);
    expect(pending.body.items).toHaveLength(0);
  });
});

describe('failing runs', () => {
  it('ends FAILED with the failing task named; later tasks never start', async () => {
    startWorker();
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'fails',
      tasks: [
        echoTask('a'),
        { key: 'boom', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'nope {{ input.who }}' } },
        echoTask('c'),
      ],
    });
    const run = await finished((await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { who: 'Bob' } })).body.id);
    expect(run.status).toBe('FAILED');
    expect(run.error).toEqual({ code: 'platform_fail', message: 'nope Bob', retryable: false, taskKey: 'boom' });
    expect(run.tasks.map((t: { status: string }) => t.status)).toEqual(['SUCCEEDED', 'FAILED', 'PENDING']);
    expect(run.tasks[2].attempts).toBe(0);
  });

  it('fails a task whose expression fails, naming the task and expression', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', { name: 'badexpr', tasks: [echoTask('a', { v: '{{ $number(input.x) }}' })] });
    const run = await finished((await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { x: 'abc' } })).body.id);
    expect(run.status).toBe('FAILED');
    expect(run.error.code).toBe('expression_failed');
    expect(run.error.message).toContain("Task 'a'");
    expect(run.error.message).toContain('$number(input.x)');
  });

  it('fails a task whose mapped input breaks the operation schema', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'badinput',
      tasks: [{ key: 's', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: '{{ input.ms }}' } }],
    });
    const run = await finished((await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { ms: 'soon' } })).body.id);
    expect(run.error).toMatchObject({ code: 'invalid_operation_input', retryable: false, taskKey: 's' });
  });

  it('stops a chunked task after the first failed chunk and fails the parent through a failed child', async () => {
    await api(host.url, 'POST', '/api/workflows', {
      name: 'picky',
      tasks: [
        {
          key: 'check',
          type: 'atomic',
          connector: 'platform',
          operation: 'transform',
          input: { expression: 'input.n = 3 ? $error("three is bad") : input.n' },
        },
      ],
    });
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'fanout-fails',
      tasks: [
        {
          key: 'each',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 5000 } },
          each: { workflow: 'picky', input: { n: '{{ record.index }}' } },
          concurrency: 2,
        },
      ],
    });
    const run = await finished((await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} })).body.id);
    expect(run.status).toBe('FAILED');
    expect(run.error.code).toBe('chunk_failed');
    expect(run.error.message).toContain('three is bad');
    const chunks = run.tasks[0].chunks;
    expect(chunks.failed).toBe(1);
    expect(chunks.running).toBe(0);
    expect(chunks.total).toBeLessThan(5000);
    const { rows } = await platform.db.query<{ status: string; n: string }>(
      'SELECT status, count(*)::text AS n FROM chunk_runs WHERE run_id = $1::uuid GROUP BY status',
      [run.id],
    );
    const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    expect(by['RUNNING'] ?? 0).toBe(0);
    expect(by['FAILED']).toBe(1);
    expect((by['SUCCEEDED'] ?? 0) + (by['CANCELLED'] ?? 0) + 1).toBe(chunks.total);
    const failedChild = await platform.db.query<{ child_run_id: string }>(
      "SELECT child_run_id FROM chunk_runs WHERE run_id = $1::uuid AND status = 'FAILED'",
      [run.id],
    );
    const child = await api(host.url, 'GET', `/api/runs/${failedChild.rows[0]!.child_run_id}`);
    expect(child.body).toMatchObject({ status: 'FAILED', parentRunId: run.id, trigger: 'chunk' });
  });
});
