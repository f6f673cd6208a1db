/**
 * End to end through the real engine (Worker + test host, PostgreSQL + Redis) and loopback
 * stand-ins that follow each service's documented REST contract: an invoice PDF generated here
 * (pdf-lib) is served over HTTP, analysed by Document Intelligence, its fields extracted into a
 * JSON Schema by the `model` connector (OpenAI protocol, structured output), posted to Business
 * Central as a purchase invoice with a line, and the invoice posted by its bound action — one
 * workflow. Also: the repair path (an invalid extraction corrected once), extraction_invalid,
 * token usage on the task and the run, the monthly budget refusing calls (not retried), the
 * organisation's own model, model output landing in later steps as data, and the knowledge
 * connector keeping the assistant's index current, idempotent per key.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { startDocumentIntelligenceLoopback, type DocumentIntelligenceLoopback } from '../../servers/document-intelligence-loopback';
import { startODataServer, type ODataFixture } from '../../servers/odata-server';
import { startOpenAiLoopback, type OpenAiLoopback } from '../../servers/openai-loopback';
import { startSftpServer, type SftpFixture } from '../../servers/sftp-server';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let erp: ODataFixture;
let di: DocumentIntelligenceLoopback;
let llm: OpenAiLoopback;
let files: Server;
let filesUrl: string;
let pdf: Buffer;

/** An invoice as a real PDF, with the lines Document Intelligence reads. */
async function invoicePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const lines = [
    'INVOICE',
    'Vendor: Fabrikam Supplies',
    'Vendor No: V00010',
    'Invoice number: F-2026-0042',
    'Invoice date: 2026-11-30',
    'Item: Copy paper A4; qty 10; price 4.50',
    'Total: 45.00 EUR',
  ];
  lines.forEach((t, i) => page.drawText(t, { x: 50, y: 780 - i * 24, size: 12, font }));
  return Buffer.from(await doc.save());
}

beforeAll(async () => {
  pdf = await invoicePdf();
  [erp, di, llm] = await Promise.all([startODataServer(), startDocumentIntelligenceLoopback(), startOpenAiLoopback()]);
  files = createServer((req, res) => {
    if (req.url === '/inbox/invoice.pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return res.end(pdf);
    }
    if (req.url === '/inbox/huge.pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return res.end(Buffer.alloc(2 * 1024 * 1024, 1));
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
  platform = await createTestPlatform({
    env: {
      CONNECTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The deployment's model, used by `source: organisation` connectors while HQ says platform-default.
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: 'deployment-model',
      EMBEDDING_PROVIDER: 'local',
    },
  });
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 2, pollMs: 100 });
  worker.start();
});

afterAll(async () => {
  await host?.close();
  await worker?.stop();
  await platform?.close();
  await Promise.all([erp?.close(), di?.close(), llm?.close(), new Promise<void>((r) => (files ? files.close(() => r()) : r()))]);
});

const finished = (id: string) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : null;
  }, 60_000);

async function trigger(workflowId: string, input: Record<string, unknown>) {
  const trig = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input });
  expect(trig.status, JSON.stringify(trig.body)).toBe(202);
  return finished(trig.body.id);
}

const invoiceSchema = {
  type: 'object',
  required: ['vendorNumber', 'invoiceNumber', 'invoiceDate', 'total', 'lines'],
  additionalProperties: false,
  properties: {
    vendorNumber: { type: 'string', pattern: '^V\\d{5}$' },
    invoiceNumber: { type: 'string', minLength: 1 },
    invoiceDate: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    total: { type: 'number', minimum: 0 },
    lines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['description', 'quantity', 'unitPrice'],
        properties: { description: { type: 'string' }, quantity: { type: 'number' }, unitPrice: { type: 'number' } },
      },
    },
  },
};
const extracted = {
  vendorNumber: 'V00010',
  invoiceNumber: 'F-2026-0042',
  invoiceDate: '2026-11-30',
  total: 45,
  lines: [{ description: 'Copy paper A4', quantity: 10, unitPrice: 4.5 }],
};

