/**
 * Turns a declared route into an Azure Functions HTTP handler: authenticate, check the role,
 * parse and validate params, query and body against the route's schemas, call one domain
 * operation, and map its result or typed error to a response. The same handler object is
 * registered with `app.http` and served by the local host.
 */
import { HttpRequest, type HttpHandler, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { authenticate } from '../shared/auth/authenticate';
import { hasRole, type Principal, type Role } from '../shared/domain/principal';
import { sourceFromHeaders } from '../shared/auth/request-source';
import { enforceWorkflowScope, type WorkflowScopeRule } from '../shared/auth/workflow-scope';
import {
  BodyTooLargeError,
  ForbiddenError,
  MalformedBodyError,
  NotLoopbackError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../shared/domain/errors';
import { isLoopbackHost } from '../shared/domain/loopback-host';
import { zodIssues } from '../shared/domain/zod-issues';
import type { RouteDoc } from '../shared/http/openapi';
import { toProblem } from '../shared/http/problem';
import { SpanKind, withTraceParent } from '../shared/observability/tracing';
import type { Platform } from '../shared/platform';
import { getPlatform } from './platform-instance';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HandlerContext<P, Q, B> {
  platform: Platform;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  request: HttpRequest;
  invocation: InvocationContext;
}

export interface Route<P = unknown, Q = unknown, B = unknown> extends RouteDoc {
  role: Role | 'public';
  /** False when the domain operation validates the body itself (it still appears in OpenAPI). */
  validateBody?: boolean;
  /** True when a missing body means `{}`. */
  optionalBody?: boolean;
  /** True when the handler reads the raw bytes itself (signed webhooks); `body` then only documents it. */
  rawBody?: boolean;
  /**
   * For routes that act on one workflow: where its id comes from. API keys limited to some
   * workflows may call only routes that declare this (shared/auth/workflow-scope.ts).
   */
  workflowScope?: WorkflowScopeRule;
  handle(ctx: HandlerContext<P, Q, B>): Promise<Reply | HttpResponseInit>;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/** Declares a route; types of params, query and body follow from its schemas. */
export function defineRoute<
  PS extends z.ZodObject | undefined = undefined,
  QS extends z.ZodObject | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
>(
  r: Omit<Route<Infer<PS>, Infer<QS>, Infer<BS>>, 'params' | 'query' | 'body'> & { params?: PS; query?: QS; body?: BS },
): Route<Infer<PS>, Infer<QS>, Infer<BS>> {
  return r as Route<Infer<PS>, Infer<QS>, Infer<BS>>;
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, code: string, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`The ${what} is invalid.`, zodIssues(r.error), code);
  return r.data;
}

/**
 * The request body's bytes, counted as they are read: past `maxBytes` reading stops and
 * `tooLarge()` is thrown, whatever Content-Length said (a chunked body has none, and a header
 * can lie). The local host's request has already been read within its limit (server.ts); the
 * Functions host's streams (HTTP streaming is on in index.ts).
 */
export async function readBytesWithin(request: HttpRequest, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) throw tooLarge();
  if (!((request as unknown) instanceof HttpRequest)) {
    const bytes = new Uint8Array(await (request as Pick<HttpRequest, 'arrayBuffer'>).arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes;
  }
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** True for `application/json` and `application/<anything>+json`, with any parameters. */
export function isJsonMediaType(type: string | null): boolean {
  if (!type) return false;
  const essence = type.split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(essence);
}

const utf8 = new TextDecoder();

async function readBody(request: HttpRequest, maxBytes: number, optional: boolean): Promise<unknown> {
  const text = utf8.decode(await readBytesWithin(request, maxBytes, () => new BodyTooLargeError(maxBytes)));
  if (text.trim() === '') {
    if (optional) return {};
    throw new MalformedBodyError('The request body is empty; a JSON body is required.');
  }
  // Only application/json: text/plain and form bodies are what any web page may send cross-site without a preflight.
  const type = request.headers.get('content-type');
  if (!isJsonMediaType(type)) throw new UnsupportedMediaTypeError(type);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MalformedBodyError(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (nestingDepth(parsed) > MAX_BODY_DEPTH) {
    throw new ValidationError(
      'The request body is invalid.',
      [{ path: '(body)', message: `nested deeper than ${MAX_BODY_DEPTH} levels` }],
      'body_too_deep',
    );
  }
  // PostgreSQL's jsonb cannot hold U+0000: refuse it here with a clear answer instead of a 500 when stored.
  if (text.includes('u0000') && containsNul(parsed)) {
    throw new ValidationError(
      'The request body is invalid.',
      [{ path: '(body)', message: 'contains the character U+0000 (\\u0000), which cannot be stored' }],
      'body_contains_nul',
    );
  }
  return parsed;
}

/** True when a string or key anywhere in a parsed JSON value contains U+0000 (walked without recursion). */
export function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes('\u0000')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

/**
 * Deepest nesting a body may have. Validation and JSONata walk values recursively; a few thousand
 * levels (a few kilobytes of `[[[[…`) would overflow the stack and answer 500. No real input
 * nests anywhere near 100.
 */
export const MAX_BODY_DEPTH = 100;

/** Nesting depth of a parsed JSON value, measured without recursion (so measuring cannot overflow either). */
export function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > MAX_BODY_DEPTH) return d;
    if (v && typeof v === 'object')
      for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
  return max;
}

function toResponse(reply: Reply | HttpResponseInit): HttpResponseInit {
  // A stream (Server-Sent Events) passes through as it is; HTTP streaming is on in index.ts.
  // So does any raw body (text, bytes, async iterable): only plain data is sent as JSON.
  const b: unknown = reply.body;
  if (
    b instanceof ReadableStream ||
    typeof b === 'string' ||
    b instanceof Uint8Array ||
    (b !== null && typeof b === 'object' && Symbol.asyncIterator in b)
  ) {
    return reply as HttpResponseInit;
  }
  if ('jsonBody' in reply || 'body' in reply === false || reply.body === undefined) return reply as HttpResponseInit;
  const r = reply as Reply;
  return { status: r.status, jsonBody: r.body, headers: r.headers ?? {} };
}

/** Builds the Azure Functions handler for a route. */
export function toHandler(route: Route, platformSource: () => Promise<Platform> = getPlatform): HttpHandler {
  const handle = async (request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit> => {
    let platform: Platform | undefined;
    try {
      platform = await platformSource();
      const p = platform;
      return await handleAuthenticated(route, p, request, invocation);
    } catch (err) {
      const p = toProblem(err, new URL(request.url).pathname);
      if (p.isInternal) (platform?.logger ?? console).error({ err, route: route.name }, 'request failed');
      return { status: p.status, headers: p.headers, body: JSON.stringify(p.body) };
    }
  };
  const spanName = `${route.method} /api/${route.route}`;
  const attributes = { 'http.route': `/api/${route.route}`, 'http.request.method': route.method };
  // Parent: the Functions host's invocation trace on Azure, else the caller's traceparent header.
  return (request, invocation) =>
    withTraceParent(
      invocation.traceContext?.traceParent ?? request.headers.get('traceparent'),
      spanName,
      () => handle(request, invocation),
      attributes,
      SpanKind.SERVER,
    );
}

/** Authenticate, check the role, count the request against the rate limits, check an API key's workflow scope, parse, handle. */
async function handleAuthenticated(
  route: Route,
  platform: Platform,
  request: HttpRequest,
  invocation: InvocationContext,
): Promise<HttpResponseInit> {
  // Every entry point (the local host and the Functions registrations) serves development mode to loopback names only.
  if (platform.config.devMode) {
    const { hostname } = new URL(request.url);
    if (!isLoopbackHost(hostname)) throw new NotLoopbackError(hostname);
  }
  // The client address travels on the principal to every audit entry the handler writes.
  const source = sourceFromHeaders(request.headers);
  const principal: Principal =
    route.role === 'public'
      ? { orgId: '', actor: { type: 'system', id: 'anonymous' }, role: 'viewer', source }
      : { ...(await authenticate(platform, request.headers)), source };
  if (route.role !== 'public') {
    if (!hasRole(principal.role, route.role)) throw new ForbiddenError(route.role);
    await platform.identity.rateLimiter.check(principal);
  }
  const params = route.params ? parseWith(route.params, request.params, 'invalid_path_parameter', 'path') : undefined;
  if (route.role !== 'public') await enforceWorkflowScope(platform, principal, route.workflowScope, params);
  const query = route.query
    ? parseWith(route.query, Object.fromEntries(request.query.entries()), 'invalid_query', 'query string')
    : undefined;
  let body: unknown;
  if (route.body && !route.rawBody) {
    const raw = await readBody(request, platform.config.http.maxBodyBytes, !!route.optionalBody);
    body = route.validateBody === false ? raw : parseWith(route.body, raw, 'validation_failed', 'request body');
  }
  const reply = await route.handle({ platform, principal, params, query, body, request, invocation });
  return toResponse(reply);
}
