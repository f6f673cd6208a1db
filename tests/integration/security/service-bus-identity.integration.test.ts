/**
 * Attack: an organisation's Service Bus connector is used to get the platform's identity, or a
 * token, sent where the organisation chooses. Over AMQP, through the real @azure/service-bus SDK
 * against the loopback Service Bus (tests/integration/deploy/loopback-service-bus.ts): a connector
 * naming a namespace signs in with the organisation's own service principal only (its token
 * endpoint, its tenant, the Service Bus scope, the token audience the namespace's entity), a
 * namespace that refuses the token gets no second token for anything else, and with the
 * production allow-lists on, a connection string or authority outside them reaches nothing.
 *
 * The SDK always opens TLS to the namespace when it signs in with a credential, so the adapter
 * environment's test-only `serviceBusWebSocket` carries its connection (AMQP over WebSocket) to
 * the loopback server; the namespace it names still decides the audience and the allow-lists.
 * The namespace resolves to 127.0.0.1 through the outbound policy's resolver.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorDescriptor, OperationContext } from '../../../shared/adapters/adapter';
import { SERVICE_BUS_SCOPE } from '../../../shared/adapters/comms/service-bus';
import { HostAllowList } from '../../../shared/adapters/host-allowlist';
import { OutboundPolicy } from '../../../shared/adapters/network-policy';
import { createDefaultRegistry } from '../../../shared/adapters/registry';
import { createLogger } from '../../../shared/logger';
import { startLoopbackServiceBus, type LoopbackServiceBus } from '../deploy/loopback-service-bus';

const TENANT = '11111111-2222-4333-8444-555555555555';
const NAMESPACE = 'contoso-bus.servicebus.windows.net';

interface TokenRequest {
  path: string;
  form: URLSearchParams;
}

let sb: LoopbackServiceBus;
let tokenServer: http.Server;
let authority: string;
const tokenRequests: TokenRequest[] = [];

beforeAll(async () => {
  sb = await startLoopbackServiceBus(['orders']);
  // The organisation's Entra token endpoint (client-credentials grant).
  tokenServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      tokenRequests.push({ path: req.url ?? '', form: new URLSearchParams(body) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `org-sb-token-${tokenRequests.length}`, token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
  authority = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sb?.close();
  await new Promise<void>((r) => (tokenServer ? tokenServer.close(() => r()) : r()));
});
beforeEach(() => {
  sb.refuseTokens = false;
});

/** The namespace resolves to the loopback server; nothing else resolves. */
const network = new OutboundPolicy({ allowPrivate: true }, async (host) => {
  if (host === NAMESPACE) return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
});
/** The production lists, plus the loopback token endpoint standing in for login.microsoftonline.com. */
const productionLists = new HostAllowList({ enforce: true, extra: { 'entra-authority': ['127.0.0.1'] } });

const orgConnector = (extra: { settings?: Record<string, unknown>; secrets?: Record<string, unknown> } = {}): ConnectorDescriptor => ({
  id: '00000000-0000-4000-8000-0000000000c1',
  name: `bus-${randomBytes(3).toString('hex')}`,
  systemType: 'azure-service-bus',
  settings: { fullyQualifiedNamespace: NAMESPACE, entity: 'orders', tenantId: TENANT, authorityHost: authority, ...extra.settings },
  secrets: { clientId: 'org-app', clientSecret: 'org-secret', ...extra.secrets },
});

const ctx = (idempotencyKey: string): OperationContext => ({
  signal: new AbortController().signal,
  idempotencyKey,
  logger: createLogger('silent'),
  taskKey: 'notify',
  expressionContext: {},
});

function send(registry: ReturnType<typeof createDefaultRegistry>, c: ConnectorDescriptor, input: unknown, key: string) {
  const op = registry.getAdapter(c).operations['send']!;
  if (op.kind !== 'call') throw new Error('send is a call');
  return op.run(op.input.parse(input), ctx(key));
}

