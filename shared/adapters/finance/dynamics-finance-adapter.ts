/**
 * Microsoft Dynamics 365 Finance (finance and operations apps): data entities over OData v4 at
 * `<environment>/data/<EntitySet>`. Entity keys are composite (`dataAreaId`, account number…);
 * reads across legal entities need `cross-company=true`. Authentication is Entra ID client
 * credentials with the environment URL as the scope.
 */
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { authHeaders, entraTokenUrl, HttpAuthSecrets, HttpAuthSettings, missingAuthSecrets } from '../platform/http-auth';
import { expectOk } from '../platform/http-client';
import { ODataClient, odataString } from '../platform/odata-client';
import { settingHost } from '../setting-host';

const SYSTEM = 'dynamics-365-finance';

const Settings = z.object({
  environmentUrl: z.url({ protocol: /^https?$/ }).describe('e.g. https://contoso.operations.dynamics.com'),
  tenantId: z.string().min(1).optional(),
  dataAreaId: z.string().min(1).max(10).optional().describe('Default legal entity (company), e.g. usmf.'),
  auth: HttpAuthSettings,
});

const connectionSchema = z.object({ settings: Settings, secrets: HttpAuthSecrets }).superRefine((c, ctx) => {
  for (const name of missingAuthSecrets(c.settings.auth, c.secrets)) ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `required for auth type '${c.settings.auth.type}'` });
});

const EntitySet = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'expected a data entity set name such as CustomersV3, VendorsV2');
const Key = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.union([z.string(), z.number()])).describe('Entity key fields, e.g. {"dataAreaId":"usmf","CustomerAccount":"US-001"}.');

interface FinBound {
  odata: ODataClient;
  dataAreaId: string | undefined;
}

/** `CustomersV3(dataAreaId='usmf',CustomerAccount='US-001')` */
export function entityPath(entitySet: string, key: Record<string, string | number>): string {
  const parts = Object.entries(key).map(([k, v]) => `${k}=${typeof v === 'number' ? String(v) : encodeURIComponent(odataString(v))}`);
  return `data/${entitySet}(${parts.join(',')})`;
}

const operations = {
  query: generator<FinBound, z.ZodObject<{ entitySet: typeof EntitySet; filter: z.ZodOptional<z.ZodString>; select: z.ZodOptional<z.ZodArray<z.ZodString>>; crossCompany: z.ZodDefault<z.ZodBoolean>; pageSize: z.ZodOptional<z.ZodNumber>; maxRecords: z.ZodOptional<z.ZodNumber> }>>({
    description: 'Streams a data entity (CustomersV3, VendorInvoiceHeaders…) with an OData $filter, following @odata.nextLink; crossCompany reads every legal entity.',
    input: z.object({
      entitySet: EntitySet,
      filter: z.string().optional(),
      select: z.array(z.string()).optional(),
      crossCompany: z.boolean().default(false),
      pageSize: z.number().int().min(1).max(10_000).optional(),
      maxRecords: z.number().int().min(1).optional(),
    }),
    generate: (input, ctx, b) => {
      // Without cross-company the service reads the user's default company: pin the configured one.
      const filter = !input.crossCompany && b.dataAreaId ? [`dataAreaId eq ${odataString(b.dataAreaId)}`, input.filter].filter(Boolean).map((f) => `(${f})`).join(' and ') : input.filter;
      return b.odata.query(`data/${input.entitySet}`, { ...input, filter, params: input.crossCompany ? { 'cross-company': 'true' } : {} }, ctx.signal);
    },
  }),
  get: call<FinBound, z.ZodObject<{ entitySet: typeof EntitySet; key: typeof Key }>>({
    description: 'Reads one entity by its key fields; null when it does not exist.',
    input: z.object({ entitySet: EntitySet, key: Key }),
    run: (input, ctx, b) => b.odata.get(entityPath(input.entitySet, { ...(b.dataAreaId && !('dataAreaId' in input.key) ? { dataAreaId: b.dataAreaId } : {}), ...input.key }), ctx.signal),
  }),
  create: call<FinBound, z.ZodObject<{ entitySet: typeof EntitySet; record: z.ZodRecord<z.ZodString, z.ZodUnknown> }>>({
    description: 'Creates an entity (dataAreaId defaults to the connector’s legal entity); returns it as stored.',
    input: z.object({ entitySet: EntitySet, record: z.record(z.string(), z.unknown()) }),
    run: (input, ctx, b) => b.odata.create(`data/${input.entitySet}`, { ...(b.dataAreaId ? { dataAreaId: b.dataAreaId } : {}), ...input.record }, ctx.signal),
  }),
};

/** Registration of the Dynamics 365 Finance adapter. */
export const dynamicsFinanceAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'finance',
  infer: (s) => {
    const host = settingHost(s, 'environmentUrl');
    return host !== null && (host.endsWith('.operations.dynamics.com') || host.endsWith('.cloudax.dynamics.com'));
  },
  operations: declareOperations(operations),
  connectionSchema,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const root = s.environmentUrl.replace(/\/+$/, '');
    const defaults = { tokenUrl: entraTokenUrl(s.tenantId), scope: `${root}/.default` };
    const headers = (signal: AbortSignal) => authHeaders(env.network, s.auth, c.secrets, defaults, signal, SYSTEM);
    const odata = new ODataClient(env.network, root, headers, SYSTEM);
    return {
      systemType: SYSTEM,
      category: 'finance',
      operations: bindOperations(operations, { odata, dataAreaId: s.dataAreaId } satisfies FinBound),
      async testConnection(signal) {
        // The service document lists the data entities; it proves the token and the environment.
        const res = expectOk(await odata.send('GET', odata.url('data/'), signal), 'GET /data/', SYSTEM);
        const doc = JSON.parse(res.body.toString('utf8')) as { value?: unknown[] };
        return { ok: true, detail: `${doc.value?.length ?? 0} data entities published` };
      },
    };
  },
};