describe('invoice PDF → Document Intelligence → extract → Business Central purchase invoice, posted', () => {
  let workflowId: string;

  it('sets up the connectors (secrets sealed) and the workflow', async () => {
    const connectors = [
      {
        name: 'docint',
        systemType: 'document-intelligence',
        settings: { endpoint: di.url, auth: { type: 'api-key' } },
        secrets: { apiKey: di.apiKey },
      },
      {
        name: 'llm',
        systemType: 'model',
        settings: { source: 'own', provider: 'openai-compatible', baseUrl: `${llm.url}/v1`, model: 'extractor-1' },
        secrets: { apiKey: 'sk-own' },
      },
      {
        name: 'bc',
        systemType: 'business-central',
        settings: {
          baseUrl: erp.bcBase,
          companyId: erp.companyId,
          tenantId: erp.tenant,
          authority: erp.url,
          auth: { type: 'oauth2-client-credentials' },
        },
        secrets: { clientId: erp.clientId, clientSecret: erp.clientSecret },
      },
    ];
    for (const c of connectors) {
      const r = await api(host.url, 'POST', '/api/connectors', c);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'vendor-invoice-intake',
      inputSchema: { type: 'object', required: ['pdfUrl'], properties: { pdfUrl: { type: 'string' } } },
      tasks: [
        {
          key: 'analyze',
          type: 'atomic',
          connector: 'docint',
          operation: 'analyze',
          input: { modelId: 'prebuilt-invoice', document: { url: '{{ input.pdfUrl }}' } },
        },
        {
          key: 'extract',
          type: 'atomic',
          connector: 'llm',
          operation: 'extract',
          input: { text: '{{ steps.analyze.content }}', schema: invoiceSchema, instructions: 'Extract the vendor invoice for posting.' },
          retry: { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 10 },
        },
        {
          key: 'invoice',
          type: 'atomic',
          connector: 'bc',
          operation: 'create',
          input: {
            entitySet: 'purchaseInvoices',
            record: {
              vendorNumber: '{{ steps.extract.value.vendorNumber }}',
              vendorInvoiceNumber: '{{ steps.extract.value.invoiceNumber }}',
              invoiceDate: '{{ steps.extract.value.invoiceDate }}',
            },
          },
        },
        {
          key: 'line',
          type: 'atomic',
          connector: 'bc',
          operation: 'create',
          input: {
            entitySet: 'purchaseInvoiceLines',
            parent: { entitySet: 'purchaseInvoices', id: '{{ steps.invoice.id }}' },
            record: {
              description: '{{ steps.extract.value.lines[0].description }}',
              quantity: '{{ steps.extract.value.lines[0].quantity }}',
              directUnitCost: '{{ steps.extract.value.lines[0].unitPrice }}',
            },
          },
        },
        {
          key: 'post',
          type: 'atomic',
          connector: 'bc',
          operation: 'action',
          input: { entitySet: 'purchaseInvoices', id: '{{ steps.invoice.id }}', action: 'Microsoft.NAV.post' },
        },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    workflowId = wf.body.id;
  });

  it('runs to SUCCEEDED: the fields came from the PDF, the invoice is in Business Central and posted', async () => {
    llm.script({ type: 'stream', parts: [{ text: JSON.stringify(extracted) }], usage: { prompt_tokens: 300, completion_tokens: 40 } });
    const before = llm.chatRequests().length;
    const run = await trigger(workflowId, { pdfUrl: `${filesUrl}/inbox/invoice.pdf` });
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
    const [analyze, extract] = run.tasks;
    // Document Intelligence read the PDF the test generated: its fields, flattened.
    expect(analyze.output.fields).toMatchObject({
      InvoiceId: { value: 'F-2026-0042', confidence: 0.97 },
      VendorName: { value: 'Fabrikam Supplies' },
      InvoiceTotal: { value: { amount: 45, currencyCode: 'EUR' } },
      Items: { value: [{ Description: { value: 'Copy paper A4' }, Quantity: { value: 10 } }] },
    });
    expect(di.requests.find((r) => r.path.endsWith(':analyze'))!.headers['ocp-apim-subscription-key']).toBe(di.apiKey);
    // The model got the analysed text, fenced as data, with the schema as structured output, and no tools.
    const sent = llm.chatRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.stream).toBe(false);
    expect(sent[0]!.body.model).toBe('extractor-1');
    expect(sent[0]!.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'extraction', schema: invoiceSchema },
    });
    expect(sent[0]!.body.tools).toBeUndefined();
    expect(sent[0]!.headers['authorization']).toBe('Bearer sk-own');
    expect(sent[0]!.body.messages.at(-1).content).toContain('<data>\nINVOICE');
    expect(sent[0]!.body.messages.at(-1).content).toContain('Invoice number: F-2026-0042');
    expect(extract.output).toMatchObject({ value: extracted, repaired: false });
    // Token usage: on the task and summed on the run.
    expect(extract.modelUsage).toEqual({ inputTokens: 300, outputTokens: 40, calls: 1 });
    expect(run.modelUsage).toEqual({ inputTokens: 300, outputTokens: 40, calls: 1 });
    expect(analyze.modelUsage).toBeUndefined();
    // Business Central: the purchase invoice with its line, posted by its bound action.
    const inv = erp.bc.get('purchaseInvoices')!.find((p) => p['id'] === run.tasks[2].output.id)!;
    expect(inv).toMatchObject({
      vendorNumber: 'V00010',
      vendorInvoiceNumber: 'F-2026-0042',
      invoiceDate: '2026-11-30',
      status: 'Open',
      totalAmountIncludingTax: 45,
    });
    expect(erp.bc.get('purchaseInvoiceLines')!.filter((l) => l['documentId'] === inv['id'])).toEqual([
      expect.objectContaining({ description: 'Copy paper A4', quantity: 10, directUnitCost: 4.5 }),
    ]);
    expect(erp.requests.some((r) => r.url.endsWith(`purchaseInvoices(${inv['id']})/Microsoft.NAV.post`))).toBe(true);
    expect(erp.requests.every((r) => /^00-[0-9a-f]{32}-/.test(String(r.headers['traceparent'])))).toBe(true);
  });

  it('repairs an extraction once with the validation errors, and counts both calls', async () => {
    llm.script(
      {
        type: 'stream',
        parts: [{ text: JSON.stringify({ ...extracted, vendorNumber: 'Fabrikam', total: '45' }) }],
        usage: { prompt_tokens: 300, completion_tokens: 40 },
      },
      {
        type: 'stream',
        parts: [{ text: '```json\n' + JSON.stringify(extracted) + '\n```' }],
        usage: { prompt_tokens: 420, completion_tokens: 41 },
      },
    );
    const before = llm.chatRequests().length;
    const run = await trigger(workflowId, { pdfUrl: `${filesUrl}/inbox/invoice.pdf` });
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
    const repair = llm.chatRequests().slice(before)[1]!.body.messages;
    expect(repair.at(-2)).toMatchObject({ role: 'assistant' });
    expect(repair.at(-1).content).toContain('/vendorNumber must match pattern');
    expect(repair.at(-1).content).toContain('/total must be number');
    expect(run.tasks[1].output.repaired).toBe(true);
    expect(run.tasks[1].modelUsage).toEqual({ inputTokens: 720, outputTokens: 81, calls: 2 });
    expect(run.modelUsage).toMatchObject({ inputTokens: 720, outputTokens: 81 });
  });

  it('fails with extraction_invalid (not retried) when the repair is invalid too, and posts nothing', async () => {
    llm.script(
      { type: 'stream', parts: [{ text: 'not json at all' }] },
      { type: 'stream', parts: [{ text: JSON.stringify({ vendorNumber: 'V00010' }) }] },
    );
    const invoices = erp.bc.get('purchaseInvoices')!.length;
    const run = await trigger(workflowId, { pdfUrl: `${filesUrl}/inbox/invoice.pdf` });
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ code: 'extraction_invalid', taskKey: 'extract' });
    expect(run.error.message).toContain("must have required property 'invoiceNumber'");
    expect(run.tasks[1].attempts).toBe(1);
    expect(run.tasks[1].modelUsage.calls).toBe(2);
    expect(erp.bc.get('purchaseInvoices')!.length).toBe(invoices);
  });

  it('refuses a document over the size bound, read under the network policy', async () => {
    const small = await api(host.url, 'POST', '/api/connectors', {
      name: 'docint-small',
      systemType: 'document-intelligence',
      settings: { endpoint: di.url, maxDocumentBytes: 1024 * 1024 },
      secrets: { apiKey: di.apiKey },
    });
    expect(small.status, JSON.stringify(small.body)).toBe(201);
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'too-big',
      tasks: [
        {
          key: 'a',
          type: 'atomic',
          connector: 'docint-small',
          operation: 'analyze',
          input: { modelId: 'prebuilt-layout', document: { url: `${filesUrl}/inbox/huge.pdf` } },
        },
      ],
    });
    const run = await trigger(wf.body.id, {});
    expect(run.error).toMatchObject({ code: 'document_too_large' });
  });

  it('refuses model calls past the monthly token budget with model_budget_exceeded, not retried', async () => {
    const settings = (await api(host.url, 'GET', '/api/hq/settings')).body;
    const put = await api(host.url, 'PUT', '/api/hq/settings', {
      name: settings.name,
      apiKeysEnabled: true,
      apiKeyMaxLifetimeDays: null,
      modelTokenBudgetMonthly: 1000,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.modelTokenBudgetMonthly).toBe(1000);
    // This month so far: 340 + 801 + the failed run's tokens > 1000.
    const before = llm.chatRequests().length;
    const run = await trigger(workflowId, { pdfUrl: `${filesUrl}/inbox/invoice.pdf` });
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ code: 'model_budget_exceeded', retryable: false, taskKey: 'extract' });
    expect(run.tasks[1].attempts).toBe(1);
    expect(llm.chatRequests().length).toBe(before);
    const invalid = await api(host.url, 'PUT', '/api/hq/settings', {
      name: settings.name,
      apiKeysEnabled: true,
      apiKeyMaxLifetimeDays: null,
      modelTokenBudgetMonthly: -5,
    });
    expect(invalid.status).toBe(422);
    await api(host.url, 'PUT', '/api/hq/settings', {
      name: settings.name,
      apiKeysEnabled: true,
      apiKeyMaxLifetimeDays: null,
      modelTokenBudgetMonthly: null,
    });
  });
});

