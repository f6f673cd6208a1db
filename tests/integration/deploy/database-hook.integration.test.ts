/**
 * The azd `database` hook (scripts/azd-hooks.mjs, the api service's predeploy) against the real
 * PostgreSQL of this machine: on a fresh database it applies the package's migrations as the
 * administrator, creates the app identity's login and grants it `demiton_app`; run again it
 * changes nothing; the platform then starts as that login, which cannot touch the audit log or
 * the schema. Azure's `pgaadauth_create_principal` does not exist here, so role creation is
 * injected (a plain LOGIN role, as pgaadauth makes one) and the default creator is shown refusing
 * on a server without it, creating nothing. The hook also refuses to hand the app a login that is
 * the administrator, has administrative attributes or can act as the tables' owner. The command
 * itself (`node scripts/azd-hooks.mjs database`) runs on the compiled package (`npm run
 * build:server` first) with the Bicep outputs as azd passes them.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { createDb, type Db, type Queryable } from '../../../shared/db/db';
import { loadMigrations, migrate } from '../../../shared/db/migrate';
import { createPlatform, type Platform } from '../../../shared/platform';
import { requireBuild } from '../../helpers/processes';
import { randomId, TEST_DATABASE_URL } from '../../helpers/test-platform';
// @ts-expect-error: a plain .mjs script without type declarations
import { createEntraPrincipal, prepareDatabase, principalFromClaims } from '../../../scripts/azd-hooks.mjs';

interface Prepared {
  applied: number[];
  created: boolean;
  granted: boolean;
}
type Prepare = (opts: {
  db: Db;
  migrate: typeof migrate;
  appRole: string;
  createPrincipal?: (q: Queryable, name: string) => Promise<void>;
}) => Promise<Prepared>;
const prepare = prepareDatabase as Prepare;

const id = randomId();
const database = `demiton_hook_${id}`;
// Named like a user-assigned identity (`id-<env>`): a hyphen, so quoting matters.
const appRole = `id-hook-${id}`;
const roles = [appRole, `id-nopgaad-${id}`, `id-super-${id}`, `id-owner-${id}`, `id-cli-${id}`, `other-admin-${id}`];
const cliDatabase = `demiton_hook_cli_${id}`;
const dbUrl = (() => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
})();
let admin: Db;

async function asServerAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** What pgaadauth_create_principal(name, false, false) leaves: a login with no other rights. */
const createLogin = async (q: Queryable, name: string) => {
  const { rows } = await q.query<{ sql: string }>("SELECT format('CREATE ROLE %I LOGIN', $1::text) AS sql", [name]);
  await q.query(rows[0]!.sql);
};

/** The role's attributes and memberships, and the ledger: what a second run must leave alone. */
async function snapshot(): Promise<unknown> {
  const role = await admin.query(
    `SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolbypassrls,
            array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) AS memberof
       FROM pg_roles r WHERE r.rolname = $1::text`,
    [appRole],
  );
  const ledger = await admin.query('SELECT version, applied_at FROM demiton_migrations ORDER BY version');
  return { role: role.rows, ledger: ledger.rows };
}