describe("a Service Bus connector signs in with the organisation's service principal only (over AMQP)", () => {
  const registryNow = () => createDefaultRegistry({ network, hosts: productionLists, serviceBusWebSocket: sb.webSocket });

  it("sends with a token from the organisation's endpoint, for the Service Bus scope, with the namespace's entity as audience", async () => {
    const tokensBefore = tokenRequests.length;
    const out = await send(registryNow(), orgConnector(), { message: { orderId: 'A-7' } }, 'sp-run-1');
    expect(out).toEqual({ sent: true, entity: 'orders', messageId: 'sp-run-1' });
    expect(sb.received.at(-1)).toMatchObject({ entity: 'orders', messageId: 'sp-run-1', body: { orderId: 'A-7' } });
    // The SDK meant the namespace (AMQP over WebSocket, TLS), and asked the namespace's CBS for its entity.
    expect(sb.webSocketUrls.at(-1)).toBe(`wss://${NAMESPACE}:443/$servicebus/websocket`);
    expect(sb.tokens.at(-1)).toBe(`sb://${NAMESPACE}/orders`);
    // The token the namespace got is the one the organisation's endpoint issued…
    const issued = tokenRequests.slice(tokensBefore);
    expect(issued.length).toBeGreaterThanOrEqual(1);
    expect(sb.tokenValues.at(-1)).toBe(`org-sb-token-${tokensBefore + issued.length}`);
    // …to the organisation's app, in its tenant, for Service Bus and nothing else.
    for (const r of issued) {
      expect(r.path).toBe(`/${TENANT}/oauth2/v2.0/token`);
      expect(r.form.get('grant_type')).toBe('client_credentials');
      expect(r.form.get('client_id')).toBe('org-app');
      expect(r.form.get('scope')).toBe(SERVICE_BUS_SCOPE);
    }
  });

  it('a namespace that refuses the token gets no token for anything else, and the task fails naming the refusal', async () => {
    sb.refuseTokens = true;
    const tokensBefore = tokenRequests.length;
    const put = sb.tokens.length;
    await expect(send(registryNow(), orgConnector(), { message: 'x' }, 'sp-run-2')).rejects.toMatchObject({
      code: 'service_bus_error',
      message: expect.stringMatching(/InvalidSignature/),
    });
    expect(sb.tokens.length).toBeGreaterThan(put);
    for (const r of tokenRequests.slice(tokensBefore)) expect(r.form.get('scope')).toBe(SERVICE_BUS_SCOPE);
    expect(sb.received.some((m) => m.messageId === 'sp-run-2')).toBe(false);
  });

  it('a namespace with no credentials of the organisation is refused before anything is contacted', () => {
    const [tokensBefore, urls] = [tokenRequests.length, sb.webSocketUrls.length];
    expect(() => registryNow().getAdapter(orgConnector({ settings: { tenantId: undefined }, secrets: { clientId: undefined } }))).toThrow(
      expect.objectContaining({ code: 'connector_credentials_required' }),
    );
    expect(tokenRequests.length).toBe(tokensBefore);
    expect(sb.webSocketUrls.length).toBe(urls);
  });
});

describe('the production allow-lists hold on the same path (the test transport widens nothing)', () => {
  it('a connection string to a host outside *.servicebus.windows.net reaches no server', () => {
    const reg = createDefaultRegistry({ network, hosts: productionLists, serviceBusWebSocket: sb.webSocket });
    const [tokens, urls] = [sb.tokens.length, sb.webSocketUrls.length];
    // The double's own connection string (localhost): what an attacker's server would be.
    expect(() =>
      reg.getAdapter({ ...orgConnector(), settings: { entity: 'orders' }, secrets: { connectionString: sb.connectionString } }),
    ).toThrow(expect.objectContaining({ code: 'connector_host_not_allowed', path: 'secrets.connectionString' }));
    expect(sb.tokens.length).toBe(tokens);
    expect(sb.webSocketUrls.length).toBe(urls);
  });

  it('an authority outside the Entra list gets no token request (the client secret goes nowhere)', async () => {
    const strict = new HostAllowList({ enforce: true });
    const reg = createDefaultRegistry({ network, hosts: strict, serviceBusWebSocket: sb.webSocket });
    const tokensBefore = tokenRequests.length;
    expect(() => reg.getAdapter(orgConnector())).toThrow(
      expect.objectContaining({ code: 'connector_host_not_allowed', path: 'settings.authorityHost', host: '127.0.0.1' }),
    );
    expect(() => reg.getAdapter(orgConnector({ settings: { authorityHost: 'https://login.attacker.example' } }))).toThrow(
      expect.objectContaining({ code: 'connector_host_not_allowed', path: 'settings.authorityHost' }),
    );
    expect(tokenRequests.length).toBe(tokensBefore);
  });
});
