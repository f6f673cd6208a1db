/**
 * Azure AI Document Intelligence (REST, API 2024-11-30): `analyze` a document with a prebuilt or
 * custom model. The document is read here (URL under the outbound policy, another connector's
 * file, or inline content; bounded) and sent as `base64Source`, so the service never fetches a URL
 * on our behalf. The analysis is a long-running operation: 202 with `Operation-Location`, polled
 * as the service's `Retry-After` says until it succeeds or fails, within the task's time.
 *
 * Authentication is the resource's API key (`Ocp-Apim-Subscription-Key`) or the organisation's own
 * service principal (client credentials at the connector's Entra authority) — never the
 * platform's managed identity, which must not be lent to a resource a connector names.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor, OperationContext } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { DocumentRef, loadDocument, MAX_DOCUMENT_BYTES } from '../document-source';
import { authHeaders, EntraAuthority, entraTokenUrl } from '../platform/http-auth';
import { errorMessageOf, expectOk, httpRequest, jsonOf, retryAfterMs } from '../platform/http-client';
import { UpstreamError } from '../upstream-error';

const SYSTEM = 'document-intelligence';
const API_VERSION = '2024-11-30';
const COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';
/** Poll interval when the service sends no Retry-After. */
const DEFAULT_POLL_MS = 1000;

const Settings = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).describe('e.g. https://<resource>.cognitiveservices.azure.com'),
  auth: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('api-key') }).describe('secrets.apiKey, sent as Ocp-Apim-Subscription-Key'),
      z
        .object({ type: z.literal('service-principal'), tenantId: z.string().min(1), authority: EntraAuthority })
        .describe("The organisation's own app registration: secrets.clientId and secrets.clientSecret"),
    ])
    .default({ type: 'api-key' }),
  maxDocumentBytes: z.number().int().min(1024).max(MAX_DOCUMENT_BYTES).default(MAX_DOCUMENT_BYTES),
});
const Secrets = z.object({ apiKey: z.string().optional(), clientId: z.string().optional(), clientSecret: z.string().optional() });

const connectionSchema = z.object({ settings: Settings, secrets: Secrets }).superRefine((c, ctx) => {
  const need = c.settings.auth.type === 'api-key' ? ['apiKey'] : ['clientId', 'clientSecret'];
  for (const n of need)
    if (!c.secrets[n as keyof typeof c.secrets])
      ctx.addIssue({ code: 'custom', path: ['secrets', n], message: `required for auth type '${c.settings.auth.type}'` });
});

interface DiBound {
  root: string;
  maxBytes: number;
  headers(signal: AbortSignal): Promise<Record<string, string>>;
  env: AdapterEnvironment;
}

/** A field of an analysis result, as the service returns it. */
interface DiField {
  type?: string;
  content?: string;
  confidence?: number;
  [k: string]: unknown;
}

/** The typed value of a field (`valueString`, `valueCurrency` …; arrays and objects recursively). */
export function fieldValue(f: DiField): unknown {
  switch (f.type) {
    case 'array':
      return ((f['valueArray'] as DiField[] | undefined) ?? []).map((x) =>
        x.type === 'object' ? flattenFields((x['valueObject'] as Record<string, DiField>) ?? {}) : fieldValue(x),
      );
    case 'object':
      return flattenFields((f['valueObject'] as Record<string, DiField>) ?? {});
    default: {
      const key = f.type ? `value${f.type[0]!.toUpperCase()}${f.type.slice(1)}` : '';
      return key && key in f ? f[key] : (f.content ?? null);
    }
  }
}

/** `{ name: { value, confidence } }` for the fields of one analysed document. */
export function flattenFields(fields: Record<string, DiField>): Record<string, { value: unknown; confidence: number | null }> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, f]) => [
      name,
      { value: fieldValue(f), confidence: typeof f.confidence === 'number' ? f.confidence : null },
    ]),
  );
}

const ModelId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/,
    'expected a model id such as prebuilt-invoice, prebuilt-receipt, prebuilt-layout or a custom model id',
  )
  .describe('prebuilt-invoice, prebuilt-receipt, prebuilt-layout, or a custom model id');
const analyzeInput = z.object({
  modelId: ModelId,
  document: DocumentRef,
  pages: z
    .string()
    .regex(/^[0-9,-]+$/)
    .optional()
    .describe('e.g. 1-3,5'),
  locale: z.string().max(20).optional(),
});

