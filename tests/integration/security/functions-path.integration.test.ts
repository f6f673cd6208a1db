/**
 * Attacks on the path the Azure Functions registrations serve (`toHandler` with the real
 * `@azure/functions` HttpRequest over a streamed native Request, as the host builds it with HTTP
 * streaming on), and on the entry points' development mode:
 * - a body far over the limit, with no or a lying Content-Length, is refused after reading about
 *   the limit, not after buffering it all (JSON routes and document uploads);
 * - a PDF with too many pages, or too slow to read, is refused;
 * - development mode answers loopback names only in every Functions handler, is off unless asked
 *   for (no identity provider is no longer development mode), and is refused in Azure by every
 *   entry point (the Functions registrations' platform, the local host process).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { extractText } from '../../../shared/ai/documents/extract-text';
import { toHandler } from '../../../functions/http-kit';
import { routes } from '../../../functions/routes';
import { createTestPlatform, type TestPlatform } from '../../helpers/test-platform';
import { cleanEnv, requireBuild, ROOT, startNode } from '../../helpers/processes';

vi.setConfig({ testTimeout: 120_000 });

const MAX_BODY = 16_384;
const MAX_DOCUMENT = 65_536;
let platform: TestPlatform;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { MAX_BODY_BYTES: String(MAX_BODY), DOCUMENT_MAX_BYTES: String(MAX_DOCUMENT) } });
});

afterAll(async () => {
  await platform?.close();
});

const route = (name: string) => routes.find((r) => r.name === name)!;
const invocation = () => new InvocationContext({ invocationId: 'test', functionName: 'test' });

/** A streamed body of `total` bytes in 4 KiB chunks, counting what the server pulled. */
function countedStream(total: number, fill = 0x5b) {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(4096).fill(fill);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

/** The request as the Functions host builds it with HTTP streaming on: a native Request over a stream. */
function streamedRequest(
  url: string,
  stream: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
  query: Record<string, string> = {},
): HttpRequest {
  const nativeRequest = new Request(url, { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit);
  return new HttpRequest({ nativeRequest, query, params: {} } as unknown as ConstructorParameters<typeof HttpRequest>[0]);
}

async function call(name: string, request: HttpRequest, p: TestPlatform = platform): Promise<{ status: number; body: any }> {
  const res: HttpResponseInit = await toHandler(route(name), async () => p)(request, invocation());
  const text = typeof res.body === 'string' ? res.body : res.jsonBody !== undefined ? JSON.stringify(res.jsonBody) : '';
  return { status: res.status ?? 200, body: text ? JSON.parse(text) : undefined };
}

describe('bodies are limited while reading (Functions path)', () => {
  it('a 32 MB chunked JSON body is refused after about the limit is read', async () => {
    const { stream, counter } = countedStream(32 * 1024 * 1024);
    const r = await call(
      'createWorkflow',
      streamedRequest('http://localhost:7071/api/workflows', stream, { 'content-type': 'application/json' }),
    );
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('body_too_large');
    expect(counter.pulled).toBeLessThanOrEqual(MAX_BODY + 3 * 4096);
  });

  it('a document upload whose Content-Length lies is limited by the bytes read', async () => {
    const { stream, counter } = countedStream(8 * 1024 * 1024, 0x61);
    const r = await call(
      'uploadStudioDocument',
      streamedRequest(
        'http://localhost:7071/api/studio/documents?name=a.txt',
        stream,
        { 'content-type': 'text/plain', 'content-length': '10' },
        { name: 'a.txt' },
      ),
    );
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('document_too_large');
    expect(counter.pulled).toBeLessThanOrEqual(MAX_DOCUMENT + 3 * 4096);
  });
});

describe('PDF parsing is bounded', () => {
  async function pdf(pages: number): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    for (let i = 0; i < pages; i++) doc.addPage([200, 200]).drawText(`page ${i + 1}`);
    return doc.save();
  }

  it('a PDF of more pages than the limit is refused on upload (422), without reading them', async () => {
    const bytes = await pdf(501);
    const { stream } = (() => {
      let sent = false;
      return {
        stream: new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent) return c.close();
            sent = true;
            c.enqueue(bytes);
          },
        }),
      };
    })();
    const big = await createTestPlatform({ env: { DOCUMENT_MAX_BYTES: String(10 * 1024 * 1024) } });
    try {
      const r = await call(
        'uploadStudioDocument',
        streamedRequest(
          'http://localhost:7071/api/studio/documents?name=many.pdf',
          stream,
          { 'content-type': 'application/pdf' },
          { name: 'many.pdf' },
        ),
        big,
      );
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('document_unreadable');
      expect(r.body.detail).toMatch(/501 pages; at most 500/);
    } finally {
      await big.close();
    }
  });

  it('a PDF that takes longer than the time limit to read is refused', async () => {
    const bytes = await pdf(200);
    await expect(extractText(bytes, 'pdf', 'slow.pdf', { maxPages: 500, timeMs: 5 })).rejects.toMatchObject({
      code: 'document_unreadable',
      message: expect.stringMatching(/took longer than/),
    });
    expect(await extractText(await pdf(2), 'pdf', 'ok.pdf')).toContain('page 2');
  });
});

