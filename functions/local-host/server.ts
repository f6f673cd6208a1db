/**
 * The local host: a small HTTP server that serves the very same registered handlers as Azure
 * Functions (built from the same route table), under the same `/api` prefix, using the
 * @azure/functions request and response classes. Also serves the studio's static files.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { HttpResponse, type HttpHandler, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { LocalInvocationContext } from './local-context';
import { LocalHttpRequest } from './local-request';
import { problem } from '../../shared/http/problem';
import type { Logger } from '../../shared/logger';
import type { Route } from '../http-kit';
import { FAVICON_SVG } from './favicon';

/** Where browsers look for the icon; answered with the built-in SVG when the studio has no such file. */
const FAVICON_PATHS = new Set(['/favicon.ico', '/favicon.svg']);

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  name: string;
  handler: HttpHandler;
}

/** Path segments of a request path, not counting a trailing slash (which routes accept). */
export function segmentCount(pathname: string): number {
  let n = 0;
  for (let i = 0; i < pathname.length - 1; i++) if (pathname.charCodeAt(i) === 47) n++;
  return n;
}

/** Compiles an Azure route template (`workflows/{id}/runs`) into a matcher under /api. */
export function compileRoute(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((seg) => {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}$/.exec(seg);
      if (m) {
        names.push(m[1]!);
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^/api/${source}/?$`, 'i'), names };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface LocalHostOptions {
  routes: readonly Route[];
  handlerFor(route: Route): HttpHandler;
  port: number;
  host: string;
  maxBodyBytes: number;
  studioDir: string | null;
  logger: Logger;
  /**
   * Development mode (every request is the built-in owner): answer only requests addressed to a
   * loopback name, so a web page whose DNS name is rebound to 127.0.0.1 gets nothing, and refuse
   * state-changing requests a page of another origin sends.
   */
  loopbackOnly?: boolean;
}

/** A `Host` header split into name and port, or null when it is not one (`x:99999`, `a b`, empty). */
export function parseHostHeader(value: string | undefined): { hostname: string; port: number | null } | null {
  if (!value) return null;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { hostname: m[1]!.toLowerCase(), port };
}

/** Loopback names: `localhost` (and `*.localhost`, which resolves to loopback by RFC 6761), 127.0.0.0/8, [::1]. */
export function isLoopbackName(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a development-mode request is refused, or null. The Host (and an absolute-form target)
 * must be a loopback name: a page whose DNS name was rebound to 127.0.0.1 sends its own name. A
 * state-changing request must not come from a page of another origin: a browser names it in
 * Origin or Sec-Fetch-Site, even on a "simple" request that needs no preflight.
 */
function devModeRefusal(
  req: IncomingMessage,
  method: string,
  host: { hostname: string },
  url: URL,
): { status: number; code: string; detail: string } | null {
  for (const name of [host.hostname, url.hostname]) {
    if (!isLoopbackName(name))
      return {
        status: 421,
        code: 'host_not_loopback',
        detail: `Development mode answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]), not '${name}'.`,
      };
  }
  if (SAFE_METHODS.has(method)) return null;
  const cross = { status: 403, code: 'cross_site_request' };
  if (req.headers['sec-fetch-site'] === 'cross-site')
    return { ...cross, detail: 'Development mode refuses state-changing requests sent by a page of another site.' };
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  let originHost: string | null;
  try {
    originHost = new URL(origin).hostname;
  } catch {
    originHost = null;
  }
  return originHost !== null && isLoopbackName(originHost)
    ? null
    : { ...cross, detail: `Development mode refuses state-changing requests from the origin '${origin}'.` };
}

function sendProblem(res: ServerResponse, status: number, code: string, detail: string, headers: Record<string, string> = {}) {
  const p = problem(status, code, detail, {}, headers);
  res.writeHead(p.status, p.headers);
  res.end(JSON.stringify(p.body));
}

/** The request body, or 'too-large' as soon as it passes `limit` (the rest is not read). */
function readRaw(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData).off('end', onEnd).off('error', reject);
        req.pause();
        return resolve('too-large');
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('error', reject);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

function serveStatic(dir: string, pathname: string, res: ServerResponse): boolean {
  const root = resolve(dir);
  let file = normalize(join(root, decodeURIComponent(pathname)));
  // With the separator: `<root>-evil/…` starts with `<root>` but is outside it.
  if (file !== root && !file.startsWith(root + sep)) return false;
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Client-side routes fall back to the app shell; missing assets stay 404.
    if (extname(pathname)) return false;
    file = join(root, 'index.html');
    if (!existsSync(file)) return false;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': file.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
  return true;
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * Writes a response whose body is JSON data or a string straight to the socket, with the headers
 * HttpResponse would give it (content-type application/json for `jsonBody`, text/plain for a
 * string unless set). False for anything else (streams, bytes, cookies, null-body statuses), which
 * goes through HttpResponse.
 */
export function sendPlain(init: HttpResponseInit, method: string, res: ServerResponse): boolean {
  const status = init.status ?? 200;
  if (init.cookies?.length || NULL_BODY_STATUSES.has(status)) return false;
  let body: string;
  let defaultType: string;
  if (init.jsonBody !== undefined && init.jsonBody !== null && init.body === undefined) {
    body = JSON.stringify(init.jsonBody);
    defaultType = 'application/json';
  } else if (typeof init.body === 'string' && init.jsonBody === undefined) {
    body = init.body;
    defaultType = 'text/plain;charset=UTF-8';
  } else return false;
  const out = plainHeaders(init.headers);
  if (out['content-type'] === undefined) out['content-type'] = defaultType;
  // A length instead of chunked framing: the whole body is known.
  out['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(status, out);
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}

/**
 * Response headers as the Fetch Headers class would list them (names lower-cased, values trimmed,
 * repeated names joined with ", "), without building one for the common case of a plain object.
 */
function plainHeaders(init: HttpResponseInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (init === undefined) return out;
  if (Object.getPrototypeOf(init) !== Object.prototype) {
    new Headers(init as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => (out[k] = v));
    return out;
  }
  for (const [name, raw] of Object.entries(init as Record<string, string>)) {
    const k = name.toLowerCase();
    const v = String(raw).trim();
    out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
  }
  return out;
}

/** Starts the local host; resolves once it listens. */
export async function startLocalHost(opts: LocalHostOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const compiled: CompiledRoute[] = opts.routes.map((r) => ({
    ...compileRoute(r.route),
    method: r.method.toUpperCase(),
    name: r.name,
    handler: opts.handlerFor(r),
  }));
  // A template matches only paths of its own number of segments: each request tries those alone.
  const bySegments = new Map<number, CompiledRoute[]>();
  for (const [i, r] of opts.routes.entries()) {
    const n = segmentCount(`/api/${r.route}`);
    bySegments.set(n, [...(bySegments.get(n) ?? []), compiled[i]!]);
  }

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    // Host and target are the client's bytes: anything malformed is a 400, never a thrown TypeError.
    const host = parseHostHeader(req.headers.host);
    let url: URL;
    try {
      if (!host) throw new TypeError('bad Host');
      url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      res.setHeader('Connection', 'close');
      return sendProblem(
        res,
        400,
        'malformed_request',
        host ? 'The request target is not a valid URL.' : 'The Host header is missing or malformed.',
      );
    }
    if (opts.loopbackOnly) {
      const refusal = devModeRefusal(req, method, host, url);
      if (refusal) {
        res.setHeader('Connection', 'close');
        return sendProblem(res, refusal.status, refusal.code, refusal.detail);
      }
    }
    try {
      if (!url.pathname.startsWith('/api/') && url.pathname !== '/api') {
        let served = false;
        try {
          served = !!opts.studioDir && (method === 'GET' || method === 'HEAD') && serveStatic(opts.studioDir, url.pathname, res);
        } catch (err) {
          if (err instanceof URIError) return sendProblem(res, 400, 'malformed_request', 'The path is not valid percent-encoding.');
          throw err;
        }
        if (served) return;
        if ((method === 'GET' || method === 'HEAD') && FAVICON_PATHS.has(url.pathname)) {
          res.writeHead(200, {
            'Content-Type': TYPES['.svg']!,
            'Content-Length': String(Buffer.byteLength(FAVICON_SVG)),
            'Cache-Control': 'public, max-age=86400',
          });
          return void res.end(method === 'HEAD' ? undefined : FAVICON_SVG);
        }
        return sendProblem(res, 404, 'not_found', `Nothing at ${url.pathname}.`);
      }
      const matches = (bySegments.get(segmentCount(url.pathname)) ?? [])
        .map((c) => ({ c, m: c.pattern.exec(url.pathname) }))
        .filter((x) => x.m);
      if (!matches.length) return sendProblem(res, 404, 'route_not_found', `No API route matches ${url.pathname}.`);
      const hit = matches.find((x) => x.c.method === method);
      if (!hit) {
        const allow = [...new Set(matches.map((x) => x.c.method))].join(', ');
        return sendProblem(res, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}; use ${allow}.`, { Allow: allow });
      }
      let params: Record<string, string>;
      try {
        params = Object.fromEntries(hit.c.names.map((n, i) => [n, decodeURIComponent(hit.m![i + 1]!)]));
      } catch {
        return sendProblem(res, 400, 'malformed_request', 'A path segment is not valid percent-encoding.');
      }
      const raw = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readRaw(req, opts.maxBodyBytes);
      if (raw === 'too-large') {
        res.setHeader('Connection', 'close');
        return sendProblem(res, 413, 'body_too_large', `Request body is larger than ${opts.maxBodyBytes} bytes.`);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      // Like Azure's front end: append the peer address to X-Forwarded-For (the audit log's `source`).
      const peer = req.socket.remoteAddress;
      if (peer) headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
      const request = new LocalHttpRequest({
        method,
        url: url.toString(),
        headers,
        query: Object.fromEntries(url.searchParams),
        params,
        body: raw.length ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : null,
      }) as unknown as HttpRequest;
      const invocationId = randomUUID();
      const context = new LocalInvocationContext({
        invocationId,
        functionName: hit.c.name,
        logHandler: (level, ...args) =>
          opts.logger[
            level === 'warning'
              ? 'warn'
              : level === 'information'
                ? 'info'
                : level === 'critical'
                  ? 'fatal'
                  : level === 'none'
                    ? 'trace'
                    : level
          ]({ functionName: hit.c.name, invocationId }, args.map(String).join(' ')),
      });
      const init = await hit.c.handler(request, context);
      if (init && sendPlain(init, method, res)) return;
      const response = new HttpResponse(init ?? { status: 204 });
      const outHeaders: Record<string, string> = {};
      response.headers.forEach((v, k) => (outHeaders[k] = v));
      res.writeHead(response.status, outHeaders);
      if (!response.body || method === 'HEAD') return void res.end();
      const body = Readable.fromWeb(response.body as never);
      res.on('close', () => body.destroy());
      body.on('error', () => res.destroy());
      body.pipe(res);
    } catch (err) {
      opts.logger.error({ err, path: url.pathname }, 'local host failed to serve a request');
      if (!res.headersSent) sendProblem(res, 500, 'internal_error', 'An unexpected error occurred.');
      else res.destroy();
    }
  };
  // Whatever escapes `serve` (a write to a socket already gone) ends that connection, not the process.
  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      opts.logger.error({ err }, 'local host failed to answer a request');
      res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
