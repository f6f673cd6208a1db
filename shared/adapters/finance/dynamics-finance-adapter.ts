/**
 * Microsoft Dynamics 365 Finance (finance and operations apps): data entities over OData v4 at
 * `<environment>/data/<EntitySet>`. Entity keys are composite (`dataAreaId`, account number…);
 * reads across legal entities need `cross-company=true`. Updates and deletes carry If-Match (a
 * stale ETag is `concurrency_conflict`). `importPackage` runs the data management package API:
 * GetAzureWriteUrl → upload → ImportFromPackage → GetExecutionSummaryStatus until it ends.
 * Authentication is Entra ID client credentials with the environment URL as the scope, at the
 * connector's authority.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { authHeaders, EntraAuthority, entraTokenUrl, HttpAuthSecrets, HttpAuthSettings, missingAuthSecrets } from '../platform/http-auth';
import { expectOk, httpRequest } from '../platform/http-client';
import { ODataClient, ODataDeleted, ODataEntity, odataString } from '../platform/odata-client';
import { filterOf } from '../erp/business-central-adapter';
import { DocumentRef, loadDocument } from '../document-source';
import { UpstreamError } from '../upstream-error';
import type { AdapterEnvironment as Env, OperationContext } from '../adapter';
import { settingHost } from '../setting-host';

const SYSTEM = 'dynamics-365-finance';

const Settings = z.object({
  environmentUrl: z.url({ protocol: /^https?$/ }).describe('e.g. https://contoso.operations.dynamics.com'),
  tenantId: z.string().min(1).optional(),
  authority: EntraAuthority,
  dataAreaId: z.string().min(1).max(10).optional().describe('Default legal entity (company), e.g. usmf.'),
  auth: HttpAuthSettings,
});

const connectionSchema = z.object({ settings: Settings, secrets: HttpAuthSecrets }).superRefine((c, ctx) => {
  for (const name of missingAuthSecrets(c.settings.auth, c.secrets))
    ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `required for auth type '${c.settings.auth.type}'` });
});

const EntitySet = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'expected a data entity set name such as CustomersV3, VendorsV2');
const Where = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.union([z.string(), z.number(), z.boolean()]))
  .optional()
  .describe(
    'Field equals value, joined by and; values are quoted here, so text from earlier steps (model output) cannot change the filter.',
  );
const Key = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.union([z.string(), z.number()]))
  .describe('Entity key fields, e.g. {"dataAreaId":"usmf","CustomerAccount":"US-001"}.');

interface FinBound {
  odata: ODataClient;
  dataAreaId: string | undefined;
  env: Env;
}

/** The key with the connector's legal entity added when the caller gave none. */
const withArea = (b: FinBound, key: Record<string, string | number>) => ({
  ...(b.dataAreaId && !('dataAreaId' in key) ? { dataAreaId: b.dataAreaId } : {}),
  ...key,
});

const DMF = 'data/DataManagementDefinitionGroups/Microsoft.Dynamics.DataEntities';
/** Execution states that end an import (GetExecutionSummaryStatus). */
const FINAL = new Set(['Succeeded', 'PartiallySucceeded', 'Failed', 'Canceled']);

const importInput = z.object({
  package: DocumentRef.describe('The data package (.zip): URL, another connector’s file, or inline base64.'),
  definitionGroupId: z.string().min(1).max(200).describe('The import project (data project) name in Data management.'),
  legalEntityId: z.string().min(1).max(10).optional().describe('Default: the connector’s dataAreaId.'),
  overwrite: z.boolean().default(true),
  waitForCompletion: z.boolean().default(true).describe('Poll until the import ends (within the task’s timeout).'),
  pollIntervalMs: z.number().int().min(100).max(60_000).default(5_000),
});

async function dmf(b: FinBound, action: string, body: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  const r = (await b.odata.action(`${DMF}.${action}`, body, signal)) as { value?: unknown } | null;
  return r?.value ?? null;
}

