/**
 * Attacks on scopes and secrets, each performed over the API against real PostgreSQL, Redis and
 * loopback HTTP servers, with a worker running the workflows:
 * - an API key limited to one workflow saves a definition that calls another workflow or a
 *   connector (refused: scoped keys write no definitions);
 * - an admin moves a connector to their own server without re-entering its secrets, to receive
 *   them there (refused: secrets follow their host);
 * - a task sets `Host` or authentication headers on an HTTP call made with the connector's
 *   credentials (refused);
 * - a viewer reads a webhook URL, header values or a URL with a token in its query from the
 *   connector's settings, or an audit diff (sealed, never shown).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { insertConnector } from '../../../shared/store/connectors';
import { DEV_ORG_ID, defaultProjectId } from '../../../shared/store/organisations';
import { api, startTestStack, waitFor, type TestStack } from '../../helpers/test-platform';

interface Hit {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

async function listen() {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let stack: TestStack;
let base: string;
let erp: Awaited<ReturnType<typeof listen>>;
let attacker: Awaited<ReturnType<typeof listen>>;
const TOKEN = `tok-${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  stack = await startTestStack({ env: { CONNECTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
  base = stack.host.url;
  erp = await listen();
  attacker = await listen();
});
afterAll(async () => {
  await stack?.close();
  await erp?.close();
  await attacker?.close();
});

const finished = (id: string) =>
  waitFor(async () => {
    const r = await api(base, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : null;
  }, 30_000);

const echo = (name: string) => ({ name, tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: 1 } }] });

describe('a key limited to some workflows cannot escape its scope through a definition', () => {
  let mine: string;
  let other: string;
  let key: string;

  beforeAll(async () => {
    mine = (await api(base, 'POST', '/api/workflows', echo('mine'))).body.id;
    other = (await api(base, 'POST', '/api/workflows', echo('other'))).body.id;
    await api(base, 'POST', '/api/connectors', {
      name: 'erp',
      connectionType: 'http',
      settings: { baseUrl: erp.url, auth: { type: 'bearer' } },
      secrets: { token: TOKEN },
    });
    const k = await api(base, 'POST', '/api/hq/api-keys', { name: 'ci', role: 'editor', workflowIds: [mine] });
    expect(k.status).toBe(201);
    key = k.body.key;
  });

  it('refuses a definition of its own workflow that calls another workflow, or a connector', async () => {
    const callsOther = { name: 'mine', tasks: [{ key: 'w', type: 'workflow', workflow: 'other' }] };
    const callsConnector = {
      name: 'mine',
      tasks: [{ key: 'c', type: 'atomic', connector: 'erp', operation: 'request', input: { path: '/secrets' } }],
    };
    for (const def of [callsOther, callsConnector]) {
      const r = await api(base, 'PUT', `/api/workflows/${mine}`, def, { 'x-api-key': key });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('outside_key_scope');
    }
    expect((await api(base, 'POST', '/api/workflows', callsOther, { 'x-api-key': key })).body.code).toBe('outside_key_scope');
    // Nothing was saved: the workflow is still version 1, and triggering it touches neither.
    const w = await api(base, 'GET', `/api/workflows/${mine}`, undefined, { 'x-api-key': key });
    expect(w.body.version).toBe(1);
    const run = await finished((await api(base, 'POST', `/api/workflows/${mine}/runs`, { input: {} }, { 'x-api-key': key })).body.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(erp.hits.filter((h) => h.url.startsWith('/secrets'))).toHaveLength(0);
    const { rows } = await stack.platform.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_id = $1::uuid',
      [other],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('refuses the same definition saved as a draft, and publishing or rolling back through the key', async () => {
    const callsOther = { name: 'mine', tasks: [{ key: 'w', type: 'workflow', workflow: 'other' }] };
    const tries = [
      await api(base, 'PUT', `/api/workflows/${mine}/draft`, callsOther, { 'x-api-key': key }),
      await api(base, 'POST', `/api/workflows/${mine}/publish`, {}, { 'x-api-key': key }),
      await api(base, 'POST', `/api/workflows/${mine}/rollback`, { version: 1 }, { 'x-api-key': key }),
      await api(base, 'DELETE', `/api/workflows/${mine}/draft`, undefined, { 'x-api-key': key }),
    ];
    expect(tries.map((r) => [r.status, r.body.code])).toEqual(Array(4).fill([403, 'outside_key_scope']));
    expect((await api(base, 'GET', `/api/workflows/${mine}/draft`)).status).toBe(404);
    expect((await api(base, 'GET', `/api/workflows/${mine}`)).body.version).toBe(1);
  });
});

describe('connector secrets follow their host', () => {
  it('refuses moving an HTTP connector to another base URL without entering the token again', async () => {
    const c = await api(base, 'POST', '/api/connectors', {
      name: 'moving',
      connectionType: 'http',
      settings: { baseUrl: erp.url, auth: { type: 'bearer' } },
      secrets: { token: TOKEN },
    });
    expect(c.status).toBe(201);
    const moved = await api(base, 'PUT', `/api/connectors/${c.body.id}`, {
      name: 'moving',
      connectionType: 'http',
      settings: { baseUrl: attacker.url, auth: { type: 'bearer' } },
    });
    expect(moved.status).toBe(422);
    expect(moved.body.code).toBe('connector_secrets_required');
    expect(moved.body.errors).toEqual([expect.objectContaining({ path: 'secrets.token' })]);
    // Still pointing at the ERP: a connection test sends the token there, never to the attacker.
    await api(base, 'POST', `/api/connectors/${c.body.id}/test`);
    expect(attacker.hits).toHaveLength(0);
    // Entering the secret again (for the new host) is allowed.
    const again = await api(base, 'PUT', `/api/connectors/${c.body.id}`, {
      name: 'moving',
      connectionType: 'http',
      settings: { baseUrl: attacker.url, auth: { type: 'bearer' } },
      secrets: { token: 'token-for-the-new-host' },
    });
    expect(again.status).toBe(200);
  });

  it('refuses a new token URL, database host or port with the stored secrets', async () => {
    const oauth = await api(base, 'POST', '/api/connectors', {
      name: 'oauth',
      connectionType: 'http',
      settings: {
        baseUrl: erp.url,
        auth: { type: 'oauth2-client-credentials', tokenUrl: `${erp.url}/token`, scope: 'api://erp/.default' },
      },
      secrets: { clientId: 'app', clientSecret: TOKEN },
    });
    const r1 = await api(base, 'PUT', `/api/connectors/${oauth.body.id}`, {
      name: 'oauth',
      connectionType: 'http',
      settings: {
        baseUrl: erp.url,
        auth: { type: 'oauth2-client-credentials', tokenUrl: `${attacker.url}/token`, scope: 'api://erp/.default' },
      },
    });
    expect(r1.body.code).toBe('connector_secrets_required');
    expect(r1.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['secrets.clientId', 'secrets.clientSecret']);
    const pg = await api(base, 'POST', '/api/connectors', {
      name: 'db',
      systemType: 'postgres',
      settings: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable' },
      secrets: { password: TOKEN },
    });
    expect(pg.status).toBe(201);
    for (const settings of [{ host: 'db.attacker.example' }, { port: 6543 }]) {
      const r = await api(base, 'PUT', `/api/connectors/${pg.body.id}`, {
        name: 'db',
        systemType: 'postgres',
        settings: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', ...settings },
      });
      expect(r.body.code).toBe('connector_secrets_required');
    }
    // A change that leaves the destination alone keeps the secrets.
    const same = await api(base, 'PUT', `/api/connectors/${pg.body.id}`, {
      name: 'db',
      systemType: 'postgres',
      settings: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', maxRows: 10 },
    });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body.secretNames).toEqual(['password']);
  });
});

describe('task inputs cannot steer an HTTP call made with the connector’s credentials', () => {
  it('fails a task that sets Host, Authorization or the API-key header, sending nothing', async () => {
    await api(base, 'POST', '/api/connectors', {
      name: 'keyed',
      connectionType: 'http',
      settings: { baseUrl: erp.url, auth: { type: 'api-key', header: 'X-Api-Key' } },
      secrets: { apiKey: TOKEN },
    });
    const wf = await api(base, 'POST', '/api/workflows', {
      name: 'steer',
      tasks: [
        {
          key: 'call',
          type: 'atomic',
          connector: 'keyed',
          operation: 'request',
          input: { path: '/steer', headers: '{{ input.headers }}' },
        },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    for (const headers of [
      { Host: 'attacker.example' },
      { authorization: 'Bearer other' },
      { 'Transfer-Encoding': 'chunked' },
      { 'x-api-key': 'swapped' },
    ]) {
      const run = await finished((await api(base, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { headers } })).body.id);
      expect(run.status).toBe('FAILED');
      expect(['invalid_operation_input', 'http_header_forbidden']).toContain(run.error.code);
    }
    expect(erp.hits.filter((h) => h.url.startsWith('/steer'))).toHaveLength(0);
    // An ordinary header still goes through, with the connector's key.
    const ok = await finished(
      (await api(base, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { headers: { 'X-Trace': '1' } } })).body.id,
    );
    expect(ok.status, JSON.stringify(ok.error)).toBe('SUCCEEDED');
    const hit = erp.hits.find((h) => h.url.startsWith('/steer'))!;
    expect(hit.headers['x-api-key']).toBe(TOKEN);
    expect(hit.headers['x-trace']).toBe('1');
  });
});

describe('settings that are credentials in all but name are sealed', () => {
  const SIG = `sig-${randomBytes(8).toString('hex')}`;
  const HEADER = `hdr-${randomBytes(8).toString('hex')}`;
  const PASS = `pw-${randomBytes(8).toString('hex')}`;
  let hookId: string;
  let httpId: string;

  it('stores a webhook URL, header values and URLs with userinfo sealed; views and audit never show them', async () => {
    const hook = await api(base, 'POST', '/api/connectors', {
      name: 'hook',
      systemType: 'webhook',
      settings: { url: `${erp.url}/hook?sig=${SIG}` },
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    hookId = hook.body.id;
    expect(hook.body.settings.url).toBe(`${erp.url}/[sealed]`);
    expect(hook.body.secretNames).toEqual(['settings.url']);
    const withHeaders = await api(base, 'POST', '/api/connectors', {
      name: 'hdrs',
      connectionType: 'http',
      settings: { baseUrl: erp.url.replace('http://', `http://svc:${PASS}@`), headers: { 'X-Custom-Token': HEADER } },
    });
    expect(withHeaders.status, JSON.stringify(withHeaders.body)).toBe(201);
    httpId = withHeaders.body.id;
    expect(withHeaders.body.settings).toMatchObject({ baseUrl: `${erp.url}/[sealed]`, headers: { 'X-Custom-Token': '[sealed]' } });

    const everything = JSON.stringify([
      (await api(base, 'GET', '/api/connectors')).body,
      (await api(base, 'GET', `/api/connectors/${hookId}`)).body,
      (await api(base, 'GET', '/api/hq/audit?targetType=connector')).body,
      (await stack.platform.db.query('SELECT settings, secret_names FROM connectors')).rows,
    ]);
    for (const s of [SIG, HEADER, PASS]) expect(everything).not.toContain(s);
  });

  it('still sends them where they belong, and an update echoing the stand-ins keeps them', async () => {
    const before = erp.hits.length;
    expect((await api(base, 'POST', `/api/connectors/${hookId}/test`)).body.ok).toBe(true);
    expect(erp.hits.at(-1)!.url).toBe(`/hook?sig=${SIG}`);
    const view = (await api(base, 'GET', `/api/connectors/${httpId}`)).body;
    const upd = await api(base, 'PUT', `/api/connectors/${httpId}`, {
      name: view.name,
      connectionType: 'http',
      settings: { ...view.settings, timeoutMs: 5000 },
    });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect((await api(base, 'POST', `/api/connectors/${httpId}/test`)).body.ok).toBe(true);
    const hit = erp.hits.at(-1)!;
    expect(erp.hits.length).toBe(before + 2);
    expect(hit.headers['x-custom-token']).toBe(HEADER);
    expect(hit.headers.authorization).toBe(`Basic ${Buffer.from(`svc:${PASS}`).toString('base64')}`);
    // The stand-ins of a sealed URL keep its value only at the same destination.
    const moved = await api(base, 'PUT', `/api/connectors/${httpId}`, {
      name: view.name,
      connectionType: 'http',
      settings: { ...view.settings, baseUrl: attacker.url },
    });
    expect(moved.body.code).toBe('connector_secrets_required');
    expect(moved.body.errors).toEqual([expect.objectContaining({ path: 'settings.headers' })]);
  });

  it('hides the values of a connector stored before they were sealed, and seals them on its next update', async () => {
    const LEGACY = `legacy-${randomBytes(8).toString('hex')}`;
    const id = randomUUID();
    const projectId = (await defaultProjectId(stack.platform.db, DEV_ORG_ID))!;
    await insertConnector(stack.platform.db, {
      id,
      orgId: DEV_ORG_ID,
      projectId,
      name: 'old-hook',
      systemType: 'webhook',
      connectionType: null,
      settings: { url: `${erp.url}/old?sig=${LEGACY}` },
      sealedSecrets: null,
      secretNames: [],
    });
    const view = (await api(base, 'GET', `/api/connectors/${id}`)).body;
    expect(view.settings.url).toBe(`${erp.url}/[sealed]`);
    expect(JSON.stringify((await api(base, 'GET', '/api/connectors')).body)).not.toContain(LEGACY);
    const upd = await api(base, 'PUT', `/api/connectors/${id}`, {
      name: 'old-hook',
      systemType: 'webhook',
      settings: { ...view.settings, timeoutMs: 4000 },
    });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    const { rows } = await stack.platform.db.query<{ settings: unknown }>('SELECT settings FROM connectors WHERE id = $1::uuid', [id]);
    expect(JSON.stringify(rows[0])).not.toContain(LEGACY);
    const audit = await api(base, 'GET', `/api/hq/audit?targetType=connector&targetId=${id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['connector.update']);
    expect(JSON.stringify(audit.body)).not.toContain(LEGACY);
    expect((await api(base, 'POST', `/api/connectors/${id}/test`)).body.ok).toBe(true);
    expect(erp.hits.at(-1)!.url).toBe(`/old?sig=${LEGACY}`);
  });
});
