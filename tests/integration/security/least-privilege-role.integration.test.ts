/**
 * Attack: the deployed app's database login is turned against the audit log and the schema (a
 * compromised process, or SQL injection past the parameterised queries). The app connects as a
 * login in the NOLOGIN group `demiton_app` (migration 0004), not as the owner that migrates
 * (docs/deploy.md, "Two PostgreSQL logins"). This test creates such a login on the real server,
 * starts the platform as it on a schema the owner migrated, and tries what an attacker would:
 * every change to audit entries and every DDL statement is refused by PostgreSQL itself, while the
 * app's own reads and writes work.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config';
import { createPlatform, type Platform } from '../../../shared/platform';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { createTestPlatform, randomId, TEST_DATABASE_URL, type TestPlatform } from '../../helpers/test-platform';

const login = `demiton_login_${randomId()}`;
let owner: TestPlatform;
let app: pg.Client;
let appUrl: string;

async function asOwner(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  // The owner migrates (and, through the platform, writes an audit entry to attack).
  owner = await createTestPlatform();
  await owner.db.query(
    "INSERT INTO audit_log (org_id, actor_type, actor_id, action, target_type) VALUES ($1::uuid, 'user', 'alice', 'workflow.create', 'workflow')",
    [DEV_ORG_ID],
  );
  await asOwner(`CREATE ROLE "${login}" LOGIN IN ROLE demiton_app`);
  const u = new URL(TEST_DATABASE_URL);
  u.username = login;
  appUrl = u.toString();
  app = new pg.Client({ connectionString: appUrl, options: `-c search_path=${owner.schema}` });
  await app.connect();
});

afterAll(async () => {
  await app?.end();
  await owner?.close();
  await asOwner(`DROP ROLE IF EXISTS "${login}"`);
});

const refused = (sql: string, params: unknown[] = []) =>
  expect(app.query(sql, params)).rejects.toMatchObject({ code: expect.stringMatching(/^42501$/) });

describe('the app login (member of demiton_app) against the audit log and the schema', () => {
  it('cannot TRUNCATE, UPDATE or DELETE audit entries (permission denied), and they are all still there', async () => {
    const before = (await owner.db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_log')).rows[0]!.n;
    await refused('TRUNCATE audit_log');
    await refused("UPDATE audit_log SET actor_id = 'mallory'");
    await refused('DELETE FROM audit_log');
    await refused("DELETE FROM audit_log WHERE action = 'workflow.create'");
    const after = (await owner.db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_log')).rows[0]!.n;
    expect(after).toBe(before);
    expect((await owner.db.query("SELECT 1 FROM audit_log WHERE actor_id = 'mallory'")).rowCount).toBe(0);
  });

  it('cannot run DDL: alter, drop or disable the audit trigger, create tables, or rewrite the migration ledger', async () => {
    const mustBeOwner = (sql: string) => expect(app.query(sql)).rejects.toMatchObject({ code: '42501' });
    await mustBeOwner('ALTER TABLE audit_log DISABLE TRIGGER ALL');
    await mustBeOwner('ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY');
    await mustBeOwner('DROP TABLE audit_log');
    await mustBeOwner('ALTER TABLE workflow_runs ADD COLUMN backdoor text');
    await mustBeOwner('CREATE TABLE backdoor (x int)');
    await mustBeOwner('TRUNCATE workflow_runs');
    await mustBeOwner('DELETE FROM demiton_migrations');
    await mustBeOwner('ALTER ROLE demiton_app SUPERUSER');
    const cols = await owner.db.query(
      "SELECT 1 FROM information_schema.columns WHERE table_schema = $1::text AND column_name = 'backdoor'",
      [owner.schema],
    );
    expect(cols.rowCount).toBe(0);
  });

  it('may still read and append the audit log and read and write the other tables (what the app needs)', async () => {
    await app.query(
      "INSERT INTO audit_log (org_id, actor_type, actor_id, action, target_type) VALUES ($1::uuid, 'system', 'app', 'test.append', 'test')",
      [DEV_ORG_ID],
    );
    expect((await app.query("SELECT 1 FROM audit_log WHERE action = 'test.append'")).rowCount).toBe(1);
    expect((await app.query('SELECT count(*) FROM workflow_runs')).rowCount).toBe(1);
    await app.query('UPDATE organisations SET name = name WHERE id = $1::uuid', [DEV_ORG_ID]);
  });

  it('the platform starts as this login on the schema the owner migrated (no DDL needed at start)', async () => {
    let p: Platform | null = null;
    try {
      p = await createPlatform(loadConfig({ DATABASE_URL: appUrl, DATABASE_SCHEMA: owner.schema, LOG_LEVEL: 'silent' }));
      const { rows } = await p.db.query<{ who: string }>('SELECT current_user AS who');
      expect(rows[0]!.who).toBe(login);
    } finally {
      await p?.close();
    }
  });
});
