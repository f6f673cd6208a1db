/**
 * The connectors API over HTTP on real PostgreSQL: CRUD, write-only secrets (never in responses,
 * audit diffs or logs), validation with paths, real connection tests, the adapter catalog, and
 * workflow definitions checked against the project's connectors on save.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../../shared/connectors/connectors-service';
import { OutboundPolicy } from '../../../shared/adapters/network-policy';
import { ValidationError } from '../../../shared/domain/errors';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

const PG_SECRET = `pg-${randomBytes(8).toString('hex')}`;
const MY_SECRET = `my-${randomBytes(8).toString('hex')}`;
const EXTRA_SECRET = `ex-${randomBytes(8).toString('hex')}`;
let logText = '';
const capture = new Writable({
  write(chunk, _enc, cb) {
    logText += chunk.toString();
    cb();
  },
});

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };

beforeAll(async () => {
  platform = await createTestPlatform({
    env: { CONNECTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    // No redaction configured: the test proves the code never hands secrets to the logger at all.
    overrides: { logger: pino({ level: 'trace' }, capture) },
  });
  host = await startTestHost(platform);
});
afterAll(async () => {
  await host?.close();
  await platform?.close();
});

const pgBody = (name = 'warehouse') => ({
  name,
  systemType: 'postgres',
  settings: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable' },
  secrets: { password: PG_SECRET },
});

function expectNoSecrets(value: unknown) {
  const text = JSON.stringify(value);
  for (const s of [PG_SECRET, MY_SECRET, EXTRA_SECRET]) expect(text).not.toContain(s);
}

describe('connectors API', () => {
  let id: string;

  it('creates a connector; secrets are sealed, never returned', async () => {
    const r = await api(host.url, 'POST', '/api/connectors', pgBody());
    expect(r.status).toBe(201);
    id = r.body.id;
    expect(r.headers.get('location')).toBe(`/api/connectors/${id}`);
    expect(r.body).toMatchObject({
      name: 'warehouse',
      systemType: 'postgres',
      resolvedSystemType: 'postgres',
      secretNames: ['password'],
      settings: { host: '127.0.0.1', database: 'test' },
    });
    expect(r.body).not.toHaveProperty('secrets');
    expectNoSecrets(r.body);
    const { rows } = await platform.db.query<{ sealed: unknown; settings: unknown }>(
      'SELECT sealed_secrets AS sealed, settings FROM connectors WHERE id = $1::uuid',
      [id],
    );
    expect(rows[0]!.sealed).toMatchObject({ v: 1, alg: 'A256GCM' });
    expectNoSecrets(rows[0]);
  });

  it('reads and lists without secrets', async () => {
    const one = await api(host.url, 'GET', `/api/connectors/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.secretNames).toEqual(['password']);
    const list = await api(host.url, 'GET', '/api/connectors');
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['warehouse']);
    expectNoSecrets([one.body, list.body]);
  });

  it('updates: settings replaced, secrets merged (set, keep, remove by null)', async () => {
    const put = await api(host.url, 'PUT', `/api/connectors/${id}`, {
      ...pgBody('warehouse'),
      settings: { ...pgBody().settings, statementTimeoutMs: 60_000 },
      secrets: { extraToken: EXTRA_SECRET },
    });
    expect(put.status).toBe(200);
    expect(put.body.secretNames).toEqual(['extraToken', 'password']);
    expect(put.body.settings.statementTimeoutMs).toBe(60_000);
    const removed = await api(host.url, 'PUT', `/api/connectors/${id}`, { ...pgBody('warehouse'), secrets: { extraToken: null } });
    expect(removed.body.secretNames).toEqual(['password']);
    // The kept password still decrypts: the engine's directory hands it to the adapter.
    const found = await platform.connectors.find(DEV_ORG_ID, put.body.projectId, 'warehouse');
    expect(found?.secrets).toEqual({ password: PG_SECRET });
    expectNoSecrets([put.body, removed.body]);
  });

  it('tests the connection for real', async () => {
    const r = await api(host.url, 'POST', `/api/connectors/${id}/test`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, systemType: 'postgres', detail: expect.stringMatching(/^PostgreSQL/) });
  });

  it('returns the server’s error when the connection test fails', async () => {
    const created = await api(host.url, 'POST', '/api/connectors', {
      name: 'erp-db',
      systemType: 'mysql',
      settings: { host: '127.0.0.1', port: 3306, database: 'test', user: `nobody_${randomBytes(3).toString('hex')}`, ssl: 'disable' },
      secrets: { password: MY_SECRET },
    });
    expect(created.status).toBe(201);
    const r = await api(host.url, 'POST', `/api/connectors/${created.body.id}/test`);
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.error).toEqual({
      code: 'mysql_error',
      message: expect.stringMatching(/^MySQL error ER_ACCESS_DENIED\w* \(\d+\): Access denied for user/),
    });
    expectNoSecrets(r.body);
  });

  it('rejects invalid connectors with 422 naming the path', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ...pgBody('a1'), settings: { ...pgBody().settings, password: 'x' } }, 'settings.password', /put it in 'secrets'/],
      [
        { name: 'a2', systemType: 'sap-r3', settings: { host: 'sap.example.com', client: '100' } },
        'systemType',
        /No adapter for connector 'a2'; tried system type 'sap-r3', system type inferred/,
      ],
      [{ ...pgBody('a3'), settings: { host: '127.0.0.1', user: 'postgres' } }, 'settings.database', /expected string/],
      [{ ...pgBody('platform') }, 'name', /built-in connector/],
      [
        { name: 'sftp1', systemType: 'sftp', settings: { host: '127.0.0.1', username: 'x' }, secrets: { password: 'p' } },
        'settings.hostKeySha256',
        /pin the host key/,
      ],
    ];
    for (const [body, path, message] of cases) {
      const r = await api(host.url, 'POST', '/api/connectors', body);
      expect(r.status, path).toBe(422);
      expect(r.body.errors, path).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
    }
  });

  it('answers 409 for a duplicate name and 404 for an unknown id', async () => {
    expect((await api(host.url, 'POST', '/api/connectors', pgBody())).status).toBe(409);
    expect((await api(host.url, 'GET', '/api/connectors/00000000-0000-4000-8000-00000000dead')).status).toBe(404);
  });

  it('refuses, in production, a connector whose host is private (checked on save too)', async () => {
    const deps = {
      db: platform.db,
      registry: platform.registry,
      secretBox: platform.secretBox,
      network: new OutboundPolicy({ allowPrivate: false }),
      logger: platform.logger,
    };
    const who = { orgId: DEV_ORG_ID, actor: { type: 'user' as const, id: 'test' } };
    const err = await createConnector(deps, who, { ...pgBody('prod-db'), settings: { ...pgBody().settings, host: '10.0.0.5' } }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([
      { path: 'settings.host', message: "Outbound connection to '10.0.0.5' (10.0.0.5) is not allowed: private range." },
    ]);
  });

  it('publishes the adapter catalog for the studio', async () => {
    const r = await api(host.url, 'GET', '/api/adapters');
    expect(r.status).toBe(200);
    const pg = r.body.items.find((a: { systemType: string }) => a.systemType === 'postgres');
    expect(pg).toMatchObject({ category: 'datasource', connectionTypes: ['sql', 'postgresql'], inferable: true });
    expect(pg.operations.map((o: { name: string; kind: string }) => [o.name, o.kind])).toEqual([
      ['execute', 'call'],
      ['query', 'generator'],
    ]);
    expect(pg.operations[0].inputSchema.properties.sql).toMatchObject({ type: 'string' });
    expect(pg.connectionSchema.properties.settings.properties.host).toMatchObject({ type: 'string' });
    const bo = r.body.items
      .find((a: { systemType: string }) => a.systemType === 'platform')
      .operations.map((o: { name: string }) => o.name);
    expect(bo).toEqual(expect.arrayContaining(['upsertBusinessObject', 'queryBusinessObjects']));
  });

  it('checks workflow definitions against the project’s connectors on save', async () => {
    const bad = await api(host.url, 'POST', '/api/workflows', {
      name: `wf-${randomBytes(3).toString('hex')}`,
      tasks: [
        { key: 'a', type: 'atomic', connector: 'nope', operation: 'execute', input: {} },
        { key: 'b', type: 'atomic', connector: 'warehouse', operation: 'drop', input: {} },
        { key: 'c', type: 'atomic', connector: 'warehouse', operation: 'query', input: {} },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { path: 'tasks[0].operation', message: "unknown connector 'nope'" },
      { path: 'tasks[1].operation', message: "connector 'warehouse' (postgres) has no operation 'drop'; it has execute, query" },
      { path: 'tasks[2].operation', message: "'query' is a generator; use it in a chunked task" },
    ]);
    const good = await api(host.url, 'POST', '/api/workflows', {
      name: `wf-${randomBytes(3).toString('hex')}`,
      tasks: [{ key: 'a', type: 'atomic', connector: 'warehouse', operation: 'execute', input: { sql: 'SELECT 1' } }],
    });
    expect(good.status).toBe(201);
  });

  it('audits every mutation with secrets redacted, in the same transaction', async () => {
    const { rows } = await platform.db.query<{ action: string; diff: Record<string, unknown> }>(
      `SELECT action, diff FROM audit_log WHERE target_type = 'connector' ORDER BY id`,
    );
    expect(rows.map((r) => r.action)).toEqual(['connector.create', 'connector.update', 'connector.update', 'connector.create']);
    expect(rows[0]!.diff).toMatchObject({ after: { name: 'warehouse', sealedFields: ['password'] } });
    expect(rows[1]!.diff).toMatchObject({
      sealedFieldsChanged: ['extraToken'],
      before: { sealedFields: ['password'] },
      after: { sealedFields: ['extraToken', 'password'] },
    });
    expectNoSecrets(rows);
  });

  it('deletes; the engine then no longer finds it', async () => {
    const del = await api(host.url, 'DELETE', `/api/connectors/${id}`);
    expect(del.status).toBe(204);
    expect((await api(host.url, 'GET', `/api/connectors/${id}`)).status).toBe(404);
    const { rows } = await platform.db.query<{ action: string; diff: unknown }>(
      `SELECT action, diff FROM audit_log WHERE target_id = $1::text AND action = 'connector.delete'`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expectNoSecrets(rows);
  });

  it('never wrote a secret to the logs (trace level, no redaction)', () => {
    expect(logText.length).toBeGreaterThan(0);
    expect(logText).toContain('connector test failed');
    for (const s of [PG_SECRET, MY_SECRET, EXTRA_SECRET]) expect(logText).not.toContain(s);
  });
});
