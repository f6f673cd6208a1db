/**
 * The problem+json contract that api-behaviour.integration.test.ts checks through the local host,
 * asserted again on the path Azure serves: each route's Functions registration (`toHandler`) called
 * with the real `@azure/functions` HttpRequest, as the host builds it. Only what the local host's
 * own router answers (404 for an unknown route, 405 for a wrong method) is local-host-only: on
 * Azure the Functions host answers those before any handler runs.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHandler } from '../../functions/http-kit';
import { routes } from '../../functions/routes';
import { createTestPlatform, type TestPlatform } from '../helpers/test-platform';

const MAX_BODY = 16_384;
let platform: TestPlatform;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { MAX_BODY_BYTES: String(MAX_BODY) } });
});
afterAll(async () => {
  await platform?.close();
});

async function call(
  name: string,
  init: { method: string; path: string; body?: string; headers?: Record<string, string>; params?: Record<string, string> },
): Promise<{ status: number; body: { code?: string; type?: string; errors?: unknown[] }; contentType: string | undefined }> {
  const route = routes.find((r) => r.name === name);
  if (!route) throw new Error(`no route named ${name}`);
  const url = new URL(`http://localhost:7071${init.path}`);
  const request = new HttpRequest({
    method: init.method,
    url: url.toString(),
    headers: init.headers ?? {},
    query: Object.fromEntries(url.searchParams),
    params: init.params ?? {},
    ...(init.body !== undefined ? { body: { string: init.body } } : {}),
  });
  const res: HttpResponseInit = await toHandler(route, async () => platform)(
    request,
    new InvocationContext({ invocationId: 'test', functionName: name }),
  );
  const text = typeof res.body === 'string' ? res.body : res.jsonBody !== undefined ? JSON.stringify(res.jsonBody) : '';
  const headers = new Headers(res.headers as ConstructorParameters<typeof Headers>[0]);
  return { status: res.status ?? 200, body: text ? JSON.parse(text) : {}, contentType: headers.get('content-type') ?? undefined };
}

const json = { 'content-type': 'application/json' };

function expectProblem(r: Awaited<ReturnType<typeof call>>, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.code).toBe(code);
  expect(r.contentType).toMatch(/^application\/problem\+json/);
}

describe('problem+json on the Functions registration path', () => {
  it('400 for malformed JSON, 413 for a body over the limit, 415 for a non-JSON type, 422 naming paths; nothing written', async () => {
    const count = async () => Number((await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM workflows')).rows[0]!.n);
    const before = await count();
    expectProblem(
      await call('createWorkflow', { method: 'POST', path: '/api/workflows', body: '{"name": ', headers: json }),
      400,
      'malformed_json',
    );
    expectProblem(
      await call('createWorkflow', {
        method: 'POST',
        path: '/api/workflows',
        body: JSON.stringify({ name: 'x'.repeat(MAX_BODY) }),
        headers: json,
      }),
      413,
      'body_too_large',
    );
    expectProblem(
      await call('createWorkflow', { method: 'POST', path: '/api/workflows', body: 'name=x', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
    const invalid = await call('createWorkflow', {
      method: 'POST',
      path: '/api/workflows',
      body: JSON.stringify({ name: '', tasks: 'no' }),
      headers: json,
    });
    expectProblem(invalid, 422, 'invalid_definition');
    expect(invalid.body.errors?.length).toBeGreaterThan(0);
    expect(await count()).toBe(before);
  });

  it('400 for a bad id or query, 404 for an unknown resource', async () => {
    expectProblem(
      await call('getRun', { method: 'GET', path: '/api/runs/not-a-uuid', params: { id: 'not-a-uuid' } }),
      400,
      'invalid_path_parameter',
    );
    expectProblem(await call('listRuns', { method: 'GET', path: '/api/runs?limit=0' }), 400, 'invalid_query');
    expectProblem(await call('listRuns', { method: 'GET', path: '/api/runs?bogus=1' }), 400, 'invalid_query');
    expectProblem(await call('listRuns', { method: 'GET', path: '/api/runs?cursor=AAAA' }), 400, 'invalid_cursor');
    const missing = '00000000-0000-4000-8000-00000000abcd';
    expectProblem(await call('getRun', { method: 'GET', path: `/api/runs/${missing}`, params: { id: missing } }), 404, 'run_not_found');
    expectProblem(
      await call('getWorkflow', { method: 'GET', path: `/api/workflows/${missing}`, params: { id: missing } }),
      404,
      'workflow_not_found',
    );
  });
});
