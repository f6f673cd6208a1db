/**
 * The studio with nothing configured (the local default): conversations in PostgreSQL, files under
 * the data directory, the hashed local embedding and the PostgreSQL vector index, no model. The
 * answer quotes the retrieved passages, cites real chunks and says no model is configured.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackends } from '../../../shared/platform';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';
import { ask } from './sse-client';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'demiton-ai-'));
  platform = await createTestPlatform({ env: { DEMITON_DATA_DIR: dataDir } });
  host = await startTestHost(platform);
});

afterAll(async () => {
  await host?.close();
  await platform?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const upload = (name: string, type: string, body: string | Uint8Array) =>
  fetch(`${host.url}/api/studio/documents?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe('studio without any model or Azure service', () => {
  it('uses the local backends', () => {
    expect(platform.ai.chat).toBeNull();
    expect(platform.ai.conversations.kind).toBe('postgres');
    expect(platform.ai.blobs.kind).toBe('files');
    expect(platform.ai.index.kind).toBe('postgres');
    expect(platform.ai.embedder.id).toMatch(/^local-hashed-ngram-/);
    expect(describeBackends(platform)).toMatch(
      /ai: no language model \(answers quote passages\); embeddings: local; conversations: postgres; documents: files; search: postgres$/,
    );
  });

  it('answers with cited passages from uploaded documents and says no model is configured', async () => {
    const doc = await upload(
      'refunds.md',
      'text/markdown',
      '# Refund policy\n\nCustomers may request a refund within 30 days of purchase. Refunds are paid to the original payment method.\n\n# Shipping\n\nParcels ship from Rotterdam every weekday.',
    );
    expect(doc.status).toBe(201);
    expect(doc.body.chunkCount).toBeGreaterThan(0);

    const conv = await api(host.url, 'POST', '/api/studio/conversations', { title: 'Refunds' });
    expect(conv.status).toBe(201);
    const answer = await ask(host.url, conv.body.id, 'How many days do customers have to request a refund?');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(answer.text).toMatch(/No language model is configured/);
    expect(answer.text).toContain('30 days');
    const cites = answer.of('citation');
    const docCite = cites.find((c) => c.chunk?.documentId === doc.body.id);
    expect(docCite).toBeDefined();
    // The cited chunk is a real row of this organisation holding the quoted text.
    const { rows } = await platform.db.query<{ content: string }>(
      'SELECT content FROM ai_document_chunks WHERE id = $1::uuid AND org_id = $2::uuid',
      [docCite.chunk.id, DEV_ORG_ID],
    );
    expect(rows[0]!.content).toContain(docCite.excerpt.slice(0, 50));
    const done = answer.of('done');
    expect(done).toHaveLength(1);
    expect(done[0].model).toBe('none');

    // History was stored: the question and the answer with its citations.
    const got = await api(host.url, 'GET', `/api/studio/conversations/${conv.body.id}`);
    expect(got.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(got.body.messages[1].id).toBe(done[0].messageId);
    expect(got.body.messages[1].citations.length).toBe(cites.length);
  });

  it('searches documents and lists them', async () => {
    const hits = await api(host.url, 'GET', '/api/studio/documents/search?q=parcels%20ship%20Rotterdam&limit=3');
    expect(hits.status).toBe(200);
    expect(hits.body.items[0].content).toContain('Rotterdam');
    const list = await api(host.url, 'GET', '/api/studio/documents');
    expect(list.body.items.length).toBeGreaterThan(0);
  });

  it('deletes a document and its file', async () => {
    const r = await upload('gone.txt', 'text/plain', 'The parking garage closes at midnight.');
    expect(r.status).toBe(201);
    const file = join(dataDir, 'documents', DEV_ORG_ID, r.body.id, 'gone.txt');
    expect(existsSync(file)).toBe(true);
    expect((await api(host.url, 'DELETE', `/api/studio/documents/${r.body.id}`)).status).toBe(204);
    expect(existsSync(file)).toBe(false);
    const hits = await api(host.url, 'GET', '/api/studio/documents/search?q=parking%20garage%20midnight');
    expect(hits.body.items.every((h: { documentId: string }) => h.documentId !== r.body.id)).toBe(true);
  });

  it('refuses unsupported and unreadable files without storing anything', async () => {
    const before = (await api(host.url, 'GET', '/api/studio/documents')).body.items.length;
    const bad = await upload('photo.png', 'image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    expect(bad.status).toBe(415);
    expect(bad.body.code).toBe('unsupported_document_type');
    const broken = await upload('broken.pdf', 'application/pdf', 'this is not a pdf');
    expect(broken.status).toBe(422);
    expect(broken.body.code).toBe('document_unreadable');
    const empty = await upload('empty.txt', 'text/plain', '   \n ');
    expect(empty.status).toBe(422);
    expect((await api(host.url, 'GET', '/api/studio/documents')).body.items.length).toBe(before);
  });

  it('publishes the studio routes and schemas in the OpenAPI document', async () => {
    const doc = (await api(host.url, 'GET', '/api/openapi.json')).body;
    const post = doc.paths['/api/studio/conversations/{id}/messages'].post;
    expect(post['x-demiton-role']).toBe('viewer');
    expect(Object.keys(post.responses['200'].content)).toEqual(['text/event-stream']);
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PostMessageBody' });
    expect(doc.paths['/api/studio/documents'].post['x-demiton-role']).toBe('editor');
    expect(doc.paths['/api/mcp'].post).toBeDefined();
    for (const name of [
      'Citation',
      'Suggestion',
      'StudioDeltaEvent',
      'StudioDoneEvent',
      'StudioErrorEvent',
      'ConversationDetail',
      'DocumentView',
    ])
      expect(doc.components.schemas[name]).toBeDefined();
  });

  it('lets a viewer chat and read but not upload; conversations stay private to their caller', async () => {
    const key = await api(host.url, 'POST', '/api/hq/api-keys', { name: 'viewer key', role: 'viewer' });
    expect(key.status).toBe(201);
    const asViewer = { 'x-api-key': key.body.key };
    const mine = await api(host.url, 'POST', '/api/studio/conversations', {}, asViewer);
    expect(mine.status).toBe(201);
    const a = await ask(host.url, mine.body.id, 'What is the refund policy?', {}, asViewer);
    expect(a.status).toBe(200);
    expect(a.of('done')).toHaveLength(1);
    expect((await api(host.url, 'GET', '/api/studio/documents/search?q=refund', undefined, asViewer)).status).toBe(200);

    const up = await fetch(`${host.url}/api/studio/documents?name=x.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...asViewer },
      body: 'viewer upload',
    });
    expect(up.status).toBe(403);
    expect(((await up.json()) as { code: string }).code).toBe('forbidden');

    // The development admin's conversations are not the viewer key's, and the other way round.
    const admins = (await api(host.url, 'GET', '/api/studio/conversations')).body.items.map((c: { id: string }) => c.id);
    expect(admins).not.toContain(mine.body.id);
    expect((await api(host.url, 'GET', `/api/studio/conversations/${admins[0]}`, undefined, asViewer)).status).toBe(404);
    expect(
      (await api(host.url, 'GET', '/api/studio/conversations', undefined, asViewer)).body.items.map((c: { id: string }) => c.id),
    ).toEqual([mine.body.id]);
  });

  it('returns 404 for a conversation that does not exist', async () => {
    const r = await ask(host.url, '7d5c8a43-1f7e-4a8e-9c42-5d2c1c3b0a11', 'hello');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('conversation_not_found');
  });
});
