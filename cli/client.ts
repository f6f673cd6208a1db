/**
 * The CLI's way to the control plane: the client generated from the OpenAPI document
 * (studio/src/api/schema.d.ts, `npm run gen:api`) through `openapi-fetch`, the same as the studio,
 * so request and response types come from the route table. Failures become CliError with the
 * exit code their status means (docs/cli.md).
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../studio/src/api/schema';
import { CliError, EXIT } from './exit-codes';
import type { Connection } from './profiles';

export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;
export type RunView = Schemas['RunView'];
export type RunSummary = Schemas['RunList']['items'][number];
export type WorkflowView = Schemas['WorkflowView'];
export type WorkflowSummary = Schemas['WorkflowList']['items'][number];

/** The headers that carry the connection's credential. */
export function authHeaders(c: Connection): Record<string, string> {
  if (c.apiKey) return { 'X-Api-Key': c.apiKey };
  if (c.accessToken) return { Authorization: `Bearer ${c.accessToken}` };
  return {};
}

/** A client for one connection. */
export function apiClient(c: Connection): ApiClient {
  const client = createClient<paths>({ baseUrl: c.url, fetch: (r) => globalThis.fetch(r) });
  const headers = authHeaders(c);
  client.use({
    onRequest({ request }) {
      for (const [k, v] of Object.entries(headers)) request.headers.set(k, v);
      request.headers.set('User-Agent', 'demiton-cli');
      return request;
    },
  });
  return client;
}

interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** The CliError an HTTP failure means: 404 not found, other 4xx refused, 5xx unavailable. */
export function problemError(status: number, problem: unknown, what: string): CliError {
  const p = (problem && typeof problem === 'object' ? problem : {}) as Problem;
  const message = p.detail ?? p.title ?? `${what} failed with HTTP ${status}`;
  const code = p.code ?? `http_${status}`;
  if (status === 404) return new CliError(EXIT.notFound, code, message, p.errors ?? []);
  if (status >= 500) return new CliError(EXIT.unavailable, code, message, p.errors ?? []);
  return new CliError(EXIT.refused, code, message, p.errors ?? []);
}

/** Awaits an openapi-fetch call and returns its data, or throws the CliError its failure means. */
export async function call<T>(what: string, request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await request;
  } catch (err) {
    throw unreachable(err);
  }
  if (!r.response.ok) throw problemError(r.response.status, r.error, what);
  return r.data as T;
}

/** The error for a control plane that did not answer at all. */
export function unreachable(err: unknown): CliError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return new CliError(
    EXIT.unavailable,
    'unreachable',
    `The control plane could not be reached: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
  );
}