describe('a document referenced by another connector of the project (SFTP)', () => {
  let sshd: SftpFixture;
  beforeAll(async () => {
    sshd = await startSftpServer();
    mkdirSync(join(sshd.dataDir, 'inbox'));
    writeFileSync(join(sshd.dataDir, 'inbox', 'invoice.pdf'), pdf);
  });
  afterAll(() => sshd?.close());

  it('is read through the sftp connector’s own adapter and analysed; a connector that cannot serve files is refused', async () => {
    const c = await api(host.url, 'POST', '/api/connectors', {
      name: 'inbox',
      systemType: 'sftp',
      settings: { host: sshd.host, port: sshd.port, username: sshd.username, hostKeySha256: sshd.hostKeySha256 },
      secrets: { privateKey: sshd.privateKey },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'sftp-invoice',
      inputSchema: { type: 'object', properties: { connector: { type: 'string' } } },
      tasks: [
        {
          key: 'a',
          type: 'atomic',
          connector: 'docint',
          operation: 'analyze',
          input: {
            modelId: 'prebuilt-invoice',
            document: { connector: '{{ input.connector }}', path: join(sshd.dataDir, 'inbox', 'invoice.pdf') },
          },
        },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const run = await trigger(wf.body.id, { connector: 'inbox' });
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
    expect(run.tasks[0].output.fields.InvoiceId).toEqual({ value: 'F-2026-0042', confidence: 0.97 });
    const wrong = await trigger(wf.body.id, { connector: 'bc' });
    expect(wrong.error).toMatchObject({ code: 'document_source_unsupported' });
  });
});

describe('the adapter catalogue offers the new connector types and operations with input schemas', () => {
  it('GET /api/adapters', async () => {
    const r = await api(host.url, 'GET', '/api/adapters');
    expect(r.status).toBe(200);
    const by = (t: string) => r.body.items.find((a: { systemType: string }) => a.systemType === t);
    const ops = (t: string) => by(t).operations.map((o: { name: string }) => o.name);
    const op = (t: string, name: string) => by(t).operations.find((o: { name: string }) => o.name === name);
    expect(by('model')).toMatchObject({ category: 'cognitive' });
    expect(ops('model')).toEqual(['complete', 'classify', 'extract', 'summarise', 'embed']);
    expect(op('model', 'extract').inputSchema.properties).toHaveProperty('schema');
    expect(op('model', 'classify').inputSchema.properties.labels).toMatchObject({ type: 'array' });
    expect(by('model').connectionSchema.properties.settings).toBeTruthy();
    expect(by('document-intelligence')).toMatchObject({ category: 'cognitive' });
    expect(op('document-intelligence', 'analyze').inputSchema.properties.modelId).toMatchObject({ type: 'string' });
    expect(by('knowledge')).toMatchObject({ category: 'intelligence' });
    expect(ops('knowledge')).toEqual(['search', 'ingest', 'delete']);
    expect(by('search-index')).toMatchObject({ category: 'intelligence', inferable: true });
    expect(ops('search-index')).toEqual(['query', 'upsert', 'delete']);
    expect(ops('business-central')).toEqual(expect.arrayContaining(['create', 'update', 'delete', 'action', 'batch', 'query']));
    expect(ops('dynamics-365-finance')).toEqual(expect.arrayContaining(['create', 'update', 'delete', 'importPackage', 'query']));
  });

  it('refuses a model connector that would send the platform identity to an endpoint it names', async () => {
    const r = await api(host.url, 'POST', '/api/connectors', {
      name: 'aoai-no-key',
      systemType: 'model',
      settings: { source: 'own', provider: 'azure-openai', baseUrl: 'https://contoso.openai.azure.com', deployment: 'gpt' },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'secrets.apiKey' })]));
  });
});

