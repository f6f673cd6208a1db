/**
 * The Azure backends of the studio: documents of each type uploaded to Blob Storage and
 * conversations in Table Storage (azurite, through @azure/storage-blob and @azure/data-tables),
 * chunks indexed in Azure AI Search (a loopback server speaking its REST API, through
 * @azure/search-documents) with an HNSW profile and the organisation applied as a pre-filter.
 */
import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../shared/domain/principal';
import { AiServiceError } from '../../../shared/ai/ai-errors';
import { ingestDocument } from '../../../shared/ai/documents/ingest-document';
import { AzureKeyCredential, createAzureSearchIndex } from '../../../shared/ai/search/azure-search-index';
import * as studio from '../../../shared/ai/studio-service';
import { DEV_ORG_ID, ensureOrganisation } from '../../../shared/store/organisations';
import { startAiSearchLoopback, type AiSearchLoopback } from '../../servers/ai-search-loopback';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';
import { startAzuriteStorage, type AzuriteStorage } from './azurite-storage';
import { ask } from './sse-client';

let storage: AzuriteStorage;
let search: AiSearchLoopback;
let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
const CONTAINER = 'studio-docs';
const TABLE = 'studioconversations';
const ORG_B = randomUUID();
const ownerB: Principal = { orgId: ORG_B, actor: { type: 'user', id: 'b-admin' }, role: 'owner' };

async function pdfBytes(lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((l, i) => page.drawText(l, { x: 50, y: 780 - i * 20, size: 12, font }));
  return doc.save();
}

beforeAll(async () => {
  storage = await startAzuriteStorage();
  search = await startAiSearchLoopback({ apiKey: 'search-key' });
  platform = await createTestPlatform({
    env: {
      AZURE_STORAGE_CONNECTION_STRING: storage.connectionString,
      AZURE_STORAGE_DOCUMENTS_CONTAINER: CONTAINER,
      AZURE_STORAGE_TABLE_NAME: TABLE,
      AZURE_SEARCH_ENDPOINT: search.url,
      AZURE_SEARCH_API_KEY: 'search-key',
      AZURE_SEARCH_INDEX: 'chunks-test',
      EMBEDDING_DIMENSIONS: '96',
    },
  });
  host = await startTestHost(platform);
  await ensureOrganisation(platform.db, { id: ORG_B, name: 'Other', defaultProjectId: randomUUID() });
});

afterAll(async () => {
  await host?.close();
  await platform?.close();
  await search?.close();
  await storage?.close();
});

