/**
 * The built studio in Debian's Chromium (playwright-core) against the local host on real
 * PostgreSQL and Redis with an in-process worker: what the builder's e2e tests share. Each test
 * file starts one in `beforeAll` and closes it in `afterAll`; page errors are collected for the
 * file's `afterEach` to assert none. `UPDATE_SCREENSHOTS=1` makes `shotsDir` docs/screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { toHandler } from '../../functions/http-kit';
import { startLocalHost } from '../../functions/local-host/server';
import { routes } from '../../functions/routes';
import { Worker } from '../../shared/engine/worker';
import { createTestPlatform, type TestPlatform } from './test-platform';

declare const window: Record<string, unknown>;

const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const AXE_SOURCE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export interface StudioBrowser {
  platform: TestPlatform;
  host: { url: string; close(): Promise<void> };
  worker: Worker;
  context: BrowserContext;
  page: Page;
  /** Errors the page threw since the last look (the caller's afterEach empties and asserts it). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Where screenshots go: docs/screenshots with UPDATE_SCREENSHOTS=1, else a temporary folder. */
export function shotsDir(): string {
  const dir = process.env['UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'demiton-shots-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes a temporary screenshots folder (never docs/screenshots). */
export function removeShots(dir: string): void {
  if (!dir.startsWith(ROOT)) rmSync(dir, { recursive: true, force: true });
}

export async function startStudioBrowser(): Promise<StudioBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/ensure-services.sh installs Debian's chromium.`);
  const outDir = mkdtempSync(join(tmpdir(), 'demiton-studio-'));
  await build({
    configFile: join(ROOT, 'studio', 'vite.config.mts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  const platform = await createTestPlatform({});
  const host = await startLocalHost({
    routes,
    handlerFor: (r) => toHandler(r, async () => platform),
    port: 0,
    host: '127.0.0.1',
    maxBodyBytes: platform.config.http.maxBodyBytes,
    studioDir: outDir,
    logger: platform.logger,
  });
  const worker = new Worker(platform, { concurrency: 4, pollMs: 50 });
  worker.start();
  const profile = mkdtempSync(join(tmpdir(), 'demiton-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    platform,
    host,
    worker,
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await host.close();
      await worker.stop();
      await platform.close();
      for (const d of [outDir, profile]) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The serious and critical violations axe finds on the page, one line each. */
export async function axe(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ content: readFileSync(AXE_SOURCE, 'utf8') });
  const result = await p.evaluate(async () =>
    (
      window as unknown as {
        axe: { run(o: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> };
      }
    ).axe.run({ resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
