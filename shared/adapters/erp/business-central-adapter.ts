/**
 * Microsoft Dynamics 365 Business Central, API v2.0 (OData v4), on the OData client. Entities live
 * under `companies(<id>)/<entitySet>`; updates and deletes send the record's `@odata.etag` in
 * If-Match (a stale one is `concurrency_conflict`); bound actions (`Microsoft.NAV.post` …) and JSON
 * `$batch` (at most 100 requests, optionally in one transaction). Authentication is Microsoft
 * Entra ID client credentials with the Business Central scope, at the connector's authority.
 */
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { authHeaders, EntraAuthority, entraTokenUrl, HttpAuthSecrets, HttpAuthSettings, missingAuthSecrets } from '../platform/http-auth';
import { MAX_BATCH_REQUESTS, ODataClient, ODataDeleted, ODataEntity, odataString } from '../platform/odata-client';
import { UpstreamError } from '../upstream-error';
import { settingHost } from '../setting-host';

const SYSTEM = 'business-central';
const BC_HOST = 'api.businesscentral.dynamics.com';

const Settings = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).describe(`API root, e.g. https://${BC_HOST}/v2.0/<tenant id>/<environment>/api/v2.0`),
  tenantId: z.string().min(1).optional().describe('Entra tenant; used for the default token URL.'),
  authority: EntraAuthority,
  companyId: z.string().min(1).optional().describe('Default company (GUID); operations may name another.'),
  auth: HttpAuthSettings,
});

const connectionSchema = z.object({ settings: Settings, secrets: HttpAuthSecrets }).superRefine((c, ctx) => {
  for (const name of missingAuthSecrets(c.settings.auth, c.secrets))
    ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `required for auth type '${c.settings.auth.type}'` });
});

const EntitySet = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'expected an entity set name such as customers, salesInvoices');
const Company = z.string().min(1).optional().describe('Company id; defaults to settings.companyId.');
const Id = z.string().regex(/^[0-9A-Fa-f-]{1,64}$/, 'expected a record id (GUID)');
const Where = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.union([z.string(), z.number(), z.boolean()]))
  .optional()
  .describe(
    'Field equals value, joined by and; values are quoted here, so text from earlier steps (model output) cannot change the filter.',
  );
const BoundAction = z
  .string()
  .regex(/^Microsoft\.NAV\.[A-Za-z]+$/, 'expected a bound action such as Microsoft.NAV.post')
  .describe(
    'Bound action: Microsoft.NAV.post (sales/purchase invoices), Microsoft.NAV.shipAndInvoice (sales orders), Microsoft.NAV.postAndSend, Microsoft.NAV.cancel …',
  );

/** `$filter` from a free filter and a `where` map whose values are quoted as OData literals. */
export function filterOf(filter: string | undefined, where: Record<string, string | number | boolean> | undefined): string | undefined {
  const parts = Object.entries(where ?? {}).map(([k, v]) => `${k} eq ${typeof v === 'string' ? odataString(v) : String(v)}`);
  if (filter) parts.unshift(filter);
  if (parts.length <= 1) return parts[0];
  return parts.map((p) => `(${p})`).join(' and ');
}

const createInput = z.object({
  entitySet: EntitySet,
  record: z.record(z.string(), z.unknown()),
  company: Company,
  parent: z
    .object({ entitySet: EntitySet, id: Id })
    .optional()
    .describe('Create under this document, e.g. { entitySet: purchaseInvoices, id } for purchaseInvoiceLines.'),
});
const deleteInput = z.object({ entitySet: EntitySet, id: Id, etag: z.string().optional(), company: Company });
const actionInput = z.object({
  entitySet: EntitySet,
  id: Id,
  action: BoundAction,
  parameters: z.record(z.string(), z.unknown()).optional(),
  company: Company,
});
const batchInput = z.object({
  requests: z
    .array(
      z.object({
        method: z.enum(['POST', 'PATCH', 'DELETE']),
        entitySet: EntitySet,
        id: Id.optional().describe('The record (PATCH, DELETE).'),
        etag: z.string().optional().describe('If-Match for PATCH and DELETE; default *.'),
        record: z.record(z.string(), z.unknown()).optional().describe('The body of POST and PATCH.'),
      }),
    )
    .min(1)
    .max(MAX_BATCH_REQUESTS),
  atomic: z.boolean().default(true).describe('All or none (Isolation: snapshot).'),
  failOnError: z.boolean().default(true).describe('Fail the task when any request failed; false returns every status.'),
  company: Company,
});

