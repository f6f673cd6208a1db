/**
 * Attacks on the local host process (the compiled `npm start` entry point, in development mode,
 * on PostgreSQL + Redis), sent over raw sockets so that nothing between the test and the server
 * tidies the bytes: a malformed Host (`x:99999` crashed the process), a fuzzed set of request
 * lines and headers, a DNS-rebound page (Host: its own name), "simple" cross-site POSTs
 * (text/plain, form types, no preflight), and a sibling-prefix escape from the studio directory.
 * After each the process is still up and answers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, deleteKeys, dropSchema, randomId, TEST_DATABASE_URL, TEST_REDIS_URL } from '../../helpers/test-platform';
import { cleanEnv, requireBuild, startNode, type Proc } from '../../helpers/processes';

vi.setConfig({ testTimeout: 120_000 });

const HOST = requireBuild('functions/local-host/main.js');
const schema = `t_${randomId()}`;
const prefix = `test:${randomId()}`;
const dir = mkdtempSync(join(tmpdir(), 'demiton-sec-'));
let host: Proc;
let url: string;
let port: number;

beforeAll(async () => {
  // The studio directory, and beside it one whose name starts with the studio's.
  mkdirSync(join(dir, 'studio'));
  writeFileSync(join(dir, 'studio', 'index.html'), '<!doctype html><title>Demiton</title>');
  mkdirSync(join(dir, 'studio-evil'));
  writeFileSync(join(dir, 'studio-evil', 'secret.txt'), 'the secret next door');
  host = startNode(
    HOST,
    cleanEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: '0',
      LOG_LEVEL: 'warn',
      STUDIO_DIR: join(dir, 'studio'),
    }),
  );
  [, url] = (await host.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 90_000)) as unknown as [string, string];
  port = Number(new URL(url).port);
});

afterAll(async () => {
  await host?.kill('SIGKILL');
  await dropSchema(schema);
  await deleteKeys(`${prefix}:*`);
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw bytes, returns what came back (the status line first) when the server closes or after `ms`. */
function raw(bytes: string | Buffer, ms = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (d) => {
      out += d.toString('latin1');
      // One response is enough: stop at the end of its body (problem bodies are small JSON).
      if (/\r\n\r\n[\s\S]*\}$/.test(out) || /content-length: 0\r\n\r\n$/i.test(out)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

async function stillUp() {
  expect(host.child.exitCode).toBeNull();
  expect((await api(url, 'GET', '/api/health')).status).toBe(200);
}

describe('local host under attack', () => {
  it('a malformed Host (x:99999) gets 400 and the process stays up', async () => {
    for (const h of ['x:99999', 'localhost:0', '[::1', 'a b', 'localhost:7071:1', '%zz']) {
      const r = await raw(`GET /api/health HTTP/1.1\r\nHost: ${h}\r\n\r\n`);
      expect(statusOf(r), `Host: ${h}`).toBe(400);
      expect(r).toContain('application/problem+json');
    }
    expect(statusOf(await raw('GET /api/health HTTP/1.1\r\n\r\n'))).toBe(400);
    await stillUp();
  });

  it('a malformed target or percent-encoding gets 4xx, never 5xx', async () => {
    for (const target of ['http://x:99999/api/health', '/api/workflows/%E0%A4%A', '/%E0%A4%A', '//x:99999/']) {
      const s = statusOf(await raw(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`));
      expect(s, target).toBeGreaterThanOrEqual(400);
      expect(s, target).toBeLessThan(500);
    }
    await stillUp();
  });

  it('answers a fuzzed set of request lines and headers with 4xx (or 2xx) and stays up', async () => {
    const token = fc.stringMatching(/^[!-~]{0,12}$/);
    const request = fc.record({
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'), fc.stringMatching(/^[A-Z]{1,8}$/)),
      target: fc.oneof(
        fc.constantFrom('/', '/api/health', '/api/workflows', '*', '/api/runs/%', '/api/%00'),
        token.map((t) => `/${t}`),
        token,
      ),
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 x', ''),
      host: fc.oneof(fc.constantFrom('localhost', '127.0.0.1:1', '[::1]:80', 'x:99999', 'evil.example', ''), token),
      headers: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,12}$/), token), { maxLength: 4 }),
      body: fc.oneof(fc.constant(''), token),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const head = [
          `${r.method} ${r.target} ${r.version}`.trimEnd(),
          `Host: ${r.host}`,
          ...r.headers.map(([k, v]) => `${k}: ${v}`),
          `Content-Length: ${Buffer.byteLength(r.body)}`,
        ];
        const response = await raw(`${head.join('\r\n')}\r\n\r\n${r.body}`, 1_500);
        const s = statusOf(response);
        // Node answers what it cannot parse with 400 and closes; the host answers the rest. Never 5xx.
        if (s !== 0) expect(s < 500 || s === 505, response.slice(0, 200)).toBe(true);
        expect(host.child.exitCode).toBeNull();
      }),
      { numRuns: 150 },
    );
    await stillUp();
  });

  it('a DNS-rebound page (Host: its own name) gets 421 in development mode, API and studio alike', async () => {
    for (const target of ['/api/workflows', '/']) {
      const r = await raw(`GET ${target} HTTP/1.1\r\nHost: attacker.example:${port}\r\n\r\n`);
      expect(statusOf(r)).toBe(421);
      expect(r).toContain('host_not_loopback');
    }
    expect(statusOf(await raw(`GET http://attacker.example/api/workflows HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`))).toBe(421);
    expect(statusOf(await raw(`GET /api/workflows HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`))).toBe(200);
  });

  it('refuses "simple" cross-site POSTs: text/plain and form bodies get 415, a foreign Origin 403, and no CORS headers', async () => {
    const body = JSON.stringify({
      name: 'csrf',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    });
    for (const type of ['text/plain', 'text/plain; charset=json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await api(url, 'POST', '/api/workflows', body, { 'content-type': type });
      expect(r.status, type).toBe(415);
      expect(r.body.code).toBe('unsupported_media_type');
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const noType = await raw(`POST /api/workflows HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(statusOf(noType)).toBe(415);
    // A page of another origin, even with a JSON type (which a browser would preflight), and an empty-body state change.
    const foreign = await api(url, 'POST', '/api/workflows', body, { origin: 'https://attacker.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('cross_site_request');
    expect((await api(url, 'POST', '/api/workflows', body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const preflight = await fetch(`${url}/api/workflows`, {
      method: 'OPTIONS',
      headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const read = await fetch(`${url}/api/workflows`, { headers: { origin: 'https://attacker.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    // The studio on another loopback port (vite) and the same origin still work.
    expect((await api(url, 'POST', '/api/workflows', body, { origin: 'http://localhost:5173' })).status).toBe(201);
    expect((await api(url, 'GET', '/api/workflows')).body.items.filter((w: { name: string }) => w.name === 'csrf')).toHaveLength(1);
  });

  it('serves nothing from a sibling directory whose name starts with the studio directory', async () => {
    const r = await raw(`GET /..%2fstudio-evil%2fsecret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(r).not.toContain('the secret next door');
    expect(statusOf(r)).toBe(404);
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('Demiton');
  });
});