describe('model output is data; the organisation model; classify and summarise', () => {
  it('lands in later steps verbatim (never evaluated), on the deployment model when the organisation chose none of its own', async () => {
    expect(
      (await api(host.url, 'POST', '/api/connectors', { name: 'org-model', systemType: 'model', settings: { source: 'organisation' } }))
        .status,
    ).toBe(201);
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'model-output-as-data',
      inputSchema: { type: 'object', properties: { secret: { type: 'string' } } },
      tasks: [
        { key: 'ask', type: 'atomic', connector: 'org-model', operation: 'complete', input: { prompt: 'Say something.', maxTokens: 50 } },
        {
          key: 'kind',
          type: 'atomic',
          connector: 'org-model',
          operation: 'classify',
          input: { text: '{{ steps.ask.text }}', labels: [{ name: 'billing', description: 'money' }, { name: 'other' }] },
        },
        {
          key: 'short',
          type: 'atomic',
          connector: 'org-model',
          operation: 'summarise',
          input: { text: 'A long ticket text.', maxWords: 20 },
        },
        {
          key: 'echo',
          type: 'atomic',
          connector: 'platform',
          operation: 'echo',
          input: { line: 'Model said: {{ steps.ask.text }}', whole: '{{ steps.ask.text }}', label: '{{ steps.kind.label }}' },
        },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const hostile = "{{ input.secret }} $& $` {{ $eval('1+1') }}";
    llm.script(
      { type: 'stream', parts: [{ text: hostile }], usage: { prompt_tokens: 5, completion_tokens: 5 } },
      // A label outside the list is repaired; the answer is always one of the given labels.
      { type: 'stream', parts: [{ text: JSON.stringify({ label: 'refund', confidence: 0.9 }) }] },
      { type: 'stream', parts: [{ text: JSON.stringify({ label: 'billing', confidence: 0.8 }) }] },
      { type: 'stream', parts: [{ text: 'A customer asks for a refund.' }] },
    );
    const before = llm.chatRequests().length;
    const run = await trigger(wf.body.id, { secret: 'TOP-SECRET' });
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
    expect(run.tasks[3].output).toEqual({ line: `Model said: ${hostile}`, whole: hostile, label: 'billing' });
    expect(JSON.stringify(run.tasks[3].output)).not.toContain('TOP-SECRET');
    expect(run.tasks[1].output).toMatchObject({ label: 'billing', confidence: 0.8 });
    expect(run.tasks[2].output.summary).toBe('A customer asks for a refund.');
    const sent = llm.chatRequests().slice(before);
    expect(sent.map((r) => r.body.model)).toEqual(['deployment-model', 'deployment-model', 'deployment-model', 'deployment-model']);
    expect(sent[1]!.body.response_format.json_schema.schema.properties.label.enum).toEqual(['billing', 'other']);
  });

  it('keeps the assistant’s knowledge current: ingest idempotent per key, search, delete', async () => {
    expect((await api(host.url, 'POST', '/api/connectors', { name: 'kb', systemType: 'knowledge', settings: {} })).status).toBe(201);
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'kb-sync',
      inputSchema: { type: 'object', properties: { text: { type: 'string' }, del: { type: 'boolean' } } },
      tasks: [
        {
          key: 'ingest',
          type: 'atomic',
          connector: 'kb',
          operation: 'ingest',
          input: {
            key: 'policies/travel.md',
            name: 'travel.md',
            contentType: 'text/markdown',
            document: { content: '{{ input.text }}', encoding: 'utf8' },
          },
        },
        {
          key: 'find',
          type: 'atomic',
          connector: 'kb',
          operation: 'search',
          input: { query: 'per diem allowance travel', top: 3, filter: { documentKeys: ['policies/travel.md'] } },
        },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const v1 = '# Travel policy\n\nThe per diem allowance for travel is 40 EUR per day.';
    const a = await trigger(wf.body.id, { text: v1 });
    expect(a.status, JSON.stringify(a.error)).toBe('SUCCEEDED');
    expect(a.tasks[0].output).toMatchObject({ status: 'created', chunks: 1 });
    expect(a.tasks[1].output.hits[0]).toMatchObject({
      documentId: a.tasks[0].output.documentId,
      content: expect.stringContaining('40 EUR'),
    });
    const again = await trigger(wf.body.id, { text: v1 });
    expect(again.tasks[0].output).toEqual({ documentId: a.tasks[0].output.documentId, status: 'unchanged', chunks: 1 });
    const v2 = await trigger(wf.body.id, { text: v1.replace('40', '55') });
    expect(v2.tasks[0].output.status).toBe('replaced');
    expect(v2.tasks[1].output.hits.map((h: { content: string }) => h.content).join()).toContain('55 EUR');
    // The assistant sees the same index: one document under the key.
    const docs = (await api(host.url, 'GET', '/api/studio/documents')).body;
    expect((docs.items ?? docs).filter((d: { name: string }) => d.name === 'travel.md')).toHaveLength(1);
    const del = await api(host.url, 'POST', '/api/workflows', {
      name: 'kb-delete',
      tasks: [{ key: 'd', type: 'atomic', connector: 'kb', operation: 'delete', input: { key: 'policies/travel.md' } }],
    });
    expect((await trigger(del.body.id, {})).tasks[0].output).toEqual({ deleted: true });
    expect((await trigger(del.body.id, {})).tasks[0].output).toEqual({ deleted: false });
  });
});
