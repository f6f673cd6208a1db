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
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';
import { freePort, startOwnPostgres } from '../reliability/fault-kit';

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
        for (const [k, v] of [
          ['IDENTITY_ENDPOINT', before.e],
          ['IDENTITY_HEADER', before.h],
        ] as const) {
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
    requests.push({
      resource,
      clientId: u.searchParams.get('client_id') ?? undefined,
      apiVersion: u.searchParams.get('api-version') ?? undefined,
      headerOk,
    });
    if (endpoint.mode === 'hang-up') return void req.socket.destroy();
    if (endpoint.mode === 'error') {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'unknown_error', error_description: 'identity endpoint failed (test)' }));
      return;
    }
    if (!headerOk) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_request', error_description: 'X-IDENTITY-HEADER missing or wrong' }));
      return;
    }
    const t = endpoint.current(resource);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        access_token: t.token,
        expires_on: String(t.expiresOn),
        resource,
        token_type: 'Bearer',
        client_id: u.searchParams.get('client_id') ?? '',
      }),
    );
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

/** A throwaway PostgreSQL: TCP on 127.0.0.1 signs in with a password; `admin` is the superuser over the Unix socket. */
export interface PasswordPostgres {
  host: string;
  port: number;
  admin: pg.Client;
  destroy(): Promise<void>;
}

export async function startPasswordPostgres(): Promise<PasswordPostgres> {
  // Every TCP sign-in needs the role's password (the token); the superuser comes in over the socket.
  const own = await startOwnPostgres({ hostAuth: 'password', maxConnections: 60 });
  const admin = new pg.Client({ host: own.socketDir, port: own.port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  return {
    host: '127.0.0.1',
    port: own.port,
    admin,
    async destroy() {
      await admin.end().catch(() => undefined);
      own.destroy();
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
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
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
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-p', String(port), ...args], { stdio: 'pipe' })
      .toString()
      .trim();
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
