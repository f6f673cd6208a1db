/**
 * PostgreSQL sign-in with Microsoft Entra tokens of the managed identity (DATABASE_AUTH=entra),
 * against a real server and a real token protocol: @azure/identity's ManagedIdentityCredential
 * fetches tokens from a loopback endpoint speaking the App Service managed identity protocol
 * (IDENTITY_ENDPOINT / IDENTITY_HEADER), and a throwaway PostgreSQL checks them as the password
 * of the identity's role, as Azure does. Each test uses its own client id, so neither our token
 * cache nor MSAL's carries a token from one test into the next.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { AccessTokenUnavailableError, DependencyCredentialRejectedError } from '../../../shared/domain/errors';
import { toProblem } from '../../../shared/http/problem';
import { POSTGRES_TOKEN_SCOPE, createAccessTokenSource } from '../../../shared/managed-identity/access-token-source';
import { platformCredential } from '../../../shared/managed-identity/credential';
import { createPlatform, describeBackends, type Platform } from '../../../shared/platform';
import { waitFor } from '../../helpers/test-platform';
import { startPasswordPostgres, startTokenEndpoint, type PasswordPostgres, type TokenEndpoint } from './managed-identity-kit';

const RESOURCE = POSTGRES_TOKEN_SCOPE.replace(/\/\.default$/, '');
const ROLE = 'id-demiton-test';
const clientId = (n: number) => `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`;

/** Waits until `t` is inside the 5-minute refresh margin (MSAL counts whole seconds, rounded: 1.5 s of slack). */
const untilInsideMargin = (t: { expiresOn: number }) => waitFor(async () => Date.now() > (t.expiresOn - 300 + 1.5) * 1000, 10_000);

let endpoint: TokenEndpoint;
let restoreEnv: () => void;
let server: PasswordPostgres;
const platforms: Platform[] = [];

const setRolePassword = (token: string) => server.admin.query(`ALTER ROLE "${ROLE}" PASSWORD '${token}'`);
const requestsOf = (id: string) => endpoint.requests.filter((r) => r.resource === RESOURCE && r.clientId === id);
const rolePids = async () =>
  (await server.admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE usename = $1', [ROLE])).rows.map((r) => r.pid);
const terminateRoleConnections = async () => {
  await server.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [ROLE]);
  await waitFor(async () => (await rolePids()).length === 0);
};

async function start(id: number, extra: Record<string, string> = {}): Promise<Platform> {
  const config = loadConfig({
    DATABASE_URL: `postgres://127.0.0.1:${server.port}/demiton`,
    DATABASE_AUTH: 'entra',
    DATABASE_ENTRA_USER: ROLE,
    AZURE_CLIENT_ID: clientId(id),
    DATABASE_POOL_MAX: '4',
    DATABASE_SCHEMA: `entra_${id}`,
    DEMITON_DATA_DIR: `/tmp/demiton-entra-pg-${process.pid}`,
    LOG_LEVEL: 'silent',
    ...extra,
  });
  const p = await createPlatform(config);
  platforms.push(p);
  return p;
}

/** A query on the pool, retried past pooled connections that died with their server process. */
async function queryAfterTermination<R extends pg.QueryResultRow>(p: Platform, text: string): Promise<R> {
  return waitFor(async () => {
    try {
      return (await p.db.query<R>(text)).rows[0]!;
    } catch (err) {
      if ((err as { code?: string }).code === 'database_unavailable') return null;
      throw err;
    }
  });
}

beforeAll(async () => {
  endpoint = await startTokenEndpoint();
  restoreEnv = endpoint.install();
  server = await startPasswordPostgres();
  await server.admin.query(`CREATE ROLE "${ROLE}" LOGIN`);
  await server.admin.query(`CREATE DATABASE demiton OWNER "${ROLE}"`);
});

afterAll(async () => {
  for (const p of platforms) await p.close().catch(() => undefined);
  restoreEnv?.();
  await server?.destroy();
  await endpoint?.close();
});

