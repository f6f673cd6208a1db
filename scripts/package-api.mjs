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

const mb = (n) => (n / 1024 / 1024).toFixed(1);
const deps = sizeOf(join(out, 'node_modules'));
const total = sizeOf(out);
console.log(
  `api package: ${out}\n  unpacked ${mb(total)} MB (dist ${mb(sizeOf(join(out, 'dist')))} MB, production node_modules ${mb(deps)} MB)`,
);
// The deployed zip is about a quarter of this (docs/deploy.md); 300 MB unpacked means a
// development dependency slipped into `dependencies`.
if (total > 300 * 1024 * 1024) {
  console.error('api package is over 300 MB unpacked: look for a dependency that belongs in devDependencies');
  process.exit(1);
}