const upload = (name: string, type: string, body: string | Uint8Array) =>
  fetch(`${host.url}/api/studio/documents?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe('documents through Blob Storage and Azure AI Search', () => {
  const files: Array<{ name: string; type: string; body: () => Promise<string | Uint8Array>; phrase: string }> = [
    {
      name: 'notes.txt',
      type: 'text/plain',
      body: async () => 'Plain notes: the warehouse in Utrecht closes at six on Fridays.',
      phrase: 'warehouse Utrecht closes Fridays',
    },
    {
      name: 'guide.md',
      type: 'text/markdown',
      body: async () => '# Guide\n\n- The **backup** of the ledger runs at 02:00 and keeps 14 copies.',
      phrase: 'ledger backup copies',
    },
    {
      name: 'page.html',
      type: 'text/html',
      body: async () =>
        '<html><head><title>x</title><script>var hidden = "scriptsecret";</script></head><body><h1>Escalation</h1><p>Call the duty manager &amp; open a ticket for outages.</p></body></html>',
      phrase: 'duty manager outages ticket',
    },
    {
      name: 'policy.pdf',
      type: 'application/pdf',
      body: () => pdfBytes(['Travel policy', 'Trains are preferred for journeys under 500 kilometres.']),
      phrase: 'trains journeys kilometres',
    },
  ];

  it('ingests plain text, Markdown, HTML and PDF: blob stored, chunks indexed with the org, searchable', async () => {
    const blobs = BlobServiceClient.fromConnectionString(storage.connectionString).getContainerClient(CONTAINER);
    for (const f of files) {
      const bytes = await f.body();
      const r = await upload(f.name, f.type, bytes);
      expect(r.status, `${f.name}: ${JSON.stringify(r.body)}`).toBe(201);
      expect(r.body.chunkCount).toBeGreaterThan(0);
      // The original file is in the container under org/document/name, byte for byte.
      const stored = await blobs.getBlockBlobClient(`${DEV_ORG_ID}/${r.body.id}/${f.name}`).downloadToBuffer();
      expect(Buffer.compare(stored, Buffer.from(bytes))).toBe(0);
      // Its chunks are in the search index, tagged with the organisation.
      const indexed = [...search.indexes.get('chunks-test')!.docs.values()].filter((d) => d['documentId'] === r.body.id);
      expect(indexed.length).toBe(r.body.chunkCount);
      for (const d of indexed) expect(d['orgId']).toBe(DEV_ORG_ID);
      // And found by meaning (shared words here: the local embedding is lexical).
      const hits = await api(host.url, 'GET', `/api/studio/documents/search?q=${encodeURIComponent(f.phrase)}&limit=1`);
      expect(hits.body.items[0].documentId, f.name).toBe(r.body.id);
    }
    const html = [...search.indexes.get('chunks-test')!.docs.values()].find((d) => String(d['content']).includes('duty manager'))!;
    expect(html['content']).not.toContain('scriptsecret');
    expect(html['content']).toContain('Call the duty manager & open a ticket');
  });

  it('declares an HNSW cosine profile and filters by organisation before the vector search', async () => {
    const def = search.indexes.get('chunks-test')!.definition;
    const vector = def.fields.find((f: { name: string }) => f.name === 'vector');
    expect(vector).toMatchObject({ type: 'Collection(Edm.Single)', dimensions: 96, vectorSearchProfile: 'demiton-hnsw' });
    expect(def.vectorSearch.profiles[0]).toMatchObject({ name: 'demiton-hnsw', algorithm: 'demiton-hnsw-cosine' });
    expect(def.vectorSearch.algorithms[0]).toMatchObject({ kind: 'hnsw', hnswParameters: { metric: 'cosine' } });
    const q = search.requests.filter((r) => r.path.endsWith('/docs/search.post.search')).at(-1)!;
    expect(q.headers['api-key']).toBe('search-key');
    expect(q.body.filter).toMatch(new RegExp(`^orgId eq '${DEV_ORG_ID}' and embedder eq '`));
    expect(q.body.vectorFilterMode).toBe('preFilter');
    expect(q.body.vectorQueries[0]).toMatchObject({ kind: 'vector', fields: 'vector' });
  });

  it('never returns another organisation’s chunks', async () => {
    const b = await studio.uploadDocument(platform, ownerB, {
      name: 'b.txt',
      contentType: 'text/plain',
      bytes: new TextEncoder().encode('Organisation B keeps the warehouse in Utrecht open late on Fridays.'),
    });
    const aHits = await api(
      host.url,
      'GET',
      `/api/studio/documents/search?q=${encodeURIComponent('warehouse Utrecht Fridays open late')}&limit=10`,
    );
    expect(aHits.body.items.length).toBeGreaterThan(0);
    expect(aHits.body.items.every((h: { documentId: string }) => h.documentId !== b.id)).toBe(true);
    const bHits = await studio.searchDocuments(platform, ownerB, 'warehouse Utrecht Fridays open late', 10);
    expect(bHits.items.map((h) => h.documentId)).toEqual([b.id]);
  });

  it('deletes a document from the index, the database and the container', async () => {
    const blobs = BlobServiceClient.fromConnectionString(storage.connectionString).getContainerClient(CONTAINER);
    const r = await upload('temp.txt', 'text/plain', 'A temporary note about the canteen menu on Tuesdays.');
    expect(r.status).toBe(201);
    const blob = blobs.getBlockBlobClient(`${DEV_ORG_ID}/${r.body.id}/temp.txt`);
    expect(await blob.exists()).toBe(true);
    const del = await api(host.url, 'DELETE', `/api/studio/documents/${r.body.id}`);
    expect(del.status).toBe(204);
    expect([...search.indexes.get('chunks-test')!.docs.values()].filter((d) => d['documentId'] === r.body.id)).toEqual([]);
    expect((await platform.db.query('SELECT 1 FROM ai_document_chunks WHERE document_id = $1::uuid', [r.body.id])).rowCount).toBe(0);
    expect(await blob.exists()).toBe(false);
    expect((await api(host.url, 'GET', `/api/studio/documents/${r.body.id}`)).status).toBe(404);
    expect((await api(host.url, 'DELETE', `/api/studio/documents/${r.body.id}`)).status).toBe(404);
  });

  it('removes the blob and the rows when indexing fails, and reports the search service as unavailable', async () => {
    const blobs = BlobServiceClient.fromConnectionString(storage.connectionString).getContainerClient(CONTAINER);
    const countBlobs = async () => {
      let n = 0;
      for await (const _ of blobs.listBlobsFlat({ prefix: `${ORG_B}/` })) n++;
      return n;
    };
    const blobsBefore = await countBlobs();
    const rowsBefore = (await platform.db.query('SELECT id FROM ai_documents WHERE org_id = $1::uuid', [ORG_B])).rowCount;
    const badIndex = createAzureSearchIndex({
      endpoint: search.url,
      index: 'chunks-test',
      dimensions: 96,
      credential: new AzureKeyCredential('wrong-key'),
    });
    const err = await ingestDocument(
      {
        db: platform.db,
        blobs: platform.ai.blobs,
        embedder: platform.ai.embedder,
        index: badIndex,
        logger: platform.logger,
        maxBytes: 1_000_000,
      },
      ownerB,
      { name: 'lost.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('This upload must leave nothing behind.') },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(AiServiceError);
    expect(err.code).toBe('search_unavailable');
    expect(await countBlobs()).toBe(blobsBefore);
    expect((await platform.db.query('SELECT id FROM ai_documents WHERE org_id = $1::uuid', [ORG_B])).rowCount).toBe(rowsBefore);
  });
});

