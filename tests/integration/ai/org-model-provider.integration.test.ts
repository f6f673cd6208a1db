/**
 * Per-organisation model provider settings (GET/PUT /api/hq/model-provider) through the whole
 * chat pipeline: the deployment default is an OpenAI-compatible loopback server A; the
 * organisation points the assistant at loopback B (and at an Anthropic loopback) with its own
 * key, which reaches only that server; clearing falls back to A. The key is write-only, sealed at
 * rest, bound to its endpoint, and absent from every response and audit entry. Endpoints an
 * organisation chose obey the outbound network policy on save and on connect.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgChatModels } from '../../../shared/ai/llm/org-chat-models';
import { OutboundPolicy } from '../../../shared/adapters/network-policy';
import { ValidationError } from '../../../shared/domain/errors';
import { putModelProvider } from '../../../shared/hq/model-provider';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { createLogger } from '../../../shared/logger';
import { startAnthropicLoopback, type AnthropicLoopback } from '../../servers/anthropic-loopback';
import { startOpenAiLoopback, type OpenAiLoopback } from '../../servers/openai-loopback';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';
import { ask } from './sse-client';

const ORG_KEY = 'sk-org-b-7f3a91c2';
const ANTHROPIC_KEY = 'sk-ant-org-55e1d0';
const admin = { orgId: DEV_ORG_ID, actor: { type: 'user' as const, id: 'dev-admin' }, role: 'owner' as const };

let a: OpenAiLoopback;
let b: OpenAiLoopback;
let claude: AnthropicLoopback;
let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let conversation: string;
let logText = '';
const capture = new Writable({
  write(chunk, _enc, cb) {
    logText += chunk.toString();
    cb();
  },
});

beforeAll(async () => {
  [a, b, claude] = await Promise.all([startOpenAiLoopback(), startOpenAiLoopback(), startAnthropicLoopback()]);
  platform = await createTestPlatform({
    queue: 'embedded',
    env: {
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: `${a.url}/v1`,
      LLM_MODEL: 'model-a',
      LLM_API_KEY: 'sk-deployment-a',
      EMBEDDING_PROVIDER: 'local',
    },
    // No redaction configured: the last test proves the keys never reach the logger at all.
    overrides: { logger: pino({ level: 'trace' }, capture) },
  });
  host = await startTestHost(platform);
  conversation = (await api(host.url, 'POST', '/api/studio/conversations', {})).body.id;
});
afterAll(async () => {
  await host?.close();
  await platform?.close();
  await Promise.all([a?.close(), b?.close(), claude?.close()]);
});

const put = (body: unknown) => api(host.url, 'PUT', '/api/hq/model-provider', body);
const get = () => api(host.url, 'GET', '/api/hq/model-provider');
const bearer = (r: { headers: Record<string, unknown> }) => r.headers['authorization'];

describe('organisation model provider', () => {
  it('starts on the platform default, which GET describes without its key', async () => {
    const r = await get();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      provider: 'platform-default',
      apiKeySet: false,
      updatedAt: null,
      platformDefault: { provider: 'openai-compatible', model: 'model-a', baseUrlHost: new URL(a.url).host, maxOutputTokens: 1024 },
    });
    expect(JSON.stringify(r.body)).not.toContain('sk-deployment-a');

    const answer = await ask(host.url, conversation, 'Who answers?');
    expect(answer.of('done')[0].model).toBe('openai-compatible:model-a');
    expect(bearer(a.chatRequests().at(-1)!)).toBe('Bearer sk-deployment-a');
  });

  it("sends the next question to the organisation's own endpoint with its key, without a restart", async () => {
    const r = await put({ provider: 'openai-compatible', baseUrl: `${b.url}/v1`, model: 'model-b', apiKey: ORG_KEY });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      provider: 'openai-compatible',
      baseUrl: `${b.url}/v1`,
      model: 'model-b',
      apiKeySet: true,
      maxOutputTokens: null,
      updatedBy: 'dev-admin',
    });
    expect(JSON.stringify(r.body)).not.toContain(ORG_KEY);
    expect(JSON.stringify((await get()).body)).not.toContain(ORG_KEY);

    const before = a.chatRequests().length;
    b.script({ type: 'stream', parts: [{ text: 'From B.' }] });
    const answer = await ask(host.url, conversation, 'And now?');
    expect(answer.text).toBe('From B.');
    expect(answer.of('done')[0].model).toBe('openai-compatible:model-b');
    const req = b.chatRequests().at(-1)!;
    expect(bearer(req)).toBe(`Bearer ${ORG_KEY}`);
    expect(req.body.model).toBe('model-b');
    expect(req.body.max_tokens).toBe(1024); // the deployment's LLM_MAX_OUTPUT_TOKENS
    expect(a.chatRequests().length).toBe(before);
  });

  it('stores the key sealed and audits the change without it', async () => {
    const { rows } = await platform.db.query<{ sealed: string }>(
      'SELECT sealed_api_key::text AS sealed FROM org_model_providers WHERE org_id = $1::uuid',
      [DEV_ORG_ID],
    );
    expect(rows[0]!.sealed).toMatch(/"alg": "A256GCM"/);
    expect(rows[0]!.sealed).not.toContain(ORG_KEY);
    const audit = await api(host.url, 'GET', '/api/hq/audit?action=model_provider.update');
    expect(audit.body.items[0].diff).toEqual({
      before: { provider: 'platform-default', key: 'none' },
      after: {
        provider: 'openai-compatible',
        baseUrl: `${b.url}/v1`,
        model: 'model-b',
        deployment: null,
        apiVersion: null,
        maxOutputTokens: null,
        key: '(changed)',
      },
    });
    expect(JSON.stringify(audit.body)).not.toContain(ORG_KEY);
  });

  it('keeps the stored key when apiKey is omitted, reuses the client while settings are unchanged, and rebuilds it after a change', async () => {
    const first = await platform.ai.chatFor(DEV_ORG_ID);
    expect(await platform.ai.chatFor(DEV_ORG_ID)).toBe(first);

    const auditBefore = (await api(host.url, 'GET', '/api/hq/audit?action=model_provider.update')).body.items.length;
    const same = await put({ provider: 'openai-compatible', baseUrl: `${b.url}/v1`, model: 'model-b' });
    expect(same.status).toBe(200);
    // Nothing changed: no audit entry, and the cached client stays.
    expect((await api(host.url, 'GET', '/api/hq/audit?action=model_provider.update')).body.items.length).toBe(auditBefore);
    expect(await platform.ai.chatFor(DEV_ORG_ID)).toBe(first);

    const r = await put({ provider: 'openai-compatible', baseUrl: `${b.url}/v1`, model: 'model-b', maxOutputTokens: 200 });
    expect(r.body).toMatchObject({ apiKeySet: true, maxOutputTokens: 200 });
    expect(await platform.ai.chatFor(DEV_ORG_ID)).not.toBe(first);
    await ask(host.url, conversation, 'Shorter please');
    const req = b.chatRequests().at(-1)!;
    expect(bearer(req)).toBe(`Bearer ${ORG_KEY}`);
    expect(req.body.max_tokens).toBe(200);
    const audit = await api(host.url, 'GET', '/api/hq/audit?action=model_provider.update');
    expect(audit.body.items[0].diff.before.key).toBe('stored');
    expect(audit.body.items[0].diff.after).toMatchObject({ key: 'stored', maxOutputTokens: 200 });
  });

  it('never sends a stored key to another endpoint: moving the base URL needs the key again or null', async () => {
    const moved = await put({ provider: 'openai-compatible', baseUrl: `${a.url}/v1`, model: 'model-b' });
    expect(moved.status).toBe(422);
    expect(moved.body.code).toBe('model_provider_key_required');
    expect(moved.body.errors[0].path).toBe('apiKey');
    const asAnthropic = await put({ provider: 'anthropic', model: 'claude', baseUrl: `${b.url}/v1` });
    expect(asAnthropic.body.code).toBe('model_provider_key_required');
    expect((await get()).body).toMatchObject({ baseUrl: `${b.url}/v1`, apiKeySet: true });
  });

  it('apiKey null removes the key: the endpoint is called without it', async () => {
    const r = await put({ provider: 'openai-compatible', baseUrl: `${b.url}/v1`, model: 'model-b', apiKey: null });
    expect(r.body.apiKeySet).toBe(false);
    await ask(host.url, conversation, 'No key now');
    expect(bearer(b.chatRequests().at(-1)!)).not.toContain(ORG_KEY);
    const audit = await api(host.url, 'GET', '/api/hq/audit?action=model_provider.update');
    expect(audit.body.items[0].diff.after.key).toBe('none');
  });

  it('uses an Anthropic endpoint with its own key', async () => {
    const r = await put({ provider: 'anthropic', model: 'claude-org', baseUrl: claude.url, apiKey: ANTHROPIC_KEY, maxOutputTokens: 300 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    claude.script({ type: 'stream', parts: [{ text: 'Claude here.' }] });
    const answer = await ask(host.url, conversation, 'Which model?');
    expect(answer.text).toBe('Claude here.');
    expect(answer.of('done')[0].model).toBe('anthropic:claude-org');
    const req = claude.requests.at(-1)!;
    expect(req.headers['authorization'] === `Bearer ${ANTHROPIC_KEY}` || req.headers['x-api-key'] === ANTHROPIC_KEY).toBe(true);
    expect(req.body).toMatchObject({ model: 'claude-org', max_tokens: 300 });
  });

  it('reports a stored key that no longer decrypts as an error event, and recovers when it is entered again', async () => {
    await platform.db.query(
      `UPDATE org_model_providers SET sealed_api_key = jsonb_set(sealed_api_key, '{ct}', to_jsonb('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'::text)), updated_at = now() WHERE org_id = $1::uuid`,
      [DEV_ORG_ID],
    );
    const broken = await ask(host.url, conversation, 'Still there?');
    expect(broken.of('error')[0]).toMatchObject({ code: 'model_provider_key_undecryptable', retryable: false });
    expect(JSON.stringify(broken.events)).not.toContain(ANTHROPIC_KEY);

    expect((await put({ provider: 'anthropic', model: 'claude-org', baseUrl: claude.url, apiKey: ANTHROPIC_KEY })).status).toBe(200);
    claude.script({ type: 'stream', parts: [{ text: 'Back.' }] });
    expect((await ask(host.url, conversation, 'Now?')).text).toBe('Back.');
  });

  it("'none' answers with passages only; 'platform-default' falls back to the deployment and drops the key", async () => {
    expect((await put({ provider: 'none' })).body).toMatchObject({ provider: 'none', apiKeySet: false });
    const quiet = await ask(host.url, conversation, 'Anyone?');
    expect(quiet.text).toMatch(/^No language model is configured/);
    expect(quiet.of('done')[0].model).toBe('none');

    const r = await put({ provider: 'platform-default' });
    expect(r.body).toMatchObject({ provider: 'platform-default', apiKeySet: false, baseUrl: null, model: null });
    const back = await ask(host.url, conversation, 'Default again?');
    expect(back.of('done')[0].model).toBe('openai-compatible:model-a');
    expect(bearer(a.chatRequests().at(-1)!)).toBe('Bearer sk-deployment-a');
    const { rows } = await platform.db.query('SELECT sealed_api_key FROM org_model_providers WHERE org_id = $1::uuid', [DEV_ORG_ID]);
    expect(rows[0]).toEqual({ sealed_api_key: null });
  });
});

describe('PUT /api/hq/model-provider refuses bad input with problem+json', () => {
  it.each([
    ['no provider', {}, 'invalid_model_provider', 'provider'],
    ['an unknown provider', { provider: 'gemini' }, 'invalid_model_provider', 'provider'],
    ['Azure without endpoint and deployment', { provider: 'azure-openai', apiKey: 'k' }, 'invalid_model_provider', 'endpoint'],
    [
      'a non-http base URL',
      { provider: 'openai-compatible', baseUrl: 'ftp://llm.example.com', model: 'm' },
      'invalid_model_provider',
      'baseUrl',
    ],
    [
      'credentials in the URL',
      { provider: 'openai-compatible', baseUrl: 'https://user:pw@llm.example.com/v1', model: 'm' },
      'invalid_model_provider',
      'baseUrl',
    ],
    [
      'a field of another provider',
      { provider: 'openai-compatible', baseUrl: 'https://llm.example.com/v1', model: 'm', deployment: 'd' },
      'invalid_model_provider',
      '(body)',
    ],
    ['a key with platform-default', { provider: 'platform-default', apiKey: 'k' }, 'invalid_model_provider', '(body)'],
    [
      'too few output tokens',
      { provider: 'openai-compatible', baseUrl: 'https://llm.example.com/v1', model: 'm', maxOutputTokens: 10 },
      'invalid_model_provider',
      'maxOutputTokens',
    ],
    [
      'too many output tokens',
      { provider: 'openai-compatible', baseUrl: 'https://llm.example.com/v1', model: 'm', maxOutputTokens: 40_000 },
      'invalid_model_provider',
      'maxOutputTokens',
    ],
    [
      'a bad API version',
      { provider: 'azure-openai', endpoint: 'https://x.openai.azure.com', deployment: 'd', apiVersion: 'latest', apiKey: 'k' },
      'invalid_model_provider',
      'apiVersion',
    ],
    [
      'Azure without a key',
      { provider: 'azure-openai', endpoint: 'https://x.openai.azure.com', deployment: 'd' },
      'model_provider_key_required',
      'apiKey',
    ],
    ['Anthropic without a key', { provider: 'anthropic', model: 'claude' }, 'model_provider_key_required', 'apiKey'],
  ])('%s', async (_label, body, code, path) => {
    const before = (await get()).body.updatedAt;
    const r = await put(body);
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe(code);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await get()).body.updatedAt).toBe(before);
  });
});

describe('outbound network policy (production: private ranges denied)', () => {
  const strict = new OutboundPolicy({ allowPrivate: false }, async (h) =>
    h === 'metadata.internal' ? [{ address: '169.254.169.254', family: 4 }] : [{ address: '93.184.216.34', family: 4 }],
  );

  it('refuses to save an endpoint whose host is a denied address, literal or resolved', async () => {
    const p = { ...platform, network: strict };
    for (const baseUrl of ['http://169.254.169.254/v1', 'http://metadata.internal/v1', 'http://[::1]:8080/v1']) {
      const err = await putModelProvider(p, admin, { provider: 'openai-compatible', baseUrl, model: 'm' }).catch((e: unknown) => e);
      expect(err, baseUrl).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).code).toBe('invalid_model_provider');
      expect((err as ValidationError).issues[0]).toMatchObject({ path: 'baseUrl', message: expect.stringMatching(/not allowed/) });
    }
  });

  it('refuses to connect to a denied address at question time (a row saved earlier, or a name that now resolves privately)', async () => {
    const models = createOrgChatModels({
      db: platform.db,
      secretBox: platform.secretBox,
      network: strict,
      logger: createLogger('silent'),
      defaultChat: null,
      defaultMaxOutputTokens: 100,
    });
    try {
      for (const baseUrl of [`${b.url}/v1`, 'http://metadata.internal/v1']) {
        expect((await put({ provider: 'openai-compatible', baseUrl, model: 'model-b', apiKey: null })).status).toBe(200);
        const before = b.requests.length;
        const model = (await models.forOrg(DEV_ORG_ID))!;
        const events: unknown[] = [];
        const err = await (async () => {
          for await (const ev of model.stream({
            system: 's',
            messages: [{ role: 'user', content: 'hi' }],
            tools: [],
            signal: AbortSignal.timeout(10_000),
          }))
            events.push(ev);
        })().catch((e: unknown) => e);
        expect(err, baseUrl).toMatchObject({ code: 'outbound_address_blocked' });
        expect(events).toEqual([]);
        expect(b.requests.length).toBe(before);
      }
    } finally {
      await models.close();
      await put({ provider: 'platform-default' });
    }
  });
});

describe('logs', () => {
  it('never carry an organisation key (trace level, no redaction)', () => {
    expect(logText.length).toBeGreaterThan(0);
    expect(logText).toContain('answer failed'); // the undecryptable-key answer was logged
    for (const k of [ORG_KEY, ANTHROPIC_KEY]) expect(logText).not.toContain(k);
  });
});
