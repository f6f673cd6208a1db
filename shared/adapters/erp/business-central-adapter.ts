/**
 * Microsoft Dynamics 365 Business Central, API v2.0 (OData v4), on the OData client. Entities live
 * under `companies(<id>)/<entitySet>`; updates need the record's `@odata.etag` in If-Match.
 * Authentication is Microsoft Entra ID client credentials with the Business Central scope.
 */
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { authHeaders, entraTokenUrl, HttpAuthSecrets, HttpAuthSettings, missingAuthSecrets } from '../platform/http-auth';
import { ODataClient } from '../platform/odata-client';
import { UpstreamError } from '../upstream-error';
import { settingHost } from '../setting-host';

const SYSTEM = 'business-central';
const BC_HOST = 'api.businesscentral.dynamics.com';

const Settings = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .describe(`API root, e.g. https://${BC_HOST}/v2.0/<tenant id>/<environment>/api/v2.0`),
  tenantId: z.string().min(1).optional().describe('Entra tenant; used for the default token URL.'),
  companyId: z.string().min(1).optional().describe('Default company (GUID); operations may name another.'),
  auth: HttpAuthSettings,
});

const connectionSchema = z.object({ settings: Settings, secrets: HttpAuthSecrets }).superRefine((c, ctx) => {
  for (const name of missingAuthSecrets(c.settings.auth, c.secrets)) ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `required for auth type '${c.settings.auth.type}'` });
});

const EntitySet = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'expected an entity set name such as customers, salesInvoices');
const Company = z.string().min(1).optional().describe('Company id; defaults to settings.companyId.');

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
    async run(_input, ctx, b) {
      const items: Array<Record<string, unknown>> = [];
      for await (const c of b.odata.query('companies', {}, ctx.signal)) items.push(c);
      return { items };
    },
  }),
  query: generator<BcBound, z.ZodObject<{ entitySet: typeof EntitySet; company: typeof Company; filter: z.ZodOptional<z.ZodString>; select: z.ZodOptional<z.ZodArray<z.ZodString>>; pageSize: z.ZodOptional<z.ZodNumber>; maxRecords: z.ZodOptional<z.ZodNumber> }>>({
    description: 'Streams an entity set of a company (customers, items, salesInvoices…) with an OData $filter, following @odata.nextLink.',
    input: z.object({
      entitySet: EntitySet,
      company: Company,
      filter: z.string().optional(),
      select: z.array(z.string()).optional(),
      pageSize: z.number().int().min(1).max(20_000).optional(),
      maxRecords: z.number().int().min(1).optional(),
    }),
    generate: (input, ctx, b) => b.odata.query(companyPath(b, input.company, input.entitySet), input, ctx.signal),
  }),
  get: call<BcBound, z.ZodObject<{ entitySet: typeof EntitySet; id: z.ZodString; company: typeof Company }>>({
    description: 'Reads one entity by id; null when it does not exist.',
    input: z.object({ entitySet: EntitySet, id: z.string().min(1), company: Company }),
    run: (input, ctx, b) => b.odata.get(companyPath(b, input.company, `${input.entitySet}(${input.id})`), ctx.signal),
  }),
  create: call<BcBound, z.ZodObject<{ entitySet: typeof EntitySet; record: z.ZodRecord<z.ZodString, z.ZodUnknown>; company: typeof Company }>>({
    description: 'Creates an entity; returns it as Business Central stored it (with id and @odata.etag).',
    input: z.object({ entitySet: EntitySet, record: z.record(z.string(), z.unknown()), company: Company }),
    run: (input, ctx, b) => b.odata.create(companyPath(b, input.company, input.entitySet), input.record, ctx.signal),
  }),
  update: call<BcBound, z.ZodObject<{ entitySet: typeof EntitySet; id: z.ZodString; changes: z.ZodRecord<z.ZodString, z.ZodUnknown>; etag: z.ZodOptional<z.ZodString>; company: typeof Company }>>({
    description: 'Updates an entity. With `etag` the update fails if someone changed it since; without, the current etag is read first.',
    input: z.object({ entitySet: EntitySet, id: z.string().min(1), changes: z.record(z.string(), z.unknown()), etag: z.string().optional(), company: Company }),
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
      tokenUrl: entraTokenUrl(s.tenantId),
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
