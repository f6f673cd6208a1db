/**
 * The studio on the fully embedded start (`npm start` with nothing configured): PGlite for the
 * documents, chunks, vector search and conversations, the in-process streaming gate, files under
 * the data directory, no model. Proves the local vector index needs no extension.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { createPlatform, type Platform } from '../../../shared/platform';
import { api, startTestHost } from '../../helpers/test-platform';
import { ask } from './sse-client';

const dataDir = mkdtempSync(join(tmpdir(), 'demiton-ai-embedded-'));
let platform: Platform;
let host: { url: string; close(): Promise<void> };

// A fresh PGlite runs initdb in WASM first: ~30 s on this 2-core machine under load.
beforeAll(async () => {
  platform = await createPlatform(
    loadConfig({ DEMITON_DEV_MODE: 'on', DEMITON_DATA_DIR: dataDir, LOG_LEVEL: 'silent', STUDIO_STREAMS_PER_USER: '1' }),
  );
  host = await startTestHost(platform);
}, 180_000);
afterAll(async () => {
  await host?.close();
  await platform?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('studio on embedded PostgreSQL (PGlite)', () => {
  it('ingests, searches and answers with cited passages', async () => {
    expect(platform.db.backend).toBe('pglite');
    const up = await fetch(`${host.url}/api/studio/documents?name=${encodeURIComponent('onboarding.html')}`, {
      method: 'POST',
      headers: { 'content-type': 'text/html' },
      body: '<h1>Onboarding</h1><p>New starters receive their laptop from the service desk on day one.</p>',
    });
    expect(up.status).toBe(201);
    const hits = await api(host.url, 'GET', '/api/studio/documents/search?q=laptop%20service%20desk');
    expect(hits.body.items[0].content).toContain('service desk');
    const conv = await api(host.url, 'POST', '/api/studio/conversations', {});
    const a = await ask(host.url, conv.body.id, 'Where do new starters get their laptop?');
    expect(a.text).toContain('No language model is configured');
    expect(a.of('citation').some((c) => c.chunk && c.excerpt.includes('service desk'))).toBe(true);
    expect((await api(host.url, 'GET', `/api/studio/conversations/${conv.body.id}`)).body.messages).toHaveLength(2);
    expect(await platform.ai.gate.inUse('00000000-0000-4000-8000-000000000001', 'dev-admin')).toEqual({ user: 0, org: 0 });
  });
});
