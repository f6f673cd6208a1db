/**
 * Tools for the fault-injection tests: worker processes of the compiled build (with the probe
 * effect preloaded), a loopback server that counts effect deliveries per idempotency key, the
 * recovery sweep on a short loop, and throwaway PostgreSQL and Redis servers of our own on spare
 * loopback ports (the machine's shared servers are never stopped: other tests use them).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { platformAdapter } from '../../../shared/adapters/platform/platform-adapter';
import { recoverRuns } from '../../../shared/engine/recovery-sweep';
import type { Platform } from '../../../shared/platform';
import { afterAll, beforeAll, expect } from 'vitest';
import { cleanEnv, requireBuild, ROOT, type Proc } from '../../helpers/processes';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { probeEffect } = require('./fixtures/probe-effect.cjs') as { probeEffect: (zod: typeof z, url: string) => never };

/**
 * What every crash test file stands on: a probe server, a test platform whose leases run out in
 * 2 s (so a killed worker's runs are taken over quickly), a control plane on it, and the worker
 * processes the file starts, all killed and closed after the file.
 */
export interface CrashStack {
  readonly platform: TestPlatform;
  readonly host: { url: string; close(): Promise<void> };
  readonly probe: ProbeServer;
  /** Processes to kill after the file (workers started with `worker`, and any the file adds). */
  readonly procs: Proc[];
  /** Starts a worker process of the compiled build against this platform and the probe. */
  worker(extra?: Record<string, string>): Proc;
  /** Saves a workflow through the API and returns its id. */
  createWorkflow(def: Record<string, unknown>): Promise<string>;
}

/**
 * Builds the crash stack in the file's beforeAll and tears it down in its afterAll; the fields are
 * there once beforeAll has run. `beforePlatform` runs first (e.g. to add an operation the control
 * plane must know when it checks definitions).
 */
export function crashStack(opts: { beforePlatform?: () => void } = {}): CrashStack {
  const procs: Proc[] = [];
  const state: { platform?: TestPlatform; host?: { url: string; close(): Promise<void> }; probe?: ProbeServer } = {};
  const need = <T>(v: T | undefined, name: string): T => {
    if (v === undefined) throw new Error(`the crash stack's ${name} is used before beforeAll ran`);
    return v;
  };
  const stack: CrashStack = {
    get platform() {
      return need(state.platform, 'platform');
    },
    get host() {
      return need(state.host, 'host');
    },
    get probe() {
      return need(state.probe, 'probe');
    },
    procs,
    worker(extra = {}) {
      const p = startWorkerProcess(stack.platform.env, stack.probe.url, extra);
      procs.push(p);
      return p;
    },
    async createWorkflow(def) {
      const r = await api(stack.host.url, 'POST', '/api/workflows', def);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    },
  };
  beforeAll(async () => {
    state.probe = await startProbeServer();
    opts.beforePlatform?.();
    state.platform = await createTestPlatform({ env: { WORKER_LEASE_MS: '2000' } });
    state.host = await startTestHost(state.platform);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await state.host?.close();
    await state.probe?.close();
    await state.platform?.close();
  });
  return stack;
}

/** Counts effect deliveries per idempotency key. */
export interface ProbeServer {
  url: string;
  deliveries: Map<string, number>;
  labels: Map<string, string>;
  close(): Promise<void>;
}

/** Starts the probe server and registers `probeEffect` in this process too (the control plane checks definitions with it). */
export async function startProbeServer(): Promise<ProbeServer> {
  const deliveries = new Map<string, number>();
  const labels = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
      try {
        labels.set(key, (JSON.parse(body) as { label: string }).label);
      } catch {
        /* counted anyway */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/effect`;
  (platformAdapter.operations as Record<string, unknown>)['probeEffect'] = probeEffect(z, url);
  return {
    url,
    deliveries,
    labels,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** Starts `dist/functions/worker-main.js` with the probe preloaded, on the given platform environment. */
export function startWorkerProcess(env: Record<string, string>, probeUrl: string, extra: Record<string, string> = {}): Proc {
  const file = requireBuild('functions/worker-main.js');
  const child = spawn(process.execPath, ['-r', join(__dirname, 'fixtures', 'probe-preload.cjs'), file], {
    env: cleanEnv({
      ...env,
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '16',
      WORKER_LEASE_MS: '2000',
      PROBE_URL: probeUrl,
      PROBE_DIST: join(ROOT, 'dist'),
      ...extra,
    }),
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async waitFor(re, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker: no ${re} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the recovery sweep every `everyMs` (as the timer does, only faster); errors are expected during outages. */
export function sweepLoop(p: Platform, everyMs = 300): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await recoverRuns(p, { pendingOlderThanMs: 1_000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

function pgBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const version = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', name)))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error(`no ${name} under ${base}/*/bin`);
  return join(base, version, 'bin', name);
}

const asPostgres = (cmd: string, args: string[]) => {
  // initdb and postgres refuse to run as root; the system user `postgres` owns the cluster then.
  const argv = process.getuid?.() === 0 ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const);
  return execFileSync(argv[0], [...argv[1]], { stdio: 'pipe', timeout: 60_000 }).toString();
};

/** A throwaway PostgreSQL server (initdb in a temp dir, pg_ctl on a spare loopback port). */
export interface OwnPostgres {
  url: string;
  port: number;
  /** The directory of its Unix socket (the superuser signs in there without a password). */
  socketDir: string;
  stop(): void;
  start(): void;
  restart(): void;
  destroy(): void;
}

/**
 * `hostAuth: 'password'`: every TCP sign-in needs the role's password, while the superuser still
 * comes in over the Unix socket (`socketDir`); by default TCP trusts everyone.
 */
export async function startOwnPostgres(opts: { hostAuth?: 'trust' | 'password'; maxConnections?: number } = {}): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'demiton-pg-'));
  if (process.getuid?.() === 0)
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
      Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
    );
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres(pgBin('initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    `--auth-host=${opts.hostAuth ?? 'trust'}`,
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=${opts.maxConnections ?? 100}`;
  const ctl = (...args: string[]) => asPostgres(pgBin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), ...args]);
  const start = () => void ctl('start', '-w', '-t', '30', '-o', settings);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    socketDir: dir,
    start,
    stop: () => void ctl('stop', '-w', '-m', 'fast'),
    restart: () => void ctl('restart', '-w', '-t', '30', '-m', 'fast', '-o', settings),
    destroy() {
      try {
        ctl('stop', '-w', '-m', 'immediate');
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway redis-server on a spare loopback port, without persistence (a restart loses everything). */
export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let proc: ReturnType<typeof spawn> | null = null;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('own redis-server did not start');
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((ok) => p.once('exit', ok));
    p.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, destroy: stop };
}
