/**
 * Real servers for the Entra sign-in tests, all on loopback:
 *
 * - a managed identity endpoint speaking the App Service protocol that @azure/identity's
 *   ManagedIdentityCredential (through MSAL's AppService source) uses on Functions: it reads
 *   IDENTITY_ENDPOINT and IDENTITY_HEADER, and GETs `?api-version=2019-08-01&resource=<scope
 *   without /.default>&client_id=<id>` with the secret in `X-IDENTITY-HEADER`; the answer is
 *   `{ access_token, expires_on (epoch seconds, a string), resource, token_type, client_id }`.
 *   The tokens are opaque strings whose expiry the test controls; the endpoint can fail on demand.
 * - a throwaway PostgreSQL whose TCP connections sign in with a password (pg_hba `password`:
 *   the token travels as a cleartext password, as it does to Azure, there inside TLS);
 * - a throwaway redis-server with ACL users only (the default user is off).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { freePort } from '../reliability/fault-kit';

export interface IssuedToken {
  token: string;
  /** Epoch seconds. */
  expiresOn: number;
}

export interface TokenRequest {
  resource: string;
  clientId: string | undefined;
  apiVersion: string | undefined;
  headerOk: boolean;
}

export interface TokenEndpoint {
  url: string;
  secret: string;
  requests: TokenRequest[];
  /** The token the endpoint issues now for `resource`, creating one that lives `lifetimeSeconds` if none. */
  current(resource: string): IssuedToken;
  /** Issues a new token for `resource` from now on, living `lifetimeSeconds`. */
  rotate(resource: string, lifetimeSeconds: number): IssuedToken;
  /** 'ok' answers; 'error' answers 500 like a broken endpoint; 'hang-up' destroys the socket. */
  mode: 'ok' | 'error' | 'hang-up';
  /** Sets IDENTITY_ENDPOINT and IDENTITY_HEADER for this process; the returned function restores them. */
  install(): () => void;
  close(): Promise<void>;
}

const newToken = (lifetimeSeconds: number): IssuedToken => ({
  // Opaque, token-sized (Entra tokens run to 1-2 KB), URL- and SQL-safe.
  token: `mi.${randomBytes(600).toString('base64url')}`,
  expiresOn: Math.floor(Date.now() / 1000) + lifetimeSeconds,
});

export async function startTokenEndpoint(defaultLifetimeSeconds = 3600): Promise<TokenEndpoint> {
  const secret = randomBytes(16).toString('hex');
  const tokens = new Map<string, IssuedToken>();
  const requests: TokenRequest[] = [];
  const endpoint: TokenEndpoint = {
    url: '',
    secret,
    requests,
    mode: 'ok',
    current(resource) {
      let t = tokens.get(resource);
      if (!t) tokens.set(resource, (t = newToken(defaultLifetimeSeconds)));
      return t;
    },
    rotate(resource, lifetimeSeconds) {
      const t = newToken(lifetimeSeconds);
      tokens.set(resource, t);
      return t;
    },
    install() {
      const before = { e: process.env['IDENTITY_ENDPOINT'], h: process.env['IDENTITY_HEADER'] };
      process.env['IDENTITY_ENDPOINT'] = endpoint.url;
      process.env['IDENTITY_HEADER'] = secret;
      return () => {
        for (const [k, v] of [['IDENTITY_ENDPOINT', before.e], ['IDENTITY_HEADER', before.h]] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      };
    },
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const resource = u.searchParams.get('resource') ?? '';
    const headerOk = req.headers['x-identity-header'] === secret;
    requests.push({ resource, clientId: u.searchParams.get('client_id') ?? undefined, apiVersion: u.searchParams.get('api-version') ?? undefined, headerOk });
    if (endpoint.mode === 'hang-up') return void req.socket.destroy();
    if (endpoint.mode === 'error') {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unknown_error', error_description: 'identity endpoint failed (test)' }));
      return;
    }
    if (!headerOk) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request', error_description: 'X-IDENTITY-HEADER missing or wrong' }));
      return;
    }
    const t = endpoint.current(resource);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: t.token, expires_on: String(t.expiresOn), resource, token_type: 'Bearer', client_id: u.searchParams.get('client_id') ?? '' }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  endpoint.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/msi/token`;
  endpoint.close = () =>
    new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
  return endpoint;
}

function pgBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const version = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', name))).sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error(`no ${name} under ${base}/*/bin`);
  return join(base, version, 'bin', name);
}

const asPostgres = (cmd: string, args: string[]) => {
  // initdb and postgres refuse to run as root; the system user `postgres` owns the cluster then.
  const argv = process.getuid?.() === 0 ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const);
  return execFileSync(argv[0], [...argv[1]], { stdio: 'pipe', timeout: 60_000 }).toString();
};

/** A throwaway PostgreSQL: TCP on 127.0.0.1 signs in with a password; `admin` is the superuser over the Unix socket. */
export interface PasswordPostgres {
  host: string;
  port: number;
  admin: pg.Client;
  destroy(): Promise<void>;
}

export async function startPasswordPostgres(): Promise<PasswordPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'demiton-pg-entra-'));
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const data = join(dir, 'data');
  const port = await freePort();
  // Every TCP sign-in needs the role's password (the token); the superuser comes in over the socket.
  asPostgres(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=password', '--no-sync', '-E', 'UTF8']);
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  const ctl = (...args: string[]) => asPostgres(pgBin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), ...args]);
  ctl('start', '-w', '-t', '30', '-o', opts);
  const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  return {
    host: '127.0.0.1',
    port,
    admin,
    async destroy() {
      await admin.end().catch(() => undefined);
      try {
        ctl('stop', '-w', '-m', 'immediate');
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway redis-server whose default user is off; `admin` signs in as an ACL admin. */
export interface AclRedis {
  port: number;
  url: string;
  admin: Redis;
  destroy(): Promise<void>;
}

export async function startAclRedis(): Promise<AclRedis> {
  const port = await freePort();
  const adminPassword = randomBytes(12).toString('hex');
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let ok = false;
  for (let i = 0; i < 200 && !ok; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
      ok = true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (!ok) throw new Error('redis-server did not start');
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { stdio: 'pipe' }).toString().trim();
  cli('ACL', 'SETUSER', 'admin', 'on', `>${adminPassword}`, '~*', '&*', '+@all');
  cli('ACL', 'SETUSER', 'default', 'off');
  const admin = new Redis({ port, host: '127.0.0.1', username: 'admin', password: adminPassword, lazyConnect: true });
  await admin.connect();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    admin,
    async destroy() {
      admin.disconnect();
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}