interface BcBound {
  odata: ODataClient;
  companyId: string | undefined;
}

function companyPath(b: BcBound, company: string | undefined, rest: string): string {
  const id = company ?? b.companyId;
  if (!id) throw new UpstreamError('business_central_no_company', SYSTEM, 'No company: give `company` or set settings.companyId.');
  return `companies(${id})/${rest}`;
}

const operations = {
  listCompanies: call<BcBound, z.ZodObject<{}>>({
    description: 'Lists the companies of the environment (id, name, displayName).',
    input: z.object({}),
    output: z.object({ items: z.array(ODataEntity) }),
    async run(_input, ctx, b) {
      const items: Array<Record<string, unknown>> = [];
      for await (const c of b.odata.query('companies', {}, ctx.signal)) items.push(c);
      return { items };
    },
  }),
  query: generator<
    BcBound,
    z.ZodObject<{
      entitySet: typeof EntitySet;
      company: typeof Company;
      filter: z.ZodOptional<z.ZodString>;
      where: typeof Where;
      select: z.ZodOptional<z.ZodArray<z.ZodString>>;
      pageSize: z.ZodOptional<z.ZodNumber>;
      maxRecords: z.ZodOptional<z.ZodNumber>;
    }>
  >({
    description: 'Streams an entity set of a company (customers, items, salesInvoices…) with an OData $filter, following @odata.nextLink.',
    input: z.object({
      entitySet: EntitySet,
      company: Company,
      filter: z.string().optional(),
      where: Where,
      select: z.array(z.string()).optional(),
      pageSize: z.number().int().min(1).max(20_000).optional(),
      maxRecords: z.number().int().min(1).optional(),
    }),
    output: ODataEntity.describe('One entity of the set.'),
    generate: (input, ctx, b) =>
      b.odata.query(companyPath(b, input.company, input.entitySet), { ...input, filter: filterOf(input.filter, input.where) }, ctx.signal),
  }),
  get: call<BcBound, z.ZodObject<{ entitySet: typeof EntitySet; id: typeof Id; company: typeof Company }>>({
    description: 'Reads one entity by id; null when it does not exist.',
    input: z.object({ entitySet: EntitySet, id: Id, company: Company }),
    output: ODataEntity.nullable(),
    run: (input, ctx, b) => b.odata.get(companyPath(b, input.company, `${input.entitySet}(${input.id})`), ctx.signal),
  }),
  create: call<BcBound, typeof createInput>({
    description:
      'Creates an entity (or, with `parent`, a line under its document, e.g. purchaseInvoiceLines of a purchase invoice); returns it as Business Central stored it (with id and @odata.etag).',
    input: createInput,
    output: ODataEntity,
    run: (input, ctx, b) =>
      b.odata.create(
        companyPath(b, input.company, input.parent ? `${input.parent.entitySet}(${input.parent.id})/${input.entitySet}` : input.entitySet),
        input.record,
        ctx.signal,
      ),
  }),
  update: call<
    BcBound,
    z.ZodObject<{
      entitySet: typeof EntitySet;
      id: typeof Id;
      changes: z.ZodRecord<z.ZodString, z.ZodUnknown>;
      etag: z.ZodOptional<z.ZodString>;
      company: typeof Company;
    }>
  >({
    description:
      'Updates an entity. With `etag` the update fails with concurrency_conflict if someone changed it since; without, the current etag is read first.',
    input: z.object({
      entitySet: EntitySet,
      id: Id,
      changes: z.record(z.string(), z.unknown()),
      etag: z.string().optional(),
      company: Company,
    }),
    output: ODataEntity,
    async run(input, ctx, b) {
      const path = companyPath(b, input.company, `${input.entitySet}(${input.id})`);
      let etag = input.etag;
      if (!etag) {
        const current = await b.odata.get(path, ctx.signal);
        if (!current) throw new UpstreamError('business_central_not_found', SYSTEM, `${input.entitySet}(${input.id}) does not exist.`);
        etag = String(current['@odata.etag'] ?? '*');
      }
      return b.odata.update(path, input.changes, etag, ctx.signal);
    },
  }),
  delete: call<BcBound, typeof deleteInput>({
    description:
      'Deletes an entity; with `etag` only if nobody changed it since (else concurrency_conflict). A record already gone returns deleted: false.',
    input: deleteInput,
    output: ODataDeleted,
    async run(input, ctx, b) {
      const deleted = await b.odata.delete(companyPath(b, input.company, `${input.entitySet}(${input.id})`), input.etag ?? '*', ctx.signal);
      return { deleted };
    },
  }),
  action: call<BcBound, typeof actionInput>({
    description:
      'Invokes a bound action on a record: post a sales or purchase invoice (Microsoft.NAV.post), ship and invoice a sales order (Microsoft.NAV.shipAndInvoice)…',
    input: actionInput,
    output: z.object({
      entitySet: z.string(),
      id: z.string(),
      action: z.string(),
      result: z.unknown().describe('What the action returned; null for none.'),
    }),
    async run(input, ctx, b) {
      const result = await b.odata.action(
        companyPath(b, input.company, `${input.entitySet}(${input.id})/${input.action}`),
        input.parameters,
        ctx.signal,
      );
      return { entitySet: input.entitySet, id: input.id, action: input.action, result: result ?? null };
    },
  }),
  batch: call<BcBound, typeof batchInput>({
    description: `Sends up to ${MAX_BATCH_REQUESTS} creates, updates or deletes in one $batch request; with atomic (default) Business Central applies all or none. Returns each request's status and body.`,
    input: batchInput,
    output: z.object({
      results: z.array(z.object({ status: z.number().int(), ok: z.boolean(), body: z.unknown() })).describe('One per request, in order.'),
      failed: z.number().int().describe('How many requests failed (0 unless failOnError is false).'),
    }),
    async run(input, ctx, b) {
      const requests = input.requests.map((r, i) => {
        const path = companyPath(b, input.company, r.id ? `${r.entitySet}(${r.id})` : r.entitySet);
        if (r.method !== 'POST' && !r.id)
          throw new UpstreamError('business_central_batch_invalid', SYSTEM, `requests[${i}]: ${r.method} needs the record id.`);
        return {
          id: String(i + 1),
          method: r.method,
          url: path,
          ...(r.method !== 'POST' ? { headers: { 'if-match': r.etag ?? '*' } } : {}),
          ...(r.record !== undefined ? { body: r.record } : {}),
        };
      });
      const responses = await b.odata.batch(requests, input.atomic, ctx.signal);
      const byId = new Map(responses.map((r) => [r.id, r]));
      const results = requests.map((r) => {
        const res = byId.get(r.id);
        return { status: res?.status ?? 0, ok: !!res && res.status >= 200 && res.status < 300, body: res?.body ?? null };
      });
      const failed = results.filter((r) => !r.ok).length;
      if (failed && input.failOnError) {
        const first = results.findIndex((r) => !r.ok);
        const err = results[first]!.body as { error?: { code?: string; message?: string } } | null;
        throw new UpstreamError(
          results[first]!.status === 412 || results[first]!.status === 409 ? 'concurrency_conflict' : 'business_central_batch_failed',
          SYSTEM,
          `$batch: ${failed} of ${results.length} requests failed; the first, requests[${first}], with HTTP ${results[first]!.status}: ${[err?.error?.code, err?.error?.message].filter(Boolean).join(': ') || 'no message'}${input.atomic ? ' (atomic: nothing was applied)' : ''}.`,
          { status: results[first]!.status, retryable: results[first]!.status === 429 || results[first]!.status >= 500 },
        );
      }
      return { results, failed };
    },
  }),
};

/** Registration of the Business Central adapter. */
export const businessCentralAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'erp',
  infer: (s) => {
    const host = settingHost(s, 'baseUrl');
    return host !== null && (host === BC_HOST || host.endsWith(`.${BC_HOST}`));
  },
  operations: declareOperations(operations),
  connectionSchema,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const defaults = {
      tokenUrl: entraTokenUrl(s.tenantId, s.authority),
      scope: `https://${BC_HOST}/.default`,
    };
    const headers = (signal: AbortSignal) => authHeaders(env.network, s.auth, c.secrets, defaults, signal, SYSTEM);
    const bound: BcBound = { odata: new ODataClient(env.network, s.baseUrl, headers, SYSTEM), companyId: s.companyId };
    return {
      systemType: SYSTEM,
      category: 'erp',
      operations: bindOperations(operations, bound),
      async testConnection(signal) {
        let n = 0;
        for await (const _ of bound.odata.query('companies', { maxRecords: 100 }, signal)) n++;
        return { ok: true, detail: `${n} compan${n === 1 ? 'y' : 'ies'} visible` };
      },
    };
  },
};
