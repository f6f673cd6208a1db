/**
 * The local host's fast paths answer exactly as @azure/functions' own classes would: the request
 * object against a real HttpRequest built from the same data, and a JSON or text response against
 * HttpResponse written to a real socket.
 */
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { LocalHttpRequest, type LocalRequestInit } from './local-request';
import { compileRoute, segmentCount, sendPlain } from './server';

const enc = (s: string) => new TextEncoder().encode(s);
const principal = Buffer.from(
  JSON.stringify({ identityProvider: 'aad', userId: 'u1', userDetails: 'ada@example.com', userRoles: ['authenticated'] }),
).toString('base64');

const CASES: LocalRequestInit[] = [
  {
    method: 'POST',
    url: 'http://127.0.0.1:7071/api/workflows/abc/runs?x=1&y=%20z',
    headers: { 'content-type': 'application/json', 'x-ms-client-principal': principal, accept: 'a, b' },
    query: { x: '1', y: ' z' },
    params: { id: 'abc' },
    body: enc('{"input":{"n":1,"s":"é"}}'),
  },
  {
    method: 'PUT',
    url: 'http://127.0.0.1:7071/api/things/1',
    headers: { 'content-type': 'application/json' },
    query: {},
    params: { id: '1' },
    body: enc('\uFEFF{"bom":true}'),
  },
  {
    method: 'GET',
    url: 'http://127.0.0.1:7071/api/runs?status=FAILED',
    headers: { Authorization: 'Bearer t' },
    query: { status: 'FAILED' },
    params: {},
    body: null,
  },
  {
    method: 'POST',
    url: 'http://127.0.0.1:7071/api/documents',
    headers: { 'content-type': 'application/octet-stream' },
    query: {},
    params: {},
    body: new Uint8Array([0, 255, 1, 2]),
  },
];

const real = (c: LocalRequestInit) =>
  new HttpRequest({
    method: c.method,
    url: c.url,
    headers: c.headers,
    query: c.query,
    params: c.params,
    ...(c.body?.length ? { body: { bytes: c.body } } : {}),
  });

describe('LocalHttpRequest', () => {
  it.each(CASES.map((c) => [`${c.method} ${c.url}`, c] as const))('reads like HttpRequest: %s', async (_, c) => {
    const a = new LocalHttpRequest(c);
    const b = real(c);
    expect(a.method).toBe(b.method);
    expect(a.url).toBe(b.url);
    expect([...a.headers.entries()]).toEqual([...b.headers.entries()]);
    expect([...a.query.entries()]).toEqual([...b.query.entries()]);
    expect(a.params).toEqual(b.params);
    expect(a.user).toEqual(b.user);
    expect(a.bodyUsed).toBe(false);
    expect(await a.text()).toBe(await b.text());
    expect(a.bodyUsed).toBe(b.bodyUsed);
    if (c.body) await expect(a.text()).rejects.toThrow(TypeError);
    else expect(await a.text()).toBe(await b.text());
    const a2 = new LocalHttpRequest(c);
    const b2 = real(c);
    expect(new Uint8Array(await a2.arrayBuffer())).toEqual(new Uint8Array(await b2.arrayBuffer()));
    if (c.headers['content-type'] === 'application/json') expect(await new LocalHttpRequest(c).json()).toEqual(await real(c).json());
  });
});

/** Status, headers (but for the framing ones) and body of a response written by `write`. */
async function served(
  write: (res: import('node:http').ServerResponse) => void,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const server = createServer((_, res) => write(res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      if (!['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)) headers[k] = v;
    });
    return { status: r.status, headers, body: await r.text() };
  } finally {
    server.close();
  }
}

const viaHttpResponse = (init: HttpResponseInit) => (res: import('node:http').ServerResponse) => {
  const response = new HttpResponse(init);
  const h: Record<string, string> = {};
  response.headers.forEach((v, k) => (h[k] = v));
  res.writeHead(response.status, h);
  if (!response.body) return void res.end();
  Readable.fromWeb(response.body as never).pipe(res);
};

describe('sendPlain', () => {
  const inits: HttpResponseInit[] = [
    { status: 202, jsonBody: { id: 'r1', status: 'PENDING', n: [1, 2] }, headers: { Location: '/api/runs/r1' } },
    { status: 200, jsonBody: { a: 'é' }, headers: { 'Content-Type': 'application/vnd.custom+json' } },
    { status: 422, body: JSON.stringify({ code: 'x' }), headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '5' } },
    { status: 200, body: 'plain text' },
    { jsonBody: [] },
    { status: 201, jsonBody: { ok: true }, headers: { 'X-Trace': ' a ', 'x-trace': 'b', LOCATION: '/api/x' } },
    { status: 200, jsonBody: { h: 1 }, headers: new Headers({ 'X-From-Headers': '1' }) },
    {
      status: 200,
      jsonBody: { pairs: 1 },
      headers: [
        ['X-Pair', '1'],
        ['x-pair', '2'],
      ],
    },
  ];
  it.each(inits.map((i) => [JSON.stringify(i), i] as const))('writes what HttpResponse writes: %s', async (_, init) => {
    const fast = await served((res) => expect(sendPlain(init, 'GET', res)).toBe(true));
    expect(fast).toEqual(await served(viaHttpResponse(init)));
  });

  it('frames the body with its length in bytes, not chunks', async () => {
    const server = createServer((_, res) => void sendPlain({ status: 200, jsonBody: { a: 'é€' } }, 'GET', res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const r = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
      const body = await r.text();
      expect(r.headers.get('transfer-encoding')).toBeNull();
      expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      expect(JSON.parse(body)).toEqual({ a: 'é€' });
    } finally {
      server.close();
    }
  });

  it('leaves streams, bytes, cookies and null-body statuses to HttpResponse', async () => {
    const res = {
      writeHead: () => {
        throw new Error('must not write');
      },
    } as unknown as import('node:http').ServerResponse;
    expect(sendPlain({ status: 204 }, 'GET', res)).toBe(false);
    expect(sendPlain({ status: 200, body: new Uint8Array([1]) }, 'GET', res)).toBe(false);
    expect(sendPlain({ status: 200, jsonBody: { a: 1 }, cookies: [{ name: 'c', value: 'v' }] }, 'GET', res)).toBe(false);
    expect(sendPlain({ status: 200, body: new ReadableStream() }, 'GET', res)).toBe(false);
    expect(sendPlain({ status: 200 }, 'GET', res)).toBe(false);
  });
});

describe('route lookup by segment count', () => {
  it('counts the segments a template matches, with or without a trailing slash', () => {
    const runs = compileRoute('workflows/{id}/runs');
    for (const path of ['/api/workflows/abc/runs', '/api/workflows/abc/runs/']) {
      expect(runs.pattern.test(path)).toBe(true);
      expect(segmentCount(path)).toBe(segmentCount('/api/workflows/{id}/runs'));
    }
    expect(segmentCount('/api/workflows')).not.toBe(segmentCount('/api/workflows/abc'));
    expect(segmentCount('/api/workflows/a%2Fb/runs')).toBe(4);
  });
});
