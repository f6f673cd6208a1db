/**
 * The adapter catalogue (`GET /api/adapters`) is what the studio draws task forms from and what
 * expression completion reads step outputs from. Its JSON Schemas come from the zod schemas the
 * adapters validate with, so there is one source; these tests walk every operation of every
 * built-in adapter and check that each schema compiles, and that a sample input passes both the
 * published JSON Schema and the adapter's own validation (a refinement the JSON Schema cannot say
 * would show up here as drift).
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { AdapterCatalog } from '../domain/connectors-api';
import { createDefaultRegistry } from '../adapters/registry';
import { platformAdapter } from '../adapters/platform/platform-adapter';
import type { CallOperation, GeneratorOperation, OperationContext } from '../adapters/adapter';
import { adapterCatalog } from './connectors-service';

const GUID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
const DOC = { content: 'SGVsbG8=', encoding: 'base64' };

/** One valid input per operation, as a workflow author would write it. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  'platform.echo': { anything: [1, 'two'] },
  'platform.transform': { expression: '$sum(input.amounts)' },
  'platform.sleep': { ms: 250 },
  'platform.fail': { message: 'stop here' },
  'platform.range': { count: 10, start: 5 },
  'platform.upsertBusinessObject': { type: 'customer', record: { id: 'C-1', name: 'Contoso' } },
  'platform.queryBusinessObjects': { type: 'customer', filter: { country: 'NL' }, limit: 50 },
  'business-central.listCompanies': {},
  'business-central.query': { entitySet: 'customers', where: { city: 'Leeds' }, select: ['number', 'displayName'], pageSize: 100 },
  'business-central.get': { entitySet: 'customers', id: GUID },
  'business-central.create': {
    entitySet: 'purchaseInvoiceLines',
    record: { itemId: GUID, quantity: 2 },
    parent: { entitySet: 'purchaseInvoices', id: GUID },
  },
  'business-central.update': { entitySet: 'customers', id: GUID, changes: { phoneNumber: '+44 113 000' }, etag: 'W/"JzQ0OzE7Jw=="' },
  'business-central.delete': { entitySet: 'customers', id: GUID },
  'business-central.action': { entitySet: 'salesInvoices', id: GUID, action: 'Microsoft.NAV.post' },
  'business-central.batch': {
    requests: [
      { method: 'POST', entitySet: 'customers', record: { displayName: 'A' } },
      { method: 'DELETE', entitySet: 'customers', id: GUID },
    ],
    atomic: true,
  },
  'dynamics-365-finance.query': { entitySet: 'CustomersV3', filter: "CustomerGroupId eq '10'", crossCompany: false },
  'dynamics-365-finance.get': { entitySet: 'CustomersV3', key: { dataAreaId: 'usmf', CustomerAccount: 'US-001' } },
  'dynamics-365-finance.create': { entitySet: 'CustomersV3', record: { CustomerAccount: 'US-999', Name: 'Fabrikam' } },
  'dynamics-365-finance.update': { entitySet: 'CustomersV3', key: { CustomerAccount: 'US-001' }, changes: { CreditLimit: 1000 } },
  'dynamics-365-finance.delete': { entitySet: 'CustomersV3', key: { CustomerAccount: 'US-001' } },
  'dynamics-365-finance.importPackage': {
    package: { connector: 'drop', path: '/in/customers.zip' },
    definitionGroupId: 'Customers import',
  },
  'microsoft-graph.users': { filter: 'accountEnabled eq true', select: ['id', 'displayName'], pageSize: 100 },
  'microsoft-graph.groups': { select: ['id', 'displayName'] },
  'microsoft-graph.groupMembers': { groupId: GUID },
  'microsoft-graph.getUser': { id: 'ada@contoso.com' },
  'search-index.query': { search: 'invoice overdue', vector: { field: 'embedding', values: [0.1, 0.2, 0.3] }, top: 5 },
  'search-index.upsert': { documents: [{ id: '1', title: 'Hello' }] },
  'search-index.delete': { keyField: 'id', keys: ['1', '2'] },
  'webhook.post': { text: 'Run finished' },
  'webhook.teamsMessage': {
    title: 'Purchase order 4711 needs your approval',
    text: 'EUR 12,400 from Contoso',
    link: '/inbox?approval=1',
    linkText: 'Open the Inbox',
  },
  'azure-blob.putArtifact': { name: 'out/report.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
  'azure-blob.getArtifact': { name: 'out/report.csv', encoding: 'base64' },
  'azure-blob.listArtifacts': { prefix: 'out/', max: 100 },
  'azure-blob.deleteArtifact': { name: 'out/report.csv' },
  'postgres.execute': { sql: 'UPDATE orders SET status = $1 WHERE id = $2', params: ['shipped', 42] },
  'postgres.query': { sql: 'SELECT id, total FROM orders WHERE created_at > $1', params: ['2026-01-01'], batchSize: 1000 },
  'mysql.execute': { sql: 'DELETE FROM staging WHERE batch = ?', params: [7] },
  'mysql.query': { sql: 'SELECT * FROM staging WHERE batch = ?', params: [7] },
  'sftp.list': { path: '/in', pattern: '*.csv' },
  'sftp.get': { path: '/in/orders.csv' },
  'sftp.put': { path: '/out/ack.txt', content: 'ok' },
  'sftp.move': { from: '/in/orders.csv', to: '/done/orders.csv', overwrite: true },
  'smtp.sendMail': { to: ['ops@example.com'], subject: 'Import done', text: '42 rows' },
  'rabbitmq.publish': { routingKey: 'orders', message: { id: 42 } },
  'mqtt.publish': { topic: 'plant/line1/alarm', message: 'overheat', qos: 1 },
  'nats.publish': { subject: 'orders.created', message: { id: 42 } },
  'azure-service-bus.send': { entity: 'orders', message: { id: 42 }, applicationProperties: { region: 'eu' } },
  'model.complete': { prompt: 'Write a haiku about invoices.', maxTokens: 200 },
  'model.classify': { text: 'My parcel never arrived', labels: [{ name: 'delivery' }, { name: 'billing' }] },
  'model.extract': { document: DOC, schema: { type: 'object', properties: { total: { type: 'number' } } } },
  'model.summarise': { text: 'A long report…', style: 'bullets' },
  'model.embed': { texts: ['first', 'second'] },
  'document-intelligence.analyze': { modelId: 'prebuilt-invoice', document: { url: 'https://files.example.com/inv.pdf' }, pages: '1-2' },
  'knowledge.search': { query: 'refund policy', top: 3, filter: { documentKeys: ['policies/refunds.md'] } },
  'knowledge.ingest': { key: 'policies/refunds.md', document: { content: '# Refunds', encoding: 'utf8' }, contentType: 'text/markdown' },
  'knowledge.delete': { key: 'policies/refunds.md' },
  'http.request': { method: 'POST', path: 'orders', body: { id: 42 }, headers: { 'x-trace': 'abc' }, acceptStatus: [409] },
  'http.odataQuery': { entitySet: 'Customers', filter: "Country eq 'NL'", pageSize: 100 },
};

function compiler() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

const registry = createDefaultRegistry();
const catalog = adapterCatalog(registry);
const operations = catalog.items.flatMap((a) => a.operations.map((o) => ({ id: `${a.systemType}.${o.name}`, adapter: a, info: o })));

describe('the adapter catalogue', () => {
  it('matches its published response schema', () => {
    expect(AdapterCatalog.safeParse(catalog).success).toBe(true);
    expect(operations.length).toBeGreaterThanOrEqual(57);
  });

  it.each(catalog.items.map((a) => [a.systemType, a] as const))('%s: its connection schema compiles', (_name, a) => {
    if (a.connectionSchema) expect(() => compiler().compile(a.connectionSchema!)).not.toThrow();
  });

  it.each(operations.map((o) => [o.id, o] as const))(
    '%s: input and output schemas compile, and the sample passes both validations',
    (id, o) => {
      const ajv = compiler();
      expect(o.info.outputSchema, `${id} has no output schema`).not.toBeNull();
      const input = ajv.compile(o.info.inputSchema);
      ajv.compile(o.info.outputSchema!);
      const sample = SAMPLES[id];
      expect(sample, `${id} has no sample input: add one to SAMPLES`).toBeDefined();
      expect(input(sample), `${id}: ${ajv.errorsText(input.errors)}`).toBe(true);
      const op = registry.list().find((r) => r.systemType === o.adapter.systemType)!.operations[o.info.name]!;
      const parsed = op.input.safeParse(sample);
      expect(parsed.success, `${id}: ${parsed.error?.message}`).toBe(true);
    },
  );

  it('names no operation without a sample, and no sample without an operation', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(operations.map((o) => o.id).sort());
  });

  it('rejects, in both validations, an input missing a required field', () => {
    for (const o of operations) {
      const required = (o.info.inputSchema['required'] as string[] | undefined) ?? [];
      if (!required.length) continue;
      const { [required[0]!]: _gone, ...without } = SAMPLES[o.id]!;
      const ajv = compiler();
      expect(ajv.validate(o.info.inputSchema, without), o.id).toBe(false);
      const op = registry.list().find((r) => r.systemType === o.adapter.systemType)!.operations[o.info.name]!;
      expect(op.input.safeParse(without).success, o.id).toBe(false);
    }
  });

  it("publishes output schemas the platform operations' real results satisfy", async () => {
    const ctx = {
      signal: new AbortController().signal,
      idempotencyKey: 'k',
      taskKey: 't',
      expressionContext: { input: { amounts: [1, 2, 3] }, steps: {} },
    } as unknown as OperationContext;
    const ajv = compiler();
    const schemaOf = (name: string) => operations.find((o) => o.id === `platform.${name}`)!.info.outputSchema!;
    const ops = platformAdapter.operations;
    const results: Array<[string, unknown]> = [
      ['echo', await (ops['echo'] as CallOperation).run(SAMPLES['platform.echo'], ctx)],
      ['transform', await (ops['transform'] as CallOperation).run(SAMPLES['platform.transform'], ctx)],
      ['sleep', await (ops['sleep'] as CallOperation).run({ ms: 1 }, ctx)],
    ];
    for await (const record of (ops['range'] as GeneratorOperation).generate({ count: 2, start: 0 }, ctx)) results.push(['range', record]);
    expect(results.map(([, r]) => r)).toEqual([{ anything: [1, 'two'] }, 6, { sleptMs: 1 }, { index: 0 }, { index: 1 }]);
    for (const [name, result] of results) {
      expect(ajv.validate(schemaOf(name), result), `${name}: ${ajv.errorsText()}`).toBe(true);
      expect(ops[name]!.output!.safeParse(result).success, name).toBe(true);
    }
  });
});
