/**
 * A customer's own Azure AI Search index (`search-index`, intelligence): keyword and vector
 * queries, upserts and deletes over the REST API (2024-07-01), through the adapter HTTP client so
 * the outbound network policy, `Retry-After` and `traceparent` apply. Authentication is the
 * index's API key (`api-key` header) or the organisation's own service principal at its Entra
 * authority — never the platform's managed identity.
 */
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { authHeaders, EntraAuthority, entraTokenUrl } from '../platform/http-auth';
import { expectOk, httpRequest, jsonOf } from '../platform/http-client';
import { settingHost } from '../setting-host';
import { UpstreamError } from '../upstream-error';

const SYSTEM = 'search-index';
const API_VERSION = '2024-07-01';
const SEARCH_SCOPE = 'https://search.azure.com/.default';

const Settings = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).describe('e.g. https://<service>.search.windows.net'),
  index: z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, 'an Azure AI Search index name (lower case, digits, dashes)'),
  auth: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('api-key') }).describe('secrets.apiKey (an admin key for upsert/delete, a query key suffices for query)'),
      z
        .object({ type: z.literal('service-principal'), tenantId: z.string().min(1), authority: EntraAuthority })
        .describe('secrets.clientId and secrets.clientSecret'),
    ])
    .default({ type: 'api-key' }),
});
const Secrets = z.object({ apiKey: z.string().optional(), clientId: z.string().optional(), clientSecret: z.string().optional() });
const connectionSchema = z.object({ settings: Settings, secrets: Secrets }).superRefine((c, ctx) => {
  const need = c.settings.auth.type === 'api-key' ? ['apiKey'] : ['clientId', 'clientSecret'];
  for (const n of need)
    if (!c.secrets[n as keyof typeof c.secrets])
      ctx.addIssue({ code: 'custom', path: ['secrets', n], message: `required for auth type '${c.settings.auth.type}'` });
});

interface SearchBound {
  docsUrl: (op: string) => string;
  headers(signal: AbortSignal): Promise<Record<string, string>>;
  env: AdapterEnvironment;
}

async function post(b: SearchBound, op: string, body: unknown, signal: AbortSignal, what: string) {
  const res = await httpRequest(
    b.env.network,
    {
      method: 'POST',
      url: b.docsUrl(op),
      signal,
      headers: { ...(await b.headers(signal)), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    },
    SYSTEM,
  );
  // 207: some documents of an index batch failed; each carries its own status.
  if (res.status !== 207) expectOk(res, what, SYSTEM);
  return { status: res.status, body: jsonOf(res, what, SYSTEM) as { value?: Array<Record<string, unknown>> } };
}

const FieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);
const queryInput = z
  .object({
    search: z.string().max(10_000).optional().describe('Keywords (simple query syntax); * or absent: all.'),
    vector: z
      .object({ field: FieldName, values: z.array(z.number()).min(1).max(4096), k: z.number().int().min(1).max(1000).default(10) })
      .optional(),
    filter: z.string().max(10_000).optional().describe('OData $filter of the index, written by the workflow author.'),
    select: z.array(FieldName).max(100).optional(),
    top: z.number().int().min(1).max(1000).default(10),
  })
  .refine((q) => q.search !== undefined || q.vector !== undefined, { message: 'give search, vector or both', path: ['search'] });
const upsertInput = z.object({
  documents: z.array(z.record(z.string(), z.unknown())).min(1).max(1000),
  merge: z.boolean().default(true).describe('mergeOrUpload (true) or upload (replace whole documents).'),
});
const deleteInput = z.object({ keyField: FieldName, keys: z.array(z.string().min(1)).min(1).max(1000) });

/** Output schema of an upsert or delete: one result per document, in order. */
const IndexOutcome = z.object({
  count: z.number().int(),
  results: z.array(z.object({ key: z.string(), ok: z.boolean(), statusCode: z.number().int(), error: z.string().nullable() })),
});

