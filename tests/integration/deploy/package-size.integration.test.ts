/**
 * The Function App package as deployed: `scripts/package-api.mjs` stages dist/ and the production
 * dependencies (`npm ci --omit=dev` from the npm registry, then the pruning), and this test
 * measures the folder itself (every file's bytes, as the script counts them) against the 150 MB
 * target of issue #21, then uses the staged folder as the deployment would: what the pruning
 * touched still works (PDF text through the pdfjs legacy build), the Functions entry loads, and a
 * start without DATABASE_URL says what is missing instead of failing on a missing module.
 * Needs `npm run build:server` first (npm test does it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBuild, ROOT } from '../../helpers/processes';

const LIMIT_BYTES = 150 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'demiton-package-'));
const out = join(dir, 'api');

// Tens of thousands of files: removing them takes over a minute on a busy machine.
afterAll(() => rm(dir, { recursive: true, force: true }), 600_000);

function sizeOf(d: string): number {
  let total = 0;
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) total += sizeOf(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Runs `code` with node in the staged folder (its own node_modules only) and returns stdout. */
function inPackage(code: string, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ['-e', code], {
    cwd: out,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    timeout: 120_000,
  }).toString();
}

describe('the staged Function App package', () => {
  it('is at most 150 MB unpacked, and the parts the pruning touched still work', async () => {
    requireBuild('functions/index.js');
    const log = execFileSync(process.execPath, [join(ROOT, 'scripts', 'package-api.mjs'), '--no-build', '--out', out], {
      cwd: ROOT,
      timeout: 1_200_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    const reported = Number(/unpacked ([\d.]+) MB/.exec(log)?.[1]);
    const measured = sizeOf(out);
    expect(Math.abs(reported - measured / 1024 / 1024)).toBeLessThan(0.1);
    expect(measured).toBeLessThanOrEqual(LIMIT_BYTES);
    // Production dependencies only: no development dependency was installed.
    expect(existsSync(join(out, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(out, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(out, 'node_modules', '@electric-sql'))).toBe(false);

    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([595, 842]).drawText('Packaged text extraction works', { x: 50, y: 780, size: 12, font });
    writeFileSync(join(dir, 'sample.pdf'), await doc.save());
    const text = inPackage(
      `require('./dist/shared/ai/documents/extract-text.js')
         .extractText(new Uint8Array(require('fs').readFileSync(${JSON.stringify(join(dir, 'sample.pdf'))})), 'pdf', 'sample.pdf')
         .then((t) => process.stdout.write('TEXT:' + t), (e) => { console.error(e); process.exit(1); });`,
    );
    expect(text).toContain('TEXT:Packaged text extraction works');

    expect(inPackage(`require('./dist/functions/index.js'); process.stdout.write('loaded');`)).toContain('loaded');

    const embedded = inPackage(
      `require('./dist/shared/db/embedded-postgres.js').startEmbeddedPostgres(${JSON.stringify(join(dir, 'data'))}, 'public')
         .then(() => process.stdout.write('started'), (e) => process.stdout.write('refused:' + e.message));`,
    );
    expect(embedded).toMatch(/^refused:DATABASE_URL is not set/);
  }, 1_500_000);
});
