/**
 * Attack: an organisation admin points an Azure Storage or Service Bus connector at a server of
 * their choosing, hoping the platform signs in with its own Azure identity (which owns the
 * platform's storage, reads the Key Vault with the connector encryption key and administers the
 * database), and answers with a 401 bearer challenge naming another resource to be handed a token
 * for it. Refused: no credentials of the organisation's own → 422 on save and a refused
 * connection test; with the organisation's own service principal, the credential serves only the
 * Storage scope, the challenge gets no second token request, and hosts outside the per-kind
 * allow-lists are refused.
 *
 * Real servers on loopback: a "storage" HTTP server answering every request with the challenge,
 * and an OAuth token endpoint speaking the client-credentials grant; the real @azure/storage-blob
 * and @azure/service-bus SDKs on the production path.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_BUS_SCOPE } from '../../../shared/adapters/comms/service-bus';
import { HostAllowList } from '../../../shared/adapters/host-allowlist';
import { orgEntraCredential } from '../../../shared/adapters/org-entra-credential';
import { STORAGE_SCOPE } from '../../../shared/adapters/platform/blob-adapter';
import { createDefaultRegistry } from '../../../shared/adapters/registry';
import { createConnector } from '../../../shared/connectors/connectors-service';
import { OutboundPolicy } from '../../../shared/adapters/network-policy';
import { insertConnector } from '../../../shared/store/connectors';
import { DEV_ORG_ID, defaultProjectId } from '../../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

const TENANT = '11111111-2222-4333-8444-555555555555';
const VAULT = 'https://vault.azure.net';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

async function listen(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let storage: Awaited<ReturnType<typeof listen>>;
let tokens: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { CONNECTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
  host = await startTestHost(platform);
  // "Storage" that challenges for another resource: what the SDK's challenge policy would follow.
  storage = await listen((_req, _body, res) => {
    res.writeHead(401, {
      'www-authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/${TENANT}/oauth2/authorize resource_id=${VAULT}`,
      'content-type': 'application/xml',
    });
    res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>InvalidAuthenticationInfo</Code><Message>challenge</Message></Error>');
  });
  let n = 0;
  tokens = await listen((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: `storage-token-${++n}`, token_type: 'Bearer', expires_in: 3600 }));
  });
});
afterAll(async () => {
  await host?.close();
  await platform?.close();
  await storage?.close();
  await tokens?.close();
});

const scopeOf = (s: Seen) => new URLSearchParams(s.body).get('scope');

describe('the platform identity is never lent to an organisation connector', () => {
  it('refuses on save a Storage connector with no credentials of its own (422)', async () => {
    const r = await api(host.url, 'POST', '/api/connectors', {
      name: 'lent',
      systemType: 'azure-blob',
      settings: { accountUrl: storage.url, container: 'docs' },
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_connector');
    expect(r.body.errors).toEqual([
      expect.objectContaining({ path: 'secrets', message: expect.stringContaining("platform's identity is not lent") }),
    ]);
    expect(storage.seen).toHaveLength(0);
  });

  it('refuses on save a Service Bus connector naming only a namespace (422)', async () => {
    const r = await api(host.url, 'POST', '/api/connectors', {
      name: 'bus',
      systemType: 'azure-service-bus',
      settings: { fullyQualifiedNamespace: 'sb-other-org.servicebus.windows.net', entity: 'runs' },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: 'secrets' })]);
  });

  it('refuses the connection test of a stored connector without credentials, contacting nothing', async () => {
    // A row as it could exist from before the check: inserted below the API.
    const projectId = (await defaultProjectId(platform.db, DEV_ORG_ID))!;
    const blobId = randomUUID();
    const busId = randomUUID();
    await insertConnector(platform.db, {
      id: blobId,
      orgId: DEV_ORG_ID,
      projectId,
      name: 'legacy-blob',
      systemType: 'azure-blob',
      connectionType: null,
      settings: { accountUrl: storage.url, container: 'docs' },
      sealedSecrets: null,
      secretNames: [],
    });
    await insertConnector(platform.db, {
      id: busId,
      orgId: DEV_ORG_ID,
      projectId,
      name: 'legacy-bus',
      systemType: 'azure-service-bus',
      connectionType: null,
      settings: { fullyQualifiedNamespace: 'sb-other-org.servicebus.windows.net', entity: 'runs' },
      sealedSecrets: null,
      secretNames: [],
    });
    for (const id of [blobId, busId]) {
      const r = await api(host.url, 'POST', `/api/connectors/${id}/test`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'connector_credentials_required' } });
    }
    expect(storage.seen).toHaveLength(0);
    expect(tokens.seen).toHaveLength(0);
  });

  it('answers a bearer challenge for another resource with no new token: one token, for Storage only', async () => {
    const body = {
      name: 'own-principal',
      systemType: 'azure-blob',
      settings: { accountUrl: storage.url, container: 'docs', tenantId: TENANT, authorityHost: tokens.url },
      secrets: { clientId: 'org-app', clientSecret: `s-${randomBytes(8).toString('hex')}` },
    };
    const created = await api(host.url, 'POST', '/api/connectors', body);
    expect(created.status).toBe(201);
    const r = await api(host.url, 'POST', `/api/connectors/${created.body.id}/test`);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'azure_blob_http_401' } });
    // Exactly one token request, at the organisation's tenant, for the pinned Storage scope.
    expect(tokens.seen).toHaveLength(1);
    expect(tokens.seen[0]!.url).toBe(`/${TENANT}/oauth2/v2.0/token`);
    expect(scopeOf(tokens.seen[0]!)).toBe(STORAGE_SCOPE);
    expect(tokens.seen.map(scopeOf)).not.toContain(`${VAULT}/.default`);
    // The storage server saw one request (no retry with another token after its challenge), carrying the Storage token.
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0]!.authorization).toBe('Bearer storage-token-1');
  });

  it('the service principal credential refuses any other scope, tenant or claims without asking for a token', async () => {
    const before = tokens.seen.length;
    const network = new OutboundPolicy({ allowPrivate: true });
    const cred = orgEntraCredential({
      network,
      authorityHost: tokens.url,
      tenantId: TENANT,
      clientId: 'org-app',
      clientSecret: 'x',
      scope: STORAGE_SCOPE,
      systemType: 'azure-blob',
    });
    await expect(cred.getToken(`${VAULT}/.default`)).rejects.toMatchObject({ code: 'azure_token_scope_refused' });
    await expect(cred.getToken(['https://ossrdbms-aad.database.windows.net/.default'])).rejects.toMatchObject({
      code: 'azure_token_scope_refused',
    });
    await expect(cred.getToken(STORAGE_SCOPE, { tenantId: '99999999-2222-4333-8444-555555555555' })).rejects.toMatchObject({
      code: 'azure_token_scope_refused',
    });
    await expect(cred.getToken(STORAGE_SCOPE, { claims: '{"access_token":{}}' })).rejects.toMatchObject({
      code: 'azure_token_scope_refused',
    });
    const bus = orgEntraCredential({
      network,
      authorityHost: tokens.url,
      tenantId: TENANT,
      clientId: 'org-app',
      clientSecret: 'x',
      scope: SERVICE_BUS_SCOPE,
      systemType: 'azure-service-bus',
    });
    await expect(bus.getToken(STORAGE_SCOPE)).rejects.toMatchObject({ code: 'azure_token_scope_refused' });
    // A non-loopback authority over plain HTTP gets no client secret.
    const plain = orgEntraCredential({
      network,
      authorityHost: 'http://login.microsoftonline.com',
      tenantId: TENANT,
      clientId: 'org-app',
      clientSecret: 'x',
      scope: STORAGE_SCOPE,
      systemType: 'azure-blob',
    });
    await expect(plain.getToken(STORAGE_SCOPE)).rejects.toMatchObject({ code: 'azure_token_scope_refused' });
    expect(tokens.seen.length).toBe(before);
  });
});

describe('per-kind host allow-lists (production)', () => {
  const hosts = new HostAllowList({ enforce: true, extra: { 'azure-blob': ['files.contoso.com'] } });
  const registry = createDefaultRegistry({ network: new OutboundPolicy({ allowPrivate: true }), hosts });
  const deps = () => ({
    db: platform.db,
    registry,
    secretBox: platform.secretBox,
    network: new OutboundPolicy({ allowPrivate: true }),
    logger: platform.logger,
  });
  const who = { orgId: DEV_ORG_ID, actor: { type: 'user' as const, id: 'attacker' } };
  const blob = (settings: Record<string, unknown>) => ({
    name: `b${randomBytes(4).toString('hex')}`,
    systemType: 'azure-blob',
    settings: { container: 'docs', ...settings },
    secrets: { accountKey: 'a2V5', clientId: 'org-app', clientSecret: 'x' },
  });

  it('refuses on save a Storage account URL or an authority outside the lists', async () => {
    await expect(createConnector(deps(), who, { ...blob({ accountUrl: storage.url, accountName: 'acct' }) })).rejects.toMatchObject({
      code: 'invalid_connector',
      issues: [expect.objectContaining({ path: 'settings.accountUrl' })],
    });
    await expect(
      createConnector(
        deps(),
        who,
        blob({
          accountUrl: 'https://contoso.blob.core.windows.net',
          accountName: 'acct',
          tenantId: TENANT,
          authorityHost: 'https://login.attacker.example',
        }),
      ),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'settings.authorityHost' })],
    });
    await expect(
      createConnector(deps(), who, {
        name: 'busx',
        systemType: 'azure-service-bus',
        settings: {},
        secrets: { connectionString: 'Endpoint=sb://attacker.example/;SharedAccessKeyName=k;SharedAccessKey=v' },
      }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'secrets.connectionString' })],
    });
  });

  it('accepts the cloud hosts and operator-added ones', async () => {
    for (const accountUrl of ['https://contoso.blob.core.windows.net', 'https://files.contoso.com']) {
      const v = await createConnector(deps(), who, blob({ accountUrl, accountName: 'acct' }));
      expect(v.resolvedSystemType).toBe('azure-blob');
    }
  });

  it('refuses to build the adapter for a stored connector outside the lists', () => {
    expect(() =>
      registry.getAdapter({
        id: 'x',
        name: 'b',
        systemType: 'azure-blob',
        settings: { accountUrl: storage.url, container: 'docs', accountName: 'a' },
        secrets: { accountKey: 'a2V5' },
      }),
    ).toThrow(expect.objectContaining({ code: 'connector_host_not_allowed' }));
  });
});
