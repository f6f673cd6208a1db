/**
 * A throwaway 3-primary Redis Cluster on loopback (redis-server with cluster-enabled), for the
 * queue tests that must hold on a cluster as on a single server. Each node listens on a free
 * port whose cluster-bus port (port + 10000) is free too; data and node files live in a temp
 * directory removed on stop. Start one per test file (`beforeAll`) and stop it in `afterAll`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';

export interface TestRedisCluster {
  /** A seed node's URL (REDIS_URL with REDIS_CLUSTER=on). */
  url: string;
  ports: number[];
  /** A cluster client for assertions on raw keys. */
  client(): Cluster;
  stop(): Promise<void>;
}

async function portFree(port: number): Promise<boolean> {
  const s = createServer();
  return new Promise((ok) => {
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

/** A free loopback port below 55536 whose +10000 bus port is free as well. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const s = createServer();
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((ok) => s.close(() => ok()));
    if (port < 55_536 && !taken.includes(port) && (await portFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

const cli = (port: number, ...args: string[]) =>
  execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if (check()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Redis Cluster: ${what} within ${ms} ms`);
}

/** Starts three primaries, assigns the 16384 slots, and waits until every node reports the cluster ok. */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'demiton-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await freeClusterPort(ports));
  const procs: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '5000',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    ),
  );
  const clients: Cluster[] = [];
  const stop = async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((ok) => {
            if (p.exitCode !== null || p.signalCode !== null) return ok();
            p.once('exit', () => ok());
            p.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await until(`node ${port} answers PING`, () => cli(port, 'ping').trim() === 'PONG');
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: 'ignore',
    });
    for (const port of ports)
      await until(`node ${port} reports cluster_state:ok`, () => /cluster_state:ok/.test(cli(port, 'cluster', 'info')));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${ports[0]}`,
    ports,
    client() {
      const c = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
      clients.push(c);
      return c;
    },
    stop,
  };
}
