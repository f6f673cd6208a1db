/**
 * Fails the studio build when its main chunk passes its bound: the entry script that
 * studio/dist/index.html loads, gzip-compressed as a server would send it. The canvas (React
 * Flow, dagre) and other lazy chunks are not counted: they load only on the pages that use them.
 * Prints every script chunk's gzip size so the figure in docs/studio.md can be checked.
 *
 * Usage: node studio/scripts/check-bundle-size.mjs [distDir] (default studio/dist).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The main chunk's bound in bytes, gzip (issue #20: under 300 KB). */
export const MAIN_CHUNK_LIMIT = 300 * 1024;

/** Gzip sizes of the build's scripts, and which one index.html loads. */
export function measure(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = /<script[^>]+type="module"[^>]+src="\/?([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error(`No module script in ${join(dist, 'index.html')}`);
  const assets = join(dist, 'assets');
  const chunks = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: `assets/${f}`, gzip: gzipSync(readFileSync(join(assets, f)), { level: 9 }).length }))
    .sort((a, b) => b.gzip - a.gzip);
  const main = chunks.find((c) => c.file === entry);
  if (!main) throw new Error(`index.html loads ${entry}, which is not in ${assets}`);
  return { main, chunks };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
  const { main, chunks } = measure(dist);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const c of chunks.slice(0, 8)) console.log(`${c === main ? 'main' : 'lazy'}  ${kb(c.gzip).padStart(9)} gzip  ${c.file}`);
  if (main.gzip > MAIN_CHUNK_LIMIT) {
    console.error(`The studio's main chunk is ${kb(main.gzip)} gzip, over its bound of ${kb(MAIN_CHUNK_LIMIT)}: load the new code lazily.`);
    process.exit(1);
  }
  console.log(`Main chunk ${kb(main.gzip)} gzip, within ${kb(MAIN_CHUNK_LIMIT)}.`);
}