function outcome(r: { status: number; body: { value?: Array<Record<string, unknown>> } }, what: string) {
  const results = (r.body.value ?? []).map((x) => ({
    key: String(x['key']),
    ok: x['status'] === true,
    statusCode: Number(x['statusCode'] ?? 0),
    error: (x['errorMessage'] as string | null) ?? null,
  }));
  const failed = results.filter((x) => !x.ok);
  if (failed.length) {
    throw new UpstreamError(
      'search_index_partial_failure',
      SYSTEM,
      `${what}: ${failed.length} of ${results.length} documents failed; first '${failed[0]!.key}': ${failed[0]!.error ?? `status ${failed[0]!.statusCode}`}`,
      {
        // 409/422/503 on single documents are transient per the service's documentation.
        retryable: failed.every((f) => f.statusCode === 409 || f.statusCode === 422 || f.statusCode === 503),
        status: r.status,
      },
    );
  }
  return { count: results.length, results };
}

const operations = {
  query: call<SearchBound, typeof queryInput>({
    description:
      'Queries the index by keywords, by a vector (k nearest neighbours of a vector field), or both (hybrid); with an optional OData filter.',
    input: queryInput,
    output: z.object({
      hits: z.array(z.object({ score: z.number(), document: z.record(z.string(), z.unknown()).describe('The selected fields.') })),
    }),
    async run(input, ctx, b) {
      const body = {
        ...(input.search !== undefined ? { search: input.search } : {}),
        ...(input.filter ? { filter: input.filter } : {}),
        ...(input.select ? { select: input.select.join(',') } : {}),
        top: input.top,
        ...(input.vector
          ? { vectorQueries: [{ kind: 'vector', vector: input.vector.values, fields: input.vector.field, k: input.vector.k }] }
          : {}),
      };
      const r = await post(b, 'search.post.search', body, ctx.signal, 'search');
      return { hits: (r.body.value ?? []).map(({ '@search.score': score, ...doc }) => ({ score: Number(score ?? 0), document: doc })) };
    },
  }),
  upsert: call<SearchBound, typeof upsertInput>({
    description:
      'Adds or updates documents (at most 1000 per call); each document carries the index key field. Fails naming the first document the service refused.',
    input: upsertInput,
    output: IndexOutcome,
    run: async (input, ctx, b) =>
      outcome(
        await post(
          b,
          'search.index',
          { value: input.documents.map((d) => ({ '@search.action': input.merge ? 'mergeOrUpload' : 'upload', ...d })) },
          ctx.signal,
          'upsert',
        ),
        'upsert',
      ),
  }),
  delete: call<SearchBound, typeof deleteInput>({
    description: 'Deletes documents by key (absent keys count as deleted, so a retry succeeds).',
    input: deleteInput,
    output: IndexOutcome,
    run: async (input, ctx, b) =>
      outcome(
        await post(
          b,
          'search.index',
          { value: input.keys.map((k) => ({ '@search.action': 'delete', [input.keyField]: k })) },
          ctx.signal,
          'delete',
        ),
        'delete',
      ),
  }),
};

/** Registration of the `search-index` connector type. */
export const searchIndexAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'intelligence',
  infer: (s) => {
    const host = settingHost(s, 'endpoint');
    return host !== null && host.endsWith('.search.windows.net');
  },
  operations: declareOperations(operations),
  connectionSchema,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const root = s.endpoint.replace(/\/+$/, '');
    const secret = (k: string) => (typeof c.secrets[k] === 'string' ? (c.secrets[k] as string) : '');
    const auth = s.auth;
    const headers =
      auth.type === 'api-key'
        ? async () => ({ 'api-key': secret('apiKey') })
        : (signal: AbortSignal) =>
            authHeaders(
              env.network,
              { type: 'oauth2-client-credentials' },
              c.secrets,
              { tokenUrl: entraTokenUrl(auth.tenantId, auth.authority), scope: SEARCH_SCOPE },
              signal,
              SYSTEM,
            );
    const bound: SearchBound = { docsUrl: (op) => `${root}/indexes('${s.index}')/docs/${op}?api-version=${API_VERSION}`, headers, env };
    return {
      systemType: SYSTEM,
      category: 'intelligence',
      operations: bindOperations(operations, bound),
      async testConnection(signal) {
        const res = expectOk(
          await httpRequest(
            env.network,
            {
              method: 'GET',
              url: `${root}/indexes('${s.index}')?api-version=${API_VERSION}`,
              signal,
              headers: { ...(await headers(signal)), accept: 'application/json' },
            },
            SYSTEM,
          ),
          `GET index ${s.index}`,
          SYSTEM,
        );
        const def = jsonOf(res, 'index', SYSTEM) as { fields?: unknown[] };
        return { ok: true, detail: `index ${s.index}: ${def.fields?.length ?? 0} fields` };
      },
    };
  },
};
