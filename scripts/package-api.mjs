// Stages the Function App package: compiled code (dist/), host.json, package.json and the lock
// file, and the production dependencies only (`npm ci --omit=dev`), in one folder that is zipped
// and deployed as is (no remote build). `azd` runs it as the api service's build
// (deploy/api/package.json); the GitHub workflow runs it before zipping. Prints the size, which
// docs/deploy.md records (target < 150 MB).
//
// Usage: node scripts/package-api.mjs [--out <dir>] [--no-build]
import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = resolve(outArg >= 0 ? args[outArg + 1] : join(root, 'deploy', 'api', 'out'));
const run = (cmd, cwd) => execSync(cmd, { cwd, stdio: 'inherit' });

/** Bytes under a directory (files only, symlinks not followed). */
function sizeOf(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += sizeOf(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

if (!args.includes('--no-build')) run('npm run build:server', root);
if (!existsSync(join(root, 'dist', 'functions', 'index.js')))
  throw new Error('dist/functions/index.js is missing: run npm run build:server');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(join(root, 'dist'), join(out, 'dist'), { recursive: true });
cpSync(join(root, 'host.json'), join(out, 'host.json'));
cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
// The same manifest without scripts (nothing runs at install); devDependencies stay listed so the
// lock file matches, and --omit=dev leaves them out.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
delete pkg.scripts;
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
run('npm ci --omit=dev --ignore-scripts --no-audit --no-fund', out);
// Source maps, type declarations and documentation of dependencies are never read at run time:
// about a third of the installed bytes (measured in docs/deploy.md).
const unused = /\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/;
function prune(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) prune(p);
    else if (e.isFile() && unused.test(e.name)) rmSync(p);
  }
}
prune(join(out, 'node_modules'));
// Whole parts of dependencies the deployed app never loads (sizes in docs/deploy.md):
// - pdfjs-dist: shared/ai/documents/extract-text.ts loads legacy/build/pdf.mjs, which loads its
//   worker (legacy/build/pdf.worker.mjs) in the same thread; the modern build, the viewer, the
//   image decoders, the minified copies and the scripting sandbox are for browsers.
// - @electric-sql/*: the embedded PostgreSQL of a start with no DATABASE_URL, for
//   development; a deployment always has DATABASE_URL (the Bicep sets it), and one without it now
//   stops with a message saying so (shared/db/embedded-postgres.ts) instead of keeping its data
//   on an instance's disk.
const UNUSED_IN_DEPLOYMENT = [
  'pdfjs-dist/build',
  'pdfjs-dist/web',
  'pdfjs-dist/image_decoders',
  'pdfjs-dist/types',
  'pdfjs-dist/legacy/web',
  'pdfjs-dist/legacy/image_decoders',
  'pdfjs-dist/legacy/build/pdf.min.mjs',
  'pdfjs-dist/legacy/build/pdf.worker.min.mjs',
  'pdfjs-dist/legacy/build/pdf.sandbox.mjs',
  'pdfjs-dist/legacy/build/pdf.sandbox.min.mjs',
  // PGlite, its socket server and its extension packages.
  '@electric-sql',
];
for (const rel of UNUSED_IN_DEPLOYMENT) rmSync(join(out, 'node_modules', rel), { recursive: true, force: true });

const mb = (n) => (n / 1024 / 1024).toFixed(1);
const deps = sizeOf(join(out, 'node_modules'));
const total = sizeOf(out);
console.log(
  `api package: ${out}\n  unpacked ${mb(total)} MB (dist ${mb(sizeOf(join(out, 'dist')))} MB, production node_modules ${mb(deps)} MB)`,
);
// The target of issue #21 (docs/deploy.md); more means a development dependency slipped into
// `dependencies`, or a new dependency to look at.
const LIMIT_MB = 150;
if (total > LIMIT_MB * 1024 * 1024) {
  console.error(`api package is ${mb(total)} MB unpacked, over ${LIMIT_MB} MB: look for a dependency that belongs in devDependencies`);
  process.exit(1);
}