const roleExists = async (name: string) => (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1::text', [name])).rowCount === 1;

beforeAll(async () => {
  await asServerAdmin(`CREATE DATABASE ${database}`);
  admin = createDb({ connectionString: dbUrl, schema: 'public', max: 2, backend: 'postgres' });
});

afterAll(async () => {
  await admin?.close();
  await asServerAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await asServerAdmin(`DROP DATABASE IF EXISTS ${cliDatabase} WITH (FORCE)`);
  for (const r of roles) await asServerAdmin(`DROP ROLE IF EXISTS "${r}"`);
});

describe('the azd database hook on a fresh database', () => {
  it('migrates as the administrator, creates the app login and grants it demiton_app', async () => {
    const r = await prepare({ db: admin, migrate, appRole, createPrincipal: createLogin });
    expect(r).toEqual({ applied: loadMigrations().map((m) => m.version), created: true, granted: true });
    const member = await admin.query("SELECT pg_has_role($1::text, 'demiton_app', 'MEMBER') AS m", [appRole]);
    expect(member.rows[0]).toEqual({ m: true });
  });

  it('run again, changes nothing: no migration, no new role, no new grant', async () => {
    const before = await snapshot();
    const r = await prepare({ db: admin, migrate, appRole, createPrincipal: createLogin });
    expect(r).toEqual({ applied: [], created: false, granted: false });
    expect(await snapshot()).toEqual(before);
  });

  it('the platform starts as the app login, works, and cannot touch the audit log or the schema', async () => {
    const u = new URL(dbUrl);
    u.username = appRole;
    let p: Platform | null = null;
    try {
      p = await createPlatform(loadConfig({ DATABASE_URL: u.toString(), LOG_LEVEL: 'silent', DEMITON_DEV_MODE: 'on' }));
      const { rows } = await p.db.query<{ who: string }>('SELECT current_user AS who');
      expect(rows[0]!.who).toBe(appRole);
      // Development mode wrote the built-in organisation: the app reads and writes.
      expect((await p.db.query('SELECT 1 FROM organisations')).rowCount).toBeGreaterThan(0);
      await expect(p.db.query('TRUNCATE audit_log')).rejects.toMatchObject({ code: '42501' });
      await expect(p.db.query('DELETE FROM audit_log')).rejects.toMatchObject({ code: '42501' });
      await expect(p.db.query('CREATE TABLE backdoor (x int)')).rejects.toMatchObject({ code: '42501' });
      await expect(p.db.query('ALTER TABLE audit_log DISABLE TRIGGER ALL')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await p?.close();
    }
  });
});

describe('the azd database hook refuses, changing nothing', () => {
  it('creating an Entra login on a server without pgaadauth_create_principal', async () => {
    const name = `id-nopgaad-${id}`;
    await expect(prepare({ db: admin, migrate, appRole: name })).rejects.toThrow(/pgaadauth_create_principal is not installed/);
    expect(await roleExists(name)).toBe(false);
    // The default creator is the one prepareDatabase uses: the same refusal called directly.
    await expect(admin.tx((q) => (createEntraPrincipal as (q: Queryable, n: string) => Promise<void>)(q, name))).rejects.toThrow(
      /not an Azure Database for PostgreSQL/,
    );
  });

  it('an app login that is the administrator itself', async () => {
    const { rows } = await admin.query<{ who: string }>('SELECT current_user AS who');
    const before = await snapshot();
    await expect(prepare({ db: admin, migrate, appRole: rows[0]!.who, createPrincipal: createLogin })).rejects.toThrow(
      /is the administrator running the migrations/,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('an app login with administrative attributes, or one that can act as the tables’ owner (a former administrator)', async () => {
    const superName = `id-super-${id}`;
    await asServerAdmin(`CREATE ROLE "${superName}" LOGIN CREATEROLE`);
    await expect(prepare({ db: admin, migrate, appRole: superName, createPrincipal: createLogin })).rejects.toThrow(
      /administrative attributes \(rolcreaterole\)/,
    );
    const ownerName = `id-owner-${id}`;
    const { rows } = await admin.query<{ owner: string }>(
      "SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = 'public'",
    );
    await asServerAdmin(`CREATE ROLE "${ownerName}" LOGIN IN ROLE "${rows[0]!.owner}"`);
    await expect(prepare({ db: admin, migrate, appRole: ownerName, createPrincipal: createLogin })).rejects.toThrow(/acts as the owner/);
    for (const n of [superName, ownerName])
      expect((await admin.query("SELECT pg_has_role($1::text, 'demiton_app', 'MEMBER') AS m", [n])).rows[0]).toEqual({ m: false });
  });

  it('another administrator (a second deploying principal) that does not own the tables, before migrating anything', async () => {
    const other = `other-admin-${id}`;
    await asServerAdmin(`CREATE ROLE "${other}" LOGIN CREATEROLE`);
    await asServerAdmin(`GRANT ALL ON DATABASE ${database} TO "${other}"`);
    const u = new URL(dbUrl);
    u.username = other;
    const asOther = createDb({ connectionString: u.toString(), schema: 'public', max: 1, backend: 'postgres' });
    const before = await snapshot();
    try {
      await expect(prepare({ db: asOther, migrate, appRole, createPrincipal: createLogin })).rejects.toThrow(
        /schema public belongs to '[^']+', not to 'other-admin-/,
      );
    } finally {
      await asOther.close();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a login name that is not an identity name', async () => {
    await expect(prepare({ db: admin, migrate, appRole: 'x"; DROP TABLE audit_log; --', createPrincipal: createLogin })).rejects.toThrow(
      /is not a login name/,
    );
    expect((await admin.query("SELECT to_regclass('public.audit_log') IS NOT NULL AS present")).rows[0]).toEqual({ present: true });
  });
});

describe('node scripts/azd-hooks.mjs database (the command azd runs)', () => {
  const hook = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, [resolve(__dirname, '../../../scripts/azd-hooks.mjs'), 'database'], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('refuses without the Bicep outputs, naming them', async () => {
    const r = await hook({ AZURE_POSTGRES_FQDN: '127.0.0.1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AZURE_POSTGRES_DATABASE, AZURE_POSTGRES_ADMIN_USER, AZURE_POSTGRES_APP_USER missing/);
  });

  it('migrates with the compiled package, then refuses to create an Entra login where pgaadauth is absent', async () => {
    requireBuild('shared/db/migrate.js');
    await asServerAdmin(`CREATE DATABASE ${cliDatabase}`);
    const u = new URL(TEST_DATABASE_URL);
    const r = await hook({
      AZURE_POSTGRES_FQDN: u.hostname,
      AZURE_POSTGRES_DATABASE: cliDatabase,
      AZURE_POSTGRES_ADMIN_USER: decodeURIComponent(u.username),
      AZURE_POSTGRES_APP_USER: `id-cli-${id}`,
    });
    expect(r.stderr).toMatch(/database: pgaadauth_create_principal is not installed/);
    expect(r.code).toBe(1);
    u.pathname = `/${cliDatabase}`;
    const c = new pg.Client({ connectionString: u.toString() });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM demiton_migrations');
      expect(rows[0]!.n).toBe(loadMigrations().length);
      expect((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1::text', [`id-cli-${id}`])).rowCount).toBe(0);
    } finally {
      await c.end();
    }
  });
});

describe('the deploying principal, named from its token claims', () => {
  it('a user by UPN; a service principal has no name in its token', () => {
    expect(principalFromClaims({ idtyp: 'user', upn: 'ada@contoso.com', oid: 'x' })).toEqual({ type: 'User', name: 'ada@contoso.com' });
    expect(principalFromClaims({ preferred_username: 'ada@contoso.com' })).toEqual({ type: 'User', name: 'ada@contoso.com' });
    expect(principalFromClaims({ idtyp: 'app', appid: 'a', oid: 'y' })).toEqual({ type: 'ServicePrincipal', name: null });
    expect(principalFromClaims({ appid: 'a', oid: 'y' })).toEqual({ type: 'ServicePrincipal', name: null });
  });
});