async function importPackage(input: z.infer<typeof importInput>, ctx: OperationContext, b: FinBound) {
  // The execution id is the task's idempotency key: a retried task finds its import instead of starting a second one.
  const executionId = `demiton-${ctx.idempotencyKey}`.slice(0, 60);
  let status = String((await dmf(b, 'GetExecutionSummaryStatus', { executionId }, ctx.signal)) ?? 'Unknown');
  if (status === 'Unknown' || status === 'NotRun') {
    const doc = await loadDocument(input.package, {
      network: b.env.network,
      files: ctx.services?.files,
      signal: ctx.signal,
      systemType: SYSTEM,
    });
    const write = JSON.parse(String(await dmf(b, 'GetAzureWriteUrl', { uniqueFileName: executionId }, ctx.signal))) as {
      BlobId?: string;
      BlobUrl?: string;
    };
    if (!write.BlobUrl)
      throw new UpstreamError('dynamics_365_finance_bad_response', SYSTEM, 'GetAzureWriteUrl answered without a BlobUrl.');
    // A SAS URL of the environment's storage: no Authorization header, and the outbound policy still applies.
    expectOk(
      await httpRequest(
        b.env.network,
        {
          method: 'PUT',
          url: write.BlobUrl,
          signal: ctx.signal,
          headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/zip' },
          body: doc.bytes,
        },
        SYSTEM,
      ),
      'package upload',
      SYSTEM,
    );
    await dmf(
      b,
      'ImportFromPackage',
      {
        packageUrl: write.BlobUrl,
        definitionGroupId: input.definitionGroupId,
        executionId,
        execute: true,
        overwrite: input.overwrite,
        legalEntityId: input.legalEntityId ?? b.dataAreaId ?? '',
      },
      ctx.signal,
    );
    status = 'Executing';
  }
  while (input.waitForCompletion && !FINAL.has(status)) {
    try {
      await delay(input.pollIntervalMs, undefined, { signal: ctx.signal });
    } catch {
      throw ctx.signal.reason;
    }
    status = String((await dmf(b, 'GetExecutionSummaryStatus', { executionId }, ctx.signal)) ?? 'Unknown');
  }
  if (status === 'Failed' || status === 'Canceled')
    throw new UpstreamError(
      'dynamics_365_finance_import_failed',
      SYSTEM,
      `Data management import ${executionId} ended ${status}; see the execution log in Data management.`,
    );
  return { executionId, status };
}

/** `CustomersV3(dataAreaId='usmf',CustomerAccount='US-001')` */
export function entityPath(entitySet: string, key: Record<string, string | number>): string {
  const parts = Object.entries(key).map(([k, v]) => `${k}=${typeof v === 'number' ? String(v) : encodeURIComponent(odataString(v))}`);
  return `data/${entitySet}(${parts.join(',')})`;
}

