/**
 * The generic REST / OData v4 adapter (`http`): any request under a base URL, and OData
 * collection reads as a streaming generator that follows `@odata.nextLink`. The fallback for the
 * `http`, `rest` and `odata` connection types.
 */
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { UpstreamError } from '../upstream-error';
import { authHeaders, HttpAuthSecrets, HttpAuthSettings, missingAuthSecrets } from './http-auth';
import { expectOk, httpRequest } from './http-client';
import { ODataClient, ODataEntity } from './odata-client';

const Settings = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).describe('Every request path is relative to this URL.'),
  auth: HttpAuthSettings,
  headers: z.record(z.string(), z.string()).optional().describe('Sent with every request (no credentials: use auth).'),
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
});

/** Connection schema: settings, and the secrets the chosen auth type needs. */
export const httpConnectionSchema = z.object({ settings: Settings, secrets: HttpAuthSecrets }).superRefine((c, ctx) => {
  for (const name of missingAuthSecrets(c.settings.auth, c.secrets))
    ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `required for auth type '${c.settings.auth.type}'` });
});

/**
 * Headers a task may not set: `Host` (Node takes the TLS server name from it, so the connector's
 * credentials would be sent to a server proving another name), hop-by-hop and framing headers, and
 * authentication headers (the connector's auth sets those; a task overriding them could swap the
 * credential or strip it). The api-key auth's own header name is refused at run time.
 */
export const FORBIDDEN_TASK_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'authorization',
  'proxy-authorization',
  'cookie',
]);

const TaskHeaders = z.record(z.string(), z.string()).superRefine((h, ctx) => {
  for (const name of Object.keys(h)) {
    if (FORBIDDEN_TASK_HEADERS.has(name.trim().toLowerCase()))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `'${name}' may not be set by a task (Host, hop-by-hop and authentication headers come from the connector)`,
      });
  }
});

const requestInput = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  path: z.string().default(''),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  headers: TaskHeaders.optional(),
  body: z.unknown().optional().describe('Sent as JSON.'),
  /** Statuses returned instead of failing the task (e.g. [404] to branch on absence). */
  acceptStatus: z.array(z.number().int()).optional(),
});

const odataQueryInput = z.object({
  entitySet: z.string().min(1).describe('Collection path under the base URL, e.g. `Customers`.'),
  filter: z.string().optional().describe('OData $filter expression.'),
  select: z.array(z.string()).optional(),
  orderby: z.string().optional(),
  pageSize: z.number().int().min(1).max(5000).optional(),
  maxRecords: z.number().int().min(1).optional(),
});

/** A live connection: settings, auth headers and an OData client for one connector. */
interface HttpBound {
  settings: z.infer<typeof Settings>;
  headers(signal: AbortSignal): Promise<Record<string, string>>;
  odata: ODataClient;
  env: AdapterEnvironment;
}

const operations = {
  request: call<HttpBound, typeof requestInput>({
    description:
      'Sends one HTTP request under the base URL (JSON body); returns status, headers and the body (parsed when JSON). Non-2xx fails the task unless listed in acceptStatus. Sends the idempotency key as `Idempotency-Key`.',
    input: requestInput,
    output: z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.unknown() }),
    async run(input, ctx, b) {
      const authHeader = b.settings.auth.type === 'api-key' ? b.settings.auth.header.toLowerCase() : null;
      const overriding = Object.keys(input.headers ?? {}).find((h) => h.trim().toLowerCase() === authHeader);
      if (overriding)
        throw new UpstreamError(
          'http_header_forbidden',
          'http',
          `Task '${ctx.taskKey}': header '${overriding}' carries the connector's API key and may not be set by a task.`,
        );
      const url = b.odata.url(input.path, Object.fromEntries(Object.entries(input.query ?? {}).map(([k, v]) => [k, String(v)])));
      const res = await httpRequest(
        b.env.network,
        {
          method: input.method,
          url,
          signal: ctx.signal,
          ...(b.settings.timeoutMs ? { timeoutMs: b.settings.timeoutMs } : {}),
          headers: {
            accept: 'application/json',
            'idempotency-key': ctx.idempotencyKey,
            ...(await b.headers(ctx.signal)),
            ...input.headers,
            ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
        },
        'http',
      );
      if (!input.acceptStatus?.includes(res.status)) expectOk(res, `${input.method} ${input.path || '/'}`, 'http');
      const text = res.body.toString('utf8');
      let body: unknown = text;
      if (/json/i.test(res.headers['content-type'] ?? '')) {
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          throw new UpstreamError(
            'http_bad_response',
            'http',
            `${input.method} ${input.path}: the body is not the JSON its content type says.`,
          );
        }
      }
      return { status: res.status, headers: res.headers, body };
    },
  }),
  odataQuery: generator<HttpBound, typeof odataQueryInput>({
    description: 'Streams the records of an OData v4 collection, following @odata.nextLink page by page (one page in memory).',
    input: odataQueryInput,
    output: ODataEntity.describe('One entity of the collection.'),
    generate: (input, ctx, b) => b.odata.query(input.entitySet, input, ctx.signal),
  }),
};

/** Registration of the generic HTTP / OData adapter. */
export const httpAdapter: AdapterRegistration = {
  systemType: 'http',
  category: 'platform',
  connectionTypes: ['http', 'rest', 'odata'],
  operations: declareOperations(operations),
  connectionSchema: httpConnectionSchema,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const settings = Settings.parse(c.settings);
    const headers = (signal: AbortSignal) =>
      authHeaders(env.network, settings.auth, c.secrets, {}, signal, 'http').then((h) => ({ ...settings.headers, ...h }));
    const bound: HttpBound = { settings, headers, odata: new ODataClient(env.network, settings.baseUrl, headers, 'http'), env };
    return {
      systemType: 'http',
      category: 'platform',
      operations: bindOperations(operations, bound),
      async testConnection(signal) {
        const res = expectOk(
          await httpRequest(env.network, { method: 'GET', url: settings.baseUrl, signal, headers: await headers(signal) }, 'http'),
          `GET ${settings.baseUrl}`,
          'http',
        );
        return { ok: true, detail: `HTTP ${res.status}` };
      },
    };
  },
};
