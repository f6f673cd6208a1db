/**
 * Document Intelligence and a customer's own Azure AI Search index against loopback servers that
 * follow their documented REST contracts; the model connector outside a workflow.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelAccess } from '../../../shared/adapters/cognitive/model-access';
import type { BusinessObjectAccess } from '../../../shared/business-objects/business-object-access';
import { createHashedEmbedder } from '../../../shared/ai/embeddings/hashed-embedder';
import { startAiSearchLoopback, type AiSearchLoopback } from '../../servers/ai-search-loopback';
import { startAnthropicLoopback } from '../../servers/anthropic-loopback';
import { startDocumentIntelligenceLoopback, type DocumentIntelligenceLoopback } from '../../servers/document-intelligence-loopback';
import { adapterFor, callOp, ctx, prodRegistry } from './adapter-harness';

let di: DocumentIntelligenceLoopback;
let search: AiSearchLoopback;
let pdf: string;

beforeAll(async () => {
  [di, search] = await Promise.all([startDocumentIntelligenceLoopback(), startAiSearchLoopback({ apiKey: 'search-admin-key' })]);
  const doc = await PDFDocument.create();
  const page = doc.addPage();
  page.drawText('Invoice number: R-7', { x: 50, y: 700, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  pdf = Buffer.from(await doc.save()).toString('base64');
});
afterAll(async () => {
  await di?.close();
  await search?.close();
});

describe('Document Intelligence', () => {
  it("authenticates with the organisation's own service principal at the connector's authority", async () => {
    const a = adapterFor({
      systemType: 'document-intelligence',
      settings: { endpoint: di.url, auth: { type: 'service-principal', tenantId: di.tenant, authority: di.url } },
      secrets: { clientId: di.clientId, clientSecret: di.clientSecret },
    });
    const r = await callOp(a, 'analyze', { modelId: 'prebuilt-invoice', document: { content: pdf } });
    expect(r.fields).toEqual({ InvoiceId: { value: 'R-7', confidence: 0.97 } });
    const analyze = di.requests.find((x) => x.path.endsWith(':analyze') && x.headers['authorization'])!;
    expect(analyze.headers['authorization']).toMatch(/^Bearer /);
    expect(analyze.headers['ocp-apim-subscription-key']).toBeUndefined();
    expect(analyze.query.get('api-version')).toBe('2024-11-30');
    await expect(a.testConnection!(new AbortController().signal)).resolves.toEqual({ ok: true, detail: '0 custom models' });
  });

  it('polls as Retry-After says, and reports a failed analysis and a refused key', async () => {
    const a = adapterFor({ systemType: 'document-intelligence', settings: { endpoint: di.url }, secrets: { apiKey: di.apiKey } });
    di.retryAfter = 1;
    di.runningPolls = 1;
    const t0 = Date.now();
    expect((await callOp(a, 'analyze', { modelId: 'prebuilt-layout', document: { content: pdf } })).content).toContain(
      'Invoice number: R-7',
    );
    // One wait after the 202 and one after the `running` answer.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    di.retryAfter = 0;
    const corrupt = Buffer.from('%PDF-1.7 not really').toString('base64');
    await expect(callOp(a, 'analyze', { modelId: 'prebuilt-layout', document: { content: corrupt } })).rejects.toMatchObject({
      code: 'document_intelligence_analysis_failed',
    });
    await expect(callOp(a, 'analyze', { modelId: 'no-such-model', document: { content: pdf } })).rejects.toThrow(/ModelNotFound/);
    const wrongKey = adapterFor({ systemType: 'document-intelligence', settings: { endpoint: di.url }, secrets: { apiKey: 'wrong' } });
    await expect(callOp(wrongKey, 'analyze', { modelId: 'prebuilt-layout', document: { content: pdf } })).rejects.toMatchObject({
      status: 401,
      retryable: false,
    });
  });

  it('applies the outbound network policy to the document URL and to the service', async () => {
    const a = adapterFor(
      {
        systemType: 'document-intelligence',
        settings: { endpoint: 'https://contoso.cognitiveservices.azure.com' },
        secrets: { apiKey: 'k' },
      },
      prodRegistry,
    );
    await expect(
      callOp(a, 'analyze', { modelId: 'prebuilt-layout', document: { url: 'http://169.254.169.254/metadata/instance' } }),
    ).rejects.toMatchObject({ code: 'outbound_address_blocked' });
    const local = adapterFor(
      { systemType: 'document-intelligence', settings: { endpoint: di.url }, secrets: { apiKey: di.apiKey } },
      prodRegistry,
    );
    await expect(callOp(local, 'analyze', { modelId: 'prebuilt-layout', document: { content: pdf } })).rejects.toMatchObject({
      code: 'outbound_address_blocked',
    });
  });
});

describe("search-index (a customer's own Azure AI Search index)", () => {
  const idx = () =>
    adapterFor({
      systemType: 'search-index',
      settings: { endpoint: search.url, index: 'products' },
      secrets: { apiKey: 'search-admin-key' },
    });

  beforeAll(() => {
    search.indexes.set('products', {
      definition: { fields: [{ name: 'id', key: true }, { name: 'name' }, { name: 'vec' }] },
      docs: new Map(),
    });
  });

  it('upserts, queries by keyword and by vector, deletes', async () => {
    const up = await callOp(idx(), 'upsert', {
      documents: [
        { id: 'p1', name: 'red bicycle', vec: [1, 0] },
        { id: 'p2', name: 'blue kettle', vec: [0, 1] },
      ],
    });
    expect(up.count).toBe(2);
    expect(search.requests.at(-1)!.body.value[0]['@search.action']).toBe('mergeOrUpload');
    expect(search.requests.at(-1)!.headers['api-key']).toBe('search-admin-key');
    expect((await callOp(idx(), 'query', { search: 'kettle' })).hits.map((h: { document: { id: string } }) => h.document.id)).toEqual([
      'p2',
    ]);
    const near = await callOp(idx(), 'query', { vector: { field: 'vec', values: [0.9, 0.1], k: 1 } });
    expect(near.hits).toEqual([{ score: expect.any(Number), document: expect.objectContaining({ id: 'p1' }) }]);
    expect((await callOp(idx(), 'delete', { keyField: 'id', keys: ['p1'] })).count).toBe(1);
    expect([...search.indexes.get('products')!.docs.keys()]).toEqual(['p2']);
    const wrong = adapterFor({
      systemType: 'search-index',
      settings: { endpoint: search.url, index: 'products' },
      secrets: { apiKey: 'query-key?' },
    });
    await expect(callOp(wrong, 'query', { search: 'x' })).rejects.toMatchObject({ status: 403 });
  });
});

describe('model connector on Anthropic (own settings): schema in the prompt, usage from the Message', () => {
  it('extracts with the schema in the prompt and records each call; refuses with model_budget_exceeded first', async () => {
    const claude = await startAnthropicLoopback();
    try {
      const recorded: Array<{ inputTokens: number; outputTokens: number }> = [];
      let budgetLeft = true;
      const models: ModelAccess = {
        organisationModel: async () => null,
        organisationEmbedder: () => createHashedEmbedder(16),
        checkBudget: async () => {
          if (!budgetLeft) throw Object.assign(new Error('spent'), { code: 'model_budget_exceeded', retryable: false });
        },
        record: async (u) => void recorded.push(u),
      };
      const c = ctx({ services: { businessObjects: {} as BusinessObjectAccess, models } });
      const a = adapterFor({
        systemType: 'model',
        settings: { source: 'own', provider: 'anthropic', baseUrl: claude.url, model: 'claude-test' },
        secrets: { apiKey: 'sk-ant-own' },
      });
      claude.script({ type: 'stream', parts: [{ text: '{"amount": "12"}' }] }, { type: 'stream', parts: [{ text: '{"amount": 12}' }] });
      const schema = { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } };
      const r = await callOp(a, 'extract', { text: 'Twelve euros.', schema }, c);
      expect(r).toMatchObject({ value: { amount: 12 }, repaired: true, model: 'anthropic:claude-test' });
      expect(claude.requests[0]!.headers['authorization']).toBe('Bearer sk-ant-own');
      expect(claude.requests[0]!.body.stream).toBeUndefined();
      expect(claude.requests[0]!.body.tools).toBeUndefined();
      expect(claude.requests[0]!.body.messages[0].content).toContain('valid against this JSON Schema');
      expect(claude.requests[1]!.body.messages.at(-1).content).toContain('/amount must be number');
      expect(recorded).toHaveLength(2);
      expect(r.usage.inputTokens).toBe(recorded[0]!.inputTokens + recorded[1]!.inputTokens);
      await expect(callOp(a, 'embed', { texts: ['x'] }, c)).rejects.toMatchObject({ code: 'model_operation_unsupported' });
      budgetLeft = false;
      const before = claude.requests.length;
      await expect(callOp(a, 'complete', { prompt: 'hi' }, c)).rejects.toMatchObject({ code: 'model_budget_exceeded' });
      expect(claude.requests.length).toBe(before);
    } finally {
      await claude.close();
    }
  });
});

describe('model connector outside a workflow', () => {
  it('says it needs the engine (budget and usage ledger)', async () => {
    const a = adapterFor({ systemType: 'model', settings: { source: 'organisation' } });
    await expect(callOp(a, 'complete', { prompt: 'hi' })).rejects.toMatchObject({ code: 'model_services_unavailable', retryable: false });
  });
});
