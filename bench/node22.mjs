/**
 * The newest pg-boss and graphile-worker declare Node ≥ 22.12 and ≥ 22.18; the machine's Node is 20
 * (what `npm test` runs). Those two baselines run in a child process on the Node 22 of
 * tools/node22 (the `node` npm package, the same one `npm run test:node22` uses), installed there
 * from its own lock file on first use. When the bench itself already runs on Node ≥ 22.18, that
 * Node is used.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOOL = join(ROOT, 'tools', 'node22');
const MIN = [22, 18];

const atLeast = (version, [major, minor]) => {
  const [a, b] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
};

/** The path of a Node ≥ 22.18 binary, installing tools/node22 when needed; throws when none can be had. */
export function node22Binary({ log = () => undefined } = {}) {
  if (atLeast(process.version, MIN)) return process.execPath;
  const bin = join(TOOL, 'node_modules', '.bin', 'node');
  if (!existsSync(bin)) {
    log('installing Node 22 into tools/node22 (npm ci, once)');
    execFileSync('npm', ['ci', '--prefix', TOOL, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
  }
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (!atLeast(version, MIN)) throw new Error(`tools/node22 holds Node ${version}; the peer baselines need ≥ ${MIN.join('.')}`);
  return bin;
}

/** The version string of `bin`. */
export function nodeVersion(bin) {
  return bin === process.execPath ? process.version : execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
}

/**
 * Runs `bench/baselines/peer-child.mjs <peer> <json options>` on Node 22 and resolves to the JSON
 * it prints on its last stdout line; its stderr (progress) goes to `log` line by line.
 */
export function runPeerChild(peer, options, { log = () => undefined } = {}) {
  const bin = node22Binary({ log });
  const script = join(ROOT, 'bench', 'baselines', 'peer-child.mjs');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [script, peer, JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const lines = err.split('\n');
      err = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) log(`  ${peer}: ${l}`);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) {
        try {
          return resolvePromise(JSON.parse(last));
        } catch {
          /* reported below */
        }
      }
      reject(new Error(`${peer} baseline exited ${code}: ${(err || last).slice(-2_000)}`));
    });
  });
}