describe('PostgreSQL with DATABASE_AUTH=entra', () => {
  it('signs in as the identity’s role with its token, over the App Service protocol, and asks once per token', async () => {
    const t = endpoint.rotate(RESOURCE, 3600);
    await setRolePassword(t.token);
    const p = await start(1); // applies every migration as the role
    expect(describeBackends(p)).toMatch(/Entra sign-in as id-demiton-test/);
    const rows = await Promise.all(
      [1, 2, 3, 4].map(() =>
        p.db.query<{ who: string; pid: number }>('SELECT current_user AS who, pg_backend_pid() AS pid, pg_sleep(0.2)'),
      ),
    );
    expect(new Set(rows.map((r) => r.rows[0]!.who))).toEqual(new Set([ROLE]));
    expect(new Set(rows.map((r) => r.rows[0]!.pid)).size).toBeGreaterThan(1); // several connections signed in
    const { rows: tables } = await p.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'entra_1'",
    );
    expect(tables[0]!.n).toBeGreaterThan(5);
    // The credential asked the endpoint the way App Service expects, for the user-assigned identity, once.
    const asked = requestsOf(clientId(1));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toEqual({ resource: RESOURCE, clientId: clientId(1), apiVersion: '2019-08-01', headerOk: true });
  });

  it('a connection opened after the token nears expiry signs in with the rotated token', async () => {
    // Lives 301 s: inside the 5-minute refresh margin after 1 s.
    const first = endpoint.rotate(RESOURCE, 301);
    await setRolePassword(first.token);
    const p = await start(2);
    const before = await rolePids();
    expect(before.length).toBeGreaterThan(0);

    // Rotation: the role accepts only the new token from now on.
    const second = endpoint.rotate(RESOURCE, 3600);
    await setRolePassword(second.token);
    await untilInsideMargin(first);
    await terminateRoleConnections();

    const row = await queryAfterTermination<{ who: string; pid: number }>(p, 'SELECT current_user AS who, pg_backend_pid() AS pid');
    expect(row.who).toBe(ROLE);
    expect(before).not.toContain(row.pid);
    expect(requestsOf(clientId(2)).length).toBeGreaterThanOrEqual(2);
    // The old token no longer signs in, so the new connection used the new one.
    const stale = new pg.Client({ host: server.host, port: server.port, user: ROLE, password: first.token, database: 'demiton' });
    await expect(stale.connect()).rejects.toMatchObject({ code: '28P01' });
    await stale.end().catch(() => undefined);
  });

  it('endpoint failing with an expired token: new connections fail with database_token_unavailable, committed data survives, recovery is automatic', async () => {
    const shortLived = endpoint.rotate(RESOURCE, 2);
    await setRolePassword(shortLived.token);
    const p = await start(3);
    await p.db.query('CREATE TABLE entra_probe (id int PRIMARY KEY)');
    await p.db.tx(async (q) => {
      await q.query('INSERT INTO entra_probe VALUES (1), (2)');
    });

    endpoint.mode = 'error';
    await waitFor(async () => Date.now() > (shortLived.expiresOn + 1.5) * 1000, 10_000);
    await terminateRoleConnections();
    const err = await waitFor(async () => {
      try {
        await p.db.query('SELECT 1');
        return new Error('query succeeded without a token');
      } catch (e) {
        return (e as { code?: string }).code === 'database_unavailable' ? null : (e as Error);
      }
    });
    expect(err).toBeInstanceOf(AccessTokenUnavailableError);
    expect(err).toMatchObject({ code: 'database_token_unavailable', retryable: true, scope: POSTGRES_TOKEN_SCOPE });
    expect(err.message).toMatch(/Microsoft Entra access token for the database/);
    const problem = toProblem(err);
    expect(problem.status).toBe(503);
    expect(problem.body.code).toBe('database_token_unavailable');
    expect(problem.headers['Retry-After']).toBeDefined();
    // A transaction fails the same way, before anything is written.
    await expect(p.db.tx(async (q) => q.query('INSERT INTO entra_probe VALUES (3)'))).rejects.toMatchObject({
      code: 'database_token_unavailable',
    });

    // The endpoint comes back with a new token: the next connection signs in, nothing was lost.
    const fresh = endpoint.rotate(RESOURCE, 3600);
    await setRolePassword(fresh.token);
    endpoint.mode = 'ok';
    const { rows } = await p.db.query<{ id: number }>('SELECT id FROM entra_probe ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('a blip of the endpoint while the token in hand is still valid does not stop new connections', async () => {
    const t = endpoint.rotate(RESOURCE, 302); // inside the margin after 2 s, valid for 302
    await setRolePassword(t.token);
    const p = await start(4);
    endpoint.mode = 'hang-up';
    await untilInsideMargin(t);
    const asked = requestsOf(clientId(4)).length;
    await terminateRoleConnections();
    const row = await queryAfterTermination<{ who: string }>(p, 'SELECT current_user AS who');
    expect(row.who).toBe(ROLE);
    expect(requestsOf(clientId(4)).length).toBeGreaterThan(asked); // it did try to renew
    endpoint.mode = 'ok';
  });

  it('the token source reports an endpoint answering 500, or hanging up, as a typed error', async () => {
    for (const [n, mode] of [
      [5, 'error'],
      [6, 'hang-up'],
    ] as const) {
      endpoint.mode = mode;
      const tokens = createAccessTokenSource({
        credential: platformCredential(clientId(n)),
        scope: POSTGRES_TOKEN_SCOPE,
        dependency: 'database',
      });
      const e = await tokens.get().then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, mode).toBeInstanceOf(AccessTokenUnavailableError);
      expect(e, mode).toMatchObject({ code: 'database_token_unavailable' });
      expect(requestsOf(clientId(n)).length, mode).toBeGreaterThan(0);
    }
    endpoint.mode = 'ok';
  });

  it('a token PostgreSQL does not accept is database_credential_rejected', async () => {
    endpoint.rotate(RESOURCE, 3600); // issued, but never made the role's password
    await expect(start(7)).rejects.toBeInstanceOf(DependencyCredentialRejectedError);
    await expect(start(8)).rejects.toMatchObject({
      code: 'database_credential_rejected',
      message: expect.stringMatching(/password authentication failed for user "id-demiton-test"/),
    });
  });
});