const operations = {
  query: generator<
    FinBound,
    z.ZodObject<{
      entitySet: typeof EntitySet;
      filter: z.ZodOptional<z.ZodString>;
      where: typeof Where;
      select: z.ZodOptional<z.ZodArray<z.ZodString>>;
      crossCompany: z.ZodDefault<z.ZodBoolean>;
      pageSize: z.ZodOptional<z.ZodNumber>;
      maxRecords: z.ZodOptional<z.ZodNumber>;
    }>
  >({
    description:
      'Streams a data entity (CustomersV3, VendorInvoiceHeaders…) with an OData $filter, following @odata.nextLink; crossCompany reads every legal entity.',
    input: z.object({
      entitySet: EntitySet,
      filter: z.string().optional(),
      where: Where,
      select: z.array(z.string()).optional(),
      crossCompany: z.boolean().default(false),
      pageSize: z.number().int().min(1).max(10_000).optional(),
      maxRecords: z.number().int().min(1).optional(),
    }),
    output: ODataEntity.describe('One entity of the set.'),
    generate: (input, ctx, b) => {
      // Without cross-company the service reads the user's default company: pin the configured one.
      const own = filterOf(input.filter, input.where);
      const filter =
        !input.crossCompany && b.dataAreaId
          ? [`dataAreaId eq ${odataString(b.dataAreaId)}`, own]
              .filter(Boolean)
              .map((f) => `(${f})`)
              .join(' and ')
          : own;
      return b.odata.query(
        `data/${input.entitySet}`,
        { ...input, filter, params: input.crossCompany ? { 'cross-company': 'true' } : {} },
        ctx.signal,
      );
    },
  }),
  get: call<FinBound, z.ZodObject<{ entitySet: typeof EntitySet; key: typeof Key }>>({
    description: 'Reads one entity by its key fields; null when it does not exist.',
    input: z.object({ entitySet: EntitySet, key: Key }),
    output: ODataEntity.nullable(),
    run: (input, ctx, b) => b.odata.get(entityPath(input.entitySet, withArea(b, input.key)), ctx.signal),
  }),
  create: call<FinBound, z.ZodObject<{ entitySet: typeof EntitySet; record: z.ZodRecord<z.ZodString, z.ZodUnknown> }>>({
    description: 'Creates an entity (dataAreaId defaults to the connector’s legal entity); returns it as stored.',
    input: z.object({ entitySet: EntitySet, record: z.record(z.string(), z.unknown()) }),
    output: ODataEntity,
    run: (input, ctx, b) =>
      b.odata.create(`data/${input.entitySet}`, { ...(b.dataAreaId ? { dataAreaId: b.dataAreaId } : {}), ...input.record }, ctx.signal),
  }),
  update: call<
    FinBound,
    z.ZodObject<{
      entitySet: typeof EntitySet;
      key: typeof Key;
      changes: z.ZodRecord<z.ZodString, z.ZodUnknown>;
      etag: z.ZodOptional<z.ZodString>;
    }>
  >({
    description:
      'Updates an entity by its key fields. With `etag` the update fails with concurrency_conflict if someone changed it since; without, the current etag is read first.',
    input: z.object({ entitySet: EntitySet, key: Key, changes: z.record(z.string(), z.unknown()), etag: z.string().optional() }),
    output: ODataEntity.nullable().describe('The record read back as stored (null if it vanished in between).'),
    async run(input, ctx, b) {
      const path = entityPath(input.entitySet, withArea(b, input.key));
      let etag = input.etag;
      if (!etag) {
        const current = await b.odata.get(path, ctx.signal);
        if (!current)
          throw new UpstreamError(
            'dynamics_365_finance_not_found',
            SYSTEM,
            `${input.entitySet} ${JSON.stringify(input.key)} does not exist.`,
          );
        etag = String(current['@odata.etag'] ?? '*');
      }
      await b.odata.update(path, input.changes, etag, ctx.signal);
      // Finance answers 204 No Content: read the record back as stored.
      return b.odata.get(path, ctx.signal);
    },
  }),
  delete: call<FinBound, z.ZodObject<{ entitySet: typeof EntitySet; key: typeof Key; etag: z.ZodOptional<z.ZodString> }>>({
    description: 'Deletes an entity by its key fields (with `etag`: only if unchanged). A record already gone returns deleted: false.',
    input: z.object({ entitySet: EntitySet, key: Key, etag: z.string().optional() }),
    output: ODataDeleted,
    run: async (input, ctx, b) => ({
      deleted: await b.odata.delete(entityPath(input.entitySet, withArea(b, input.key)), input.etag ?? '*', ctx.signal),
    }),
  }),
  importPackage: call<FinBound, typeof importInput>({
    description:
      'Imports a data package through Data management (GetAzureWriteUrl, upload, ImportFromPackage) and waits for GetExecutionSummaryStatus to end; a retried task resumes its own import.',
    input: importInput,
    output: z.object({ executionId: z.string(), status: z.string() }),
    run: importPackage,
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
    const defaults = { tokenUrl: entraTokenUrl(s.tenantId, s.authority), scope: `${root}/.default` };
    const headers = (signal: AbortSignal) => authHeaders(env.network, s.auth, c.secrets, defaults, signal, SYSTEM);
    const odata = new ODataClient(env.network, root, headers, SYSTEM);
    return {
      systemType: SYSTEM,
      category: 'finance',
      operations: bindOperations(operations, { odata, dataAreaId: s.dataAreaId, env } satisfies FinBound),
      async testConnection(signal) {
        // The service document lists the data entities; it proves the token and the environment.
        const res = expectOk(await odata.send('GET', odata.url('data/'), signal), 'GET /data/', SYSTEM);
        const doc = JSON.parse(res.body.toString('utf8')) as { value?: unknown[] };
        return { ok: true, detail: `${doc.value?.length ?? 0} data entities published` };
      },
    };
  },
};