describe('conversations in Table Storage', () => {
  it('stores a conversation as its own partition, lists it for its user only', async () => {
    expect(platform.ai.conversations.kind).toBe('table');
    const conv = await api(host.url, 'POST', '/api/studio/conversations', { title: 'Travel', focus: {} });
    expect(conv.status).toBe(201);
    const a = await ask(host.url, conv.body.id, 'Are trains preferred for short journeys?');
    expect(a.of('done')).toHaveLength(1);
    expect(a.text).toContain('Trains are preferred');

    const table = TableClient.fromConnectionString(storage.connectionString, TABLE, { allowInsecureConnection: true });
    const rows = [];
    for await (const e of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${conv.body.id}'` } })) rows.push(e);
    expect(rows.map((r) => r.rowKey).sort()).toEqual(['conversation', expect.stringMatching(/^m-/), expect.stringMatching(/^m-/)]);

    const got = await api(host.url, 'GET', `/api/studio/conversations/${conv.body.id}`);
    expect(got.body.title).toBe('Travel');
    expect(got.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(got.body.messages[1].citations.length).toBeGreaterThan(0);
    const list = await api(host.url, 'GET', '/api/studio/conversations');
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(conv.body.id);

    // Another user of the same organisation, and a user of another organisation, see nothing.
    const colleague: Principal = { orgId: DEV_ORG_ID, actor: { type: 'user', id: 'colleague' }, role: 'owner' };
    await expect(studio.getConversation(platform, colleague, conv.body.id)).rejects.toMatchObject({ code: 'conversation_not_found' });
    await expect(studio.getConversation(platform, ownerB, conv.body.id)).rejects.toMatchObject({ code: 'conversation_not_found' });
    expect((await studio.listConversations(platform, colleague)).items).toEqual([]);
  });
});
