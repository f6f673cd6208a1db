/**
 * The bench's HTTP client against a real node:http server on loopback: statuses and error bodies
 * are counted and kept, Content-Length and chunked responses are framed, a server that closes the
 * connection after a response (Connection: close) or drops it mid-request is survived, and the
 * open loop keeps its schedule with one connection per outstanding request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module of the harness, without type declarations
import { closedLoop, openLoop, parseResponse } from './load-generator.mjs';

let server: http.Server | null = null;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server?.closeAllConnections();
  server = null;
});

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/workflows/w/runs?x=1`;
}

const readJson = (req: http.IncomingMessage) =>
  new Promise<{ input: { n: number } }>((resolve) => {
    const c: Buffer[] = [];
    req.on('data', (d: Buffer) => c.push(d)).on('end', () => resolve(JSON.parse(Buffer.concat(c).toString('utf8'))));
  });

describe('bench load generator', () => {
  it('sends every request once with its body, over at most N connections, and counts statuses', async () => {
    const seen: number[] = [];
    const sockets = new Set<unknown>();
    const url = await serve(async (req, res) => {
      sockets.add(req.socket);
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/api/workflows/w/runs?x=1');
      const { input } = await readJson(req);
      seen.push(input.n);
      if (input.n % 10 === 3) {
        res.writeHead(409, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ code: 'conflict', n: input.n }));
      } else if (input.n % 2 === 0) {
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: input.n })); // Content-Length
      } else {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.write('{"id":'); // chunked
        res.end(`${input.n}}`);
      }
    });
    const r = await closedLoop({ url, total: 100, connections: 4, bodyFor: (i: number) => JSON.stringify({ input: { n: i } }) });
    expect(r.sent).toBe(100);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.byStatus).toEqual({ 202: 90, 409: 10 });
    expect(JSON.parse(r.firstError)).toMatchObject({ code: 'conflict' });
    expect(r.latencies).toHaveLength(100);
    expect(sockets.size).toBeLessThanOrEqual(4);
  });

  it('reconnects after a response with Connection: close, and reports a dropped request as status 0', async () => {
    let n = 0;
    const url = await serve(async (req, res) => {
      await readJson(req);
      n++;
      if (n === 3) return req.socket.destroy(); // dropped mid-request
      res.writeHead(202, { connection: 'close', 'content-length': '2' }).end('{}');
    });
    const r = await closedLoop({ url, total: 6, connections: 1, bodyFor: () => '{"input":{"n":1}}' });
    expect(r.byStatus).toEqual({ 0: 1, 202: 5 });
  });

  it('open loop: sends at the rate, all answered, each latency counted from when its request was made', async () => {
    const url = await serve(async (req, res) => {
      await readJson(req);
      setTimeout(() => res.writeHead(202, { 'content-length': '2' }).end('{}'), 30); // slower than the gap between requests
    });
    const t0 = performance.now();
    const r = await openLoop({ url, ratePerSec: 200, durationMs: 250, bodyFor: (i: number) => JSON.stringify({ input: { n: i } }) });
    expect(r.sent).toBe(50);
    expect(r.byStatus).toEqual({ 202: 50 });
    expect(Math.min(...r.latencies)).toBeGreaterThanOrEqual(29);
    // 50 requests at 200/s take ~250 ms to send, not 50 × 30 ms: several were outstanding at once.
    expect(performance.now() - t0).toBeLessThan(50 * 30);
  });

  it('frames responses by Content-Length or chunks, and waits for incomplete ones', () => {
    const whole = Buffer.from('HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}');
    expect(parseResponse(whole.subarray(0, whole.length - 1))).toBeNull();
    expect(parseResponse(whole)).toMatchObject({ status: 202, close: false });
    const chunked = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
    );
    expect(parseResponse(chunked.subarray(0, 60))).toBeNull();
    const r = parseResponse(chunked);
    expect(r.body.toString()).toBe('abcde');
    expect(r.close).toBe(true);
    expect(r.rest.length).toBe(0);
    expect(() => parseResponse(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP/);
  });
});