describe('development mode in the Functions handlers and the entry points', () => {
  const get = (url: string) => new HttpRequest({ method: 'GET', url });

  it('answers a DNS-rebound Host with 421, a loopback one as before', async () => {
    const r = await call('listWorkflows', get('http://attacker.example:7071/api/workflows'));
    expect(r.status).toBe(421);
    expect(r.body.code).toBe('host_not_loopback');
    expect((await call('listWorkflows', get('http://localhost:7071/api/workflows'))).status).toBe(200);
  });

  it('is not on without DEMITON_DEV_MODE=on: no identity provider means API keys only', async () => {
    const off = await createTestPlatform({ env: { DEMITON_DEV_MODE: 'off' } });
    try {
      expect(off.config.devMode).toBe(false);
      const r = await call('listWorkflows', get('http://localhost:7071/api/workflows'), off);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('unauthenticated');
      expect(r.body.detail).toMatch(/only API keys/);
    } finally {
      await off.close();
    }
  });

  it('is refused in Azure by the Functions registrations: the handler never acts as the built-in owner', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, platform.env, { DEMITON_DEV_MODE: 'on', WEBSITE_INSTANCE_ID: 'a1b2c3' });
    vi.resetModules();
    try {
      const kit = await import('../../../functions/http-kit.js');
      const table = await import('../../../functions/routes.js');
      const handler = kit.toHandler(table.routes.find((r: { name: string }) => r.name === 'listWorkflows')!);
      const res = await handler(get('http://localhost:7071/api/workflows'), invocation());
      expect(res.status).toBe(500);
      expect(JSON.parse(String(res.body)).code).toBe('config_invalid');
    } finally {
      process.env = saved;
      vi.resetModules();
    }
  });

  it('is asked for by `npm start` (scripts/dev-mode.mjs) only when no identity provider is configured, and said so', async () => {
    const script = join(ROOT, 'scripts', 'dev-mode.mjs');
    const probe = ['-e', 'console.log(`mode=${process.env.DEMITON_DEV_MODE}`)'];
    const run = (env: NodeJS.ProcessEnv) => execFileSync(process.execPath, [script, ...probe], { env, encoding: 'utf8' });
    const none = run(cleanEnv({ DEMITON_DEV_MODE: '' }));
    expect(none).toContain(
      'No identity provider configured (ENTRA_TENANT_ID is unset): starting in development mode (DEMITON_DEV_MODE=on)',
    );
    expect(none).toContain('mode=on');
    const entra = run(cleanEnv({ DEMITON_DEV_MODE: '', ENTRA_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47' }));
    expect(entra).not.toContain('development mode');
    expect(entra).not.toContain('mode=on');
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start).toContain(
      'node scripts/dev-mode.mjs dist/functions/local-host/main.js',
    );
  });

  it('is refused in Azure, and without an identity provider, by the local host process', async () => {
    const main = requireBuild('functions/local-host/main.js');
    const azure = startNode(main, cleanEnv({ ...platform.env, PORT: '0', DEMITON_DEV_MODE: 'on', WEBSITE_INSTANCE_ID: 'a1b2c3' }));
    expect(await azure.exited).toBe(1);
    expect(azure.output()).toMatch(/DEMITON_DEV_MODE: is refused in Azure \(WEBSITE_INSTANCE_ID is set\)/);
    const neither = startNode(main, cleanEnv({ ...platform.env, PORT: '0', DEMITON_DEV_MODE: 'off' }));
    expect(await neither.exited).toBe(1);
    expect(neither.output()).toMatch(/no identity provider is configured/);
  });

  it('is refused in Azure by the worker process (npm run worker, the Container Apps worker)', async () => {
    const worker = startNode(
      requireBuild('functions/worker-main.js'),
      cleanEnv({ ...platform.env, DEMITON_DEV_MODE: 'on', CONTAINER_APP_NAME: 'ca-demiton-worker' }),
    );
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/DEMITON_DEV_MODE: is refused in Azure \(CONTAINER_APP_NAME is set\)/);
  });
});