async function analyze(input: z.infer<typeof analyzeInput>, ctx: OperationContext, b: DiBound) {
  const doc = await loadDocument(
    input.document,
    { network: b.env.network, files: ctx.services?.files, signal: ctx.signal, systemType: SYSTEM },
    b.maxBytes,
  );
  const url = new URL(`${b.root}/documentintelligence/documentModels/${encodeURIComponent(input.modelId)}:analyze`);
  url.searchParams.set('api-version', API_VERSION);
  if (input.pages) url.searchParams.set('pages', input.pages);
  if (input.locale) url.searchParams.set('locale', input.locale);
  const headers = await b.headers(ctx.signal);
  const started = await httpRequest(
    b.env.network,
    {
      method: 'POST',
      url: url.toString(),
      signal: ctx.signal,
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ base64Source: doc.bytes.toString('base64') }),
    },
    SYSTEM,
  );
  if (started.status !== 202) expectOk(started, `analyze with ${input.modelId}`, SYSTEM);
  const location = started.headers['operation-location'];
  if (!location)
    throw new UpstreamError(
      'document_intelligence_bad_response',
      SYSTEM,
      'The service accepted the analysis without an Operation-Location.',
    );
  // The key goes only back to the resource it was configured for.
  const poll = new URL(location, b.root);
  if (poll.origin !== new URL(b.root).origin)
    throw new UpstreamError(
      'document_intelligence_foreign_location',
      SYSTEM,
      `Operation-Location points at ${poll.origin}, not ${new URL(b.root).origin}.`,
    );
  let wait = retryAfterMs(started.headers['retry-after']) ?? DEFAULT_POLL_MS;
  for (;;) {
    try {
      await delay(wait, undefined, { signal: ctx.signal });
    } catch {
      throw ctx.signal.reason;
    }
    const res = expectOk(
      await httpRequest(
        b.env.network,
        {
          method: 'GET',
          url: poll.toString(),
          signal: ctx.signal,
          headers: { ...(await b.headers(ctx.signal)), accept: 'application/json' },
        },
        SYSTEM,
      ),
      'analysis status',
      SYSTEM,
    );
    const body = jsonOf(res, 'analysis status', SYSTEM) as {
      status?: string;
      error?: { code?: string; message?: string };
      analyzeResult?: Record<string, unknown>;
    };
    if (body.status === 'succeeded') return resultOf(input.modelId, body.analyzeResult ?? {});
    if (body.status === 'failed' || body.status === 'canceled') {
      throw new UpstreamError(
        'document_intelligence_analysis_failed',
        SYSTEM,
        `The analysis ${body.status}: ${[body.error?.code, body.error?.message].filter(Boolean).join(': ') || 'no reason given'}`,
      );
    }
    wait = retryAfterMs(res.headers['retry-after']) ?? DEFAULT_POLL_MS;
  }
}

function resultOf(modelId: string, r: Record<string, unknown>) {
  const documents = (
    (r['documents'] as Array<{ docType?: string; confidence?: number; fields?: Record<string, DiField> }> | undefined) ?? []
  ).map((d) => ({
    docType: d.docType ?? null,
    confidence: d.confidence ?? null,
    fields: flattenFields(d.fields ?? {}),
  }));
  return {
    modelId,
    content: typeof r['content'] === 'string' ? r['content'] : '',
    pages: Array.isArray(r['pages']) ? r['pages'].length : 0,
    docType: documents[0]?.docType ?? null,
    fields: documents[0]?.fields ?? {},
    documents,
  };
}

const operations = {
  analyze: call<DiBound, typeof analyzeInput>({
    description:
      'Analyses a document (URL, another connector’s file, or inline content) with a prebuilt or custom model; returns its text and the fields of the first document as { name: { value, confidence } }.',
    input: analyzeInput,
    output: z.object({
      modelId: z.string(),
      content: z.string(),
      pages: z.number(),
      docType: z.string().nullable(),
      fields: z.record(z.string(), z.object({ value: z.unknown(), confidence: z.number().nullable() })),
      documents: z.array(z.unknown()),
    }),
    run: analyze,
  }),
};

/** Registration of the Document Intelligence adapter. */
export const documentIntelligenceAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'cognitive',
  operations: declareOperations(operations),
  connectionSchema,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const secret = (k: string) => (typeof c.secrets[k] === 'string' ? (c.secrets[k] as string) : '');
    const headers =
      s.auth.type === 'api-key'
        ? async () => ({ 'ocp-apim-subscription-key': secret('apiKey') })
        : (signal: AbortSignal) =>
            authHeaders(
              env.network,
              { type: 'oauth2-client-credentials' },
              c.secrets,
              {
                tokenUrl: entraTokenUrl((s.auth as { tenantId: string }).tenantId, (s.auth as { authority?: string }).authority),
                scope: COGNITIVE_SCOPE,
              },
              signal,
              SYSTEM,
            );
    const bound: DiBound = { root: s.endpoint.replace(/\/+$/, ''), maxBytes: s.maxDocumentBytes, headers, env };
    return {
      systemType: SYSTEM,
      category: 'cognitive',
      operations: bindOperations(operations, bound),
      async testConnection(signal) {
        const url = `${bound.root}/documentintelligence/info?api-version=${API_VERSION}`;
        const res = await httpRequest(
          env.network,
          { method: 'GET', url, signal, headers: { ...(await headers(signal)), accept: 'application/json' } },
          SYSTEM,
        );
        if (res.status !== 200)
          throw new UpstreamError(
            `document_intelligence_http_${res.status}`,
            SYSTEM,
            `GET /documentintelligence/info failed with HTTP ${res.status}: ${errorMessageOf(res.body)}`,
            { status: res.status },
          );
        const info = jsonOf(res, 'info', SYSTEM) as { customDocumentModels?: { count?: number } };
        return { ok: true, detail: `${info.customDocumentModels?.count ?? 0} custom models` };
      },
    };
  },
};
