/**
 * Webhook triggers over HTTP against the running host (real PostgreSQL, Redis, worker): the
 * triggers API, deliveries signed in the test the way GitHub and Stripe document it, shared
 * tokens, Entra sign-in, the handshakes of Event Grid, CloudEvents, Microsoft Graph and Business
 * Central, replays, stale timestamps, oversized and unsigned deliveries, rate limits, rotation,
 * mapping, filters and synchronous answers. Every refused delivery is checked to start no run.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestStack, waitFor, type TestStack } from '../../helpers/test-platform';

let stack: TestStack;
let base: string;
let workflowId: string;

const GITHUB_SECRET = 'It’s a Secret to Everybody, 2026';
const STRIPE_SECRET = 'whsec_5f0e1a2b3c4d5e6f7a8b9c0d1e2f3a4b';
const TOKEN = 'aeg-token-0123456789abcdef';

beforeAll(async () => {
  stack = await startTestStack({ env: { MAX_BODY_BYTES: '65536' } });
  base = stack.host.url;
  const wf = await api(base, 'POST', '/api/workflows', {
    name: 'on-webhook',
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { got: '{{ input }}' } }],
  });
  expect(wf.status).toBe(201);
  workflowId = wf.body.id;
});

afterAll(async () => {
  await stack?.close();
});

async function createTrigger(body: Record<string, unknown>) {
  const r = await api(base, 'POST', `/api/workflows/${workflowId}/triggers`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; url: string; [k: string]: unknown };
}

async function runCount(): Promise<number> {
  const { rows } = await stack.platform.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_id = $1::uuid',
    [workflowId],
  );
  return rows[0]!.n;
}

async function runInput(id: string): Promise<unknown> {
  const { rows } = await stack.platform.db.query<{ input: unknown; trigger: string }>(
    'SELECT input, trigger FROM workflow_runs WHERE id = $1::uuid',
    [id],
  );
  expect(rows[0]?.trigger).toBe('event');
  return rows[0]?.input;
}

/** POSTs raw bytes to a hook URL. */
async function deliver(url: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST') {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'OPTIONS' ? null : body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}

/** GitHub: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the payload with the webhook secret. */
const githubSignature = (secret: string, payload: string | Buffer) =>
  `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
/** Stripe: Stripe-Signature = "t=<ts>,v1=" + hex HMAC-SHA256 of "<ts>.<payload>" with the endpoint secret. */
const stripeSignature = (secret: string, payload: string, t: number) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;

describe('the triggers API', () => {
  it('creates the webhook of the issue exactly as written: 201 with id and URL, the secret never returned', async () => {
    const secret = 'a-github-webhook-secret-of-some-length';
    const r = await api(base, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', encoding: 'hex', secret },
      deliveryIdHeader: 'X-GitHub-Delivery',
      input: '{{ { "order": body.order } }}',
    });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^trg_[A-Za-z0-9_-]{24}$/);
    expect(r.body.url).toBe(`${base}/api/hooks/${r.body.id}`);
    expect(r.body).toMatchObject({
      type: 'webhook',
      format: 'json',
      secretSet: true,
      failedVerifications: 0,
      verification: { type: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', encoding: 'hex' },
    });
    expect(r.headers.get('location')).toBe(`/api/workflows/${workflowId}/triggers/${r.body.id}`);
    expect(JSON.stringify(r.body)).not.toContain(secret);
    const got = await api(base, 'GET', `/api/workflows/${workflowId}/triggers/${r.body.id}`);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain(secret);
    const list = await api(base, 'GET', `/api/workflows/${workflowId}/triggers`);
    expect(list.body.items.map((t: { id: string }) => t.id)).toContain(r.body.id);
    // Nor is it in the stored row or the audit log in clear.
    const { rows } = await stack.platform.db.query<{ t: string }>(
      'SELECT row_to_json(w)::text AS t FROM workflow_triggers w WHERE id = $1::text UNION ALL SELECT diff::text FROM audit_log WHERE target_id = $1::text',
      [r.body.id],
    );
    for (const row of rows) expect(row.t).not.toContain(secret);
  });

  it('accepts the token form of the issue and refuses what cannot work, naming each field', async () => {
    await createTrigger({ type: 'webhook', format: 'event-grid', verification: { type: 'token', header: 'aeg-sas-key', secret: TOKEN } });
    const bad = await api(base, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'token', secret: TOKEN },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('invalid_trigger');
    const noSecret = await api(base, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'hmac', header: 'X-Sig' },
    });
    expect(noSecret.body.errors).toEqual([{ path: 'verification.secret', message: 'is required' }]);
    const short = await api(base, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'hmac', header: 'X-Sig', secret: 'short' },
    });
    expect(short.status).toBe(422);
    const badExpr = await api(base, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'entra' },
      filter: 'body.(',
    });
    expect(badExpr.body.errors[0].path).toBe('filter');
    const tooBig = await api(base, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'webhook',
      verification: { type: 'entra' },
      maxBodyBytes: 1_000_000,
    });
    expect(tooBig.body.errors[0].path).toBe('maxBodyBytes');
    const missing = await api(base, 'POST', `/api/workflows/${randomUUID()}/triggers`, {
      type: 'webhook',
      verification: { type: 'entra' },
    });
    expect(missing.status).toBe(404);
  });

  it('deletes a trigger: its URL answers 404 from then on', async () => {
    const t = await createTrigger({ type: 'webhook', verification: { type: 'token', query: 'code', secret: TOKEN } });
    expect((await deliver(`${t.url}?code=${TOKEN}`, '{}')).status).toBe(202);
    expect((await api(base, 'DELETE', `/api/workflows/${workflowId}/triggers/${t.id}`)).status).toBe(204);
    expect((await deliver(`${t.url}?code=${TOKEN}`, '{}')).status).toBe(404);
    expect((await api(base, 'GET', `/api/workflows/${workflowId}/triggers/${t.id}`)).status).toBe(404);
  });
});

describe('GitHub-style HMAC deliveries', () => {
  let t: { id: string; url: string };
  beforeAll(async () => {
    t = await createTrigger({
      type: 'webhook',
      name: 'github',
      verification: { type: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', encoding: 'hex', secret: GITHUB_SECRET },
      deliveryIdHeader: 'X-GitHub-Delivery',
      input: '{{ { "order": body.order, "event": headers."x-github-event", "auth": headers.authorization, "cookie": headers.cookie } }}',
    });
  });

  it('a delivery signed as GitHub documents starts one run with the mapped input; credentials never reach the mapping', async () => {
    const payload = JSON.stringify({ action: 'opened', order: { id: 'A-1', total: 12.5 } });
    const r = await deliver(t.url, payload, {
      'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, payload),
      'X-GitHub-Delivery': randomUUID(),
      'X-GitHub-Event': 'issues',
      Authorization: 'Bearer not-for-the-mapping',
      Cookie: 'session=secret',
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id: expect.any(String), status: 'PENDING', runs: [{ replayed: false }], filtered: 0 });
    expect(r.headers.get('location')).toBe(`/api/runs/${r.body.id}`);
    // JSONata leaves out keys whose value is undefined: Authorization and Cookie were never there to map.
    expect(await runInput(r.body.id)).toEqual({ order: { id: 'A-1', total: 12.5 }, event: 'issues' });
  });

  it('the known GitHub test vector verifies (secret and payload from GitHub’s documentation)', async () => {
    // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
    const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(githubSignature("It's a Secret to Everybody", 'Hello, World!')).toBe(expected);
  });

  it('a redelivery (same X-GitHub-Delivery) returns the run it started: no second run', async () => {
    const payload = JSON.stringify({ order: { id: 'B-2' } });
    const id = randomUUID();
    const headers = { 'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, payload), 'X-GitHub-Delivery': id };
    const first = await deliver(t.url, payload, headers);
    const before = await runCount();
    const again = await deliver(t.url, payload, headers);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await runCount()).toBe(before);
    // The same delivery id with another (validly signed) body is a replay with altered content: refused.
    const other = JSON.stringify({ order: { id: 'B-3' } });
    const altered = await deliver(t.url, other, { 'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, other), 'X-GitHub-Delivery': id });
    expect(altered.status).toBe(409);
    expect(await runCount()).toBe(before);
  });

  it('forged, tampered and unsigned deliveries get the same 401 (no hint which check failed), start no run, and are counted', async () => {
    const payload = JSON.stringify({ order: { id: 'X' } });
    const before = await runCount();
    const cases: Array<Record<string, string>> = [
      { 'X-Hub-Signature-256': githubSignature('another secret entirely!', payload) }, // wrong key
      { 'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, payload + ' ') }, // body tampered
      { 'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, payload).replace('sha256=', 'sha1=') }, // wrong prefix
      { 'X-Hub-Signature-256': 'sha256=zz' }, // malformed
      {}, // unsigned
    ];
    const bodies = new Set<string>();
    for (const h of cases) {
      const r = await deliver(t.url, payload, { ...h, 'X-GitHub-Delivery': randomUUID() });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('delivery_unverified');
      const { instance: _i, ...rest } = r.body;
      bodies.add(JSON.stringify(rest));
    }
    expect(bodies.size).toBe(1);
    expect(await runCount()).toBe(before);
    const view = await api(base, 'GET', `/api/workflows/${workflowId}/triggers/${t.id}`);
    expect(view.body.failedVerifications).toBeGreaterThanOrEqual(cases.length);
    expect(view.body.lastFailedVerificationAt).not.toBeNull();
    const deliveries = await api(base, 'GET', `/api/workflows/${workflowId}/triggers/${t.id}/deliveries?limit=20`);
    const reasons = deliveries.body.items
      .filter((d: { outcome: string }) => d.outcome === 'refused')
      .map((d: { reason: string }) => d.reason);
    expect(reasons).toEqual(expect.arrayContaining(['signature_mismatch', 'signature_malformed', 'signature_missing']));
    const started = deliveries.body.items.find((d: { outcome: string }) => d.outcome === 'started');
    expect(started).toMatchObject({ status: 202, runId: expect.any(String) });
  });

  it('fast-check: a replayed delivery (same X-GitHub-Delivery, any body and headers) returns the first run and starts no other', async () => {
    const before = await runCount();
    let started = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.json({ maxDepth: 3 }),
        fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,16}$/), fc.stringMatching(/^[\x21-\x7e]{0,40}$/), { maxKeys: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (json, extra, replays) => {
          const payload = JSON.stringify({ order: JSON.parse(json) as unknown });
          const headers = { ...extra, 'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, payload), 'X-GitHub-Delivery': randomUUID() };
          const first = await deliver(t.url, payload, headers);
          expect(first.status).toBe(202);
          started++;
          for (let i = 0; i < replays; i++) {
            const again = await deliver(t.url, payload, headers);
            expect(again.status).toBe(202);
            expect(again.body.id).toBe(first.body.id);
            expect(again.body.runs[0].replayed).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
    expect(await runCount()).toBe(before + started);
  });

  it('a delivery without the configured delivery-id header is refused with 400 and starts no run', async () => {
    const payload = '{"order":{}}';
    const before = await runCount();
    const r = await deliver(t.url, payload, { 'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, payload) });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('delivery_id_missing');
    expect(await runCount()).toBe(before);
  });

  it('the signature covers the raw bytes: non-UTF-8 bytes and a byte-order mark verify as sent', async () => {
    const raw = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"order":{"note":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    const r = await deliver(t.url, raw, { 'X-Hub-Signature-256': githubSignature(GITHUB_SECRET, raw), 'X-GitHub-Delivery': randomUUID() });
    expect(r.status).toBe(202);
  });

  it('fast-check: deliveries with arbitrary headers and bodies but no valid signature are all refused and start no run', async () => {
    const before = await runCount();
    const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,20}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 2048 }),
        fc.dictionary(headerName, fc.stringMatching(/^[\x21-\x7e]{0,60}$/), { maxKeys: 5 }),
        fc.constantFrom('none', 'wrong-key', 'other-body', 'garbage', 'stripe-form'),
        async (bytes, extra, how) => {
          const body = Buffer.from(bytes);
          const sig =
            how === 'none'
              ? undefined
              : how === 'wrong-key'
                ? githubSignature(`${GITHUB_SECRET}!`, body)
                : how === 'other-body'
                  ? githubSignature(GITHUB_SECRET, Buffer.concat([body, Buffer.from('x')]))
                  : how === 'garbage'
                    ? `sha256=${Buffer.from(bytes.slice(0, 32)).toString('hex')}`
                    : stripeSignature(GITHUB_SECRET, body.toString('utf8'), Math.floor(Date.now() / 1000));
          const headers: Record<string, string> = { ...extra, 'X-GitHub-Delivery': randomUUID() };
          delete headers['x-hub-signature-256'];
          if (sig) headers['X-Hub-Signature-256'] = sig;
          const r = await deliver(t.url, body, headers);
          expect(r.status).toBe(401);
        },
      ),
      { numRuns: 60 },
    );
    expect(await runCount()).toBe(before);
  });
});

describe('Stripe-style signed timestamps', () => {
  let t: { id: string; url: string };
  beforeAll(async () => {
    t = await createTrigger({
      type: 'webhook',
      name: 'stripe',
      verification: { type: 'stripe-style', secret: STRIPE_SECRET },
      input: '{{ { "type": body.type } }}',
    });
  });

  it('a delivery signed as Stripe documents (t=…,v1=…) starts a run', async () => {
    const payload = JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded' });
    const r = await deliver(t.url, payload, { 'Stripe-Signature': stripeSignature(STRIPE_SECRET, payload, Math.floor(Date.now() / 1000)) });
    expect(r.status).toBe(202);
    expect(await runInput(r.body.id)).toEqual({ type: 'payment_intent.succeeded' });
  });

  it('a header with several v1 signatures (Stripe during secret rolls) verifies when one matches', async () => {
    const payload = '{"type":"x"}';
    const ts = Math.floor(Date.now() / 1000);
    const good = stripeSignature(STRIPE_SECRET, payload, ts).split(',')[1]!;
    const r = await deliver(t.url, payload, { 'Stripe-Signature': `t=${ts},v1=${'0'.repeat(64)},${good},v0=abc` });
    expect(r.status).toBe(202);
  });

  it('fast-check: for any body and headers, a fresh signed delivery starts a run and the same body signed at a stale or future time none', async () => {
    const before = await runCount();
    let started = 0;
    const now = () => Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.json({ maxDepth: 3 }),
        fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,16}$/), fc.stringMatching(/^[\x21-\x7e]{0,40}$/), { maxKeys: 4 }),
        fc.integer({ min: 301, max: 10 * 365 * 86_400 }),
        fc.boolean(),
        async (json, extra, age, future) => {
          const payload = JSON.stringify({ p: JSON.parse(json) as unknown });
          const fresh = { ...extra, 'Stripe-Signature': stripeSignature(STRIPE_SECRET, payload, now()) };
          const first = await deliver(t.url, payload, fresh);
          expect(first.status).toBe(202);
          started++;
          // A capture replayed later carries its old signed timestamp: refused, whatever else it holds.
          const stale = await deliver(t.url, payload, {
            ...extra,
            'Stripe-Signature': stripeSignature(STRIPE_SECRET, payload, future ? now() + age : now() - age),
          });
          expect(stale.status).toBe(401);
        },
      ),
      { numRuns: 25 },
    );
    expect(await runCount()).toBe(before + started);
  });

  it('stale and future timestamps (correctly signed) and a signature moved to another timestamp are refused; no run', async () => {
    const payload = '{"type":"old"}';
    const before = await runCount();
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 301, now - 86_400, now + 400]) {
      const r = await deliver(t.url, payload, { 'Stripe-Signature': stripeSignature(STRIPE_SECRET, payload, ts) });
      expect(r.status).toBe(401);
    }
    const sig = stripeSignature(STRIPE_SECRET, payload, now - 1000).split(',')[1];
    expect((await deliver(t.url, payload, { 'Stripe-Signature': `t=${now},${sig}` })).status).toBe(401);
    expect(await runCount()).toBe(before);
    const deliveries = await api(base, 'GET', `/api/workflows/${workflowId}/triggers/${t.id}/deliveries`);
    expect(deliveries.body.items.map((d: { reason: string | null }) => d.reason)).toContain('stale_timestamp');
  });
});

describe('tokens, rotation, Entra sign-in', () => {
  it('a token in a header or in the query verifies; the token is hidden from the mapping', async () => {
    const h = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', header: 'X-Webhook-Token', secret: TOKEN },
      input: '{{ { "headers": headers, "query": query } }}',
    });
    const ok = await deliver(`${h.url}?a=1`, '{}', { 'X-Webhook-Token': TOKEN });
    expect(ok.status).toBe(202);
    const input = (await runInput(ok.body.id)) as { headers: Record<string, string>; query: Record<string, string> };
    expect(input.headers['x-webhook-token']).toBeUndefined();
    expect(input.query).toEqual({ a: '1' });
    expect((await deliver(h.url, '{}', { 'X-Webhook-Token': `${TOKEN}x` })).status).toBe(401);
    const q = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', query: 'code', secret: TOKEN },
      input: '{{ { "query": query } }}',
    });
    const okq = await deliver(`${q.url}?code=${TOKEN}&b=2`, '{}');
    expect(okq.status).toBe(202);
    expect(await runInput(okq.body.id)).toEqual({ query: { b: '2' } });
    expect((await deliver(`${q.url}?code=nope`, '{}')).status).toBe(401);
  });

  it('rotation: after a new secret both are valid during the overlap; with no overlap the old one stops at once', async () => {
    const body = {
      type: 'webhook',
      name: 'rotating',
      verification: { type: 'hmac', header: 'X-Signature', encoding: 'base64', secret: 'first-secret-0123456789' },
    };
    const t = await createTrigger(body);
    const sign = (s: string, p: string) => createHmac('sha256', s).update(p).digest('base64');
    const p = '{"n":1}';
    expect((await deliver(t.url, p, { 'X-Signature': sign('first-secret-0123456789', p) })).status).toBe(202);
    const rotated = await api(base, 'PUT', `/api/workflows/${workflowId}/triggers/${t.id}`, {
      ...body,
      verification: { ...body.verification, secret: 'second-secret-0123456789' },
      secretOverlapSeconds: 600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretValidUntil).not.toBeNull();
    expect((await deliver(t.url, p, { 'X-Signature': sign('first-secret-0123456789', p) })).status).toBe(202);
    expect((await deliver(t.url, p, { 'X-Signature': sign('second-secret-0123456789', p) })).status).toBe(202);
    // A PUT without a secret keeps the current one (and the overlap).
    const { secret: _s, ...noSecret } = body.verification;
    expect((await api(base, 'PUT', `/api/workflows/${workflowId}/triggers/${t.id}`, { ...body, verification: noSecret })).status).toBe(200);
    expect((await deliver(t.url, p, { 'X-Signature': sign('second-secret-0123456789', p) })).status).toBe(202);
    await api(base, 'PUT', `/api/workflows/${workflowId}/triggers/${t.id}`, {
      ...body,
      verification: { ...body.verification, secret: 'third-secret-0123456789' },
      secretOverlapSeconds: 0,
    });
    expect((await deliver(t.url, p, { 'X-Signature': sign('second-secret-0123456789', p) })).status).toBe(401);
    expect((await deliver(t.url, p, { 'X-Signature': sign('third-secret-0123456789', p) })).status).toBe(202);
  });

  it('entra: the caller signs in (here with API keys): an operator key starts the run, a viewer key or a bad key is refused', async () => {
    const t = await createTrigger({ type: 'webhook', verification: { type: 'entra' } });
    const operator = await api(base, 'POST', '/api/hq/api-keys', { name: 'hook-operator', role: 'operator' });
    const viewer = await api(base, 'POST', '/api/hq/api-keys', { name: 'hook-viewer', role: 'viewer' });
    const before = await runCount();
    expect((await deliver(t.url, '{}', { 'X-Api-Key': viewer.body.key })).status).toBe(401);
    expect((await deliver(t.url, '{}', { 'X-Api-Key': 'dmt_not-a-key' })).status).toBe(401);
    expect(await runCount()).toBe(before);
    const ok = await deliver(t.url, '{"x":1}', { 'X-Api-Key': operator.body.key });
    expect(ok.status).toBe(202);
  });
});

describe('Event Grid and CloudEvents', () => {
  let t: { id: string; url: string };
  const auth = { 'aeg-sas-key': TOKEN };
  beforeAll(async () => {
    t = await createTrigger({
      type: 'webhook',
      name: 'event-grid',
      format: 'event-grid',
      verification: { type: 'token', header: 'aeg-sas-key', secret: TOKEN },
    });
  });

  const egEvent = (id: string, data: unknown = { n: id }) => ({
    id,
    topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct',
    subject: '/blobServices/default/containers/c/blobs/b',
    eventType: 'Contoso.Items.ItemReceived',
    eventTime: new Date().toISOString(),
    data,
    dataVersion: '1.0',
    metadataVersion: '1',
  });

  it('answers the subscription validation event with validationResponse, starting no run', async () => {
    const before = await runCount();
    const body = JSON.stringify([
      {
        id: randomUUID(),
        topic: '/subscriptions/x',
        subject: '',
        data: {
          validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
          validationUrl: 'https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/x/validate?id=0&t=2026',
        },
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        eventTime: new Date().toISOString(),
        metadataVersion: '1',
        dataVersion: '2',
      },
    ]);
    const r = await deliver(t.url, body, { 'aeg-event-type': 'SubscriptionValidation' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
    expect(await runCount()).toBe(before);
  });

  it('answers CloudEvents webhook validation (OPTIONS with WebHook-Request-Origin)', async () => {
    const r = await deliver(t.url, '', { 'WebHook-Request-Origin': 'eventgrid.azure.net' }, 'OPTIONS');
    expect(r.status).toBe(200);
    expect(r.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
  });

  it('a batch of Event Grid events starts one run per event; redelivering the batch starts none', async () => {
    const before = await runCount();
    const batch = JSON.stringify([egEvent(randomUUID()), egEvent(randomUUID()), egEvent(randomUUID())]);
    const r = await deliver(t.url, batch, { ...auth, 'aeg-event-type': 'Notification' });
    expect(r.status).toBe(202);
    expect(r.body.runs).toHaveLength(3);
    expect(await runCount()).toBe(before + 3);
    const again = await deliver(t.url, batch, auth);
    expect(again.body.runs.every((x: { replayed: boolean }) => x.replayed)).toBe(true);
    expect(await runCount()).toBe(before + 3);
  });

  it('accepts CloudEvents in structured, batch and binary mode', async () => {
    const before = await runCount();
    const ce = (id: string) => ({
      specversion: '1.0',
      id,
      source: '/contoso/orders',
      type: 'Contoso.Order.Created',
      time: new Date().toISOString(),
      data: { id },
    });
    expect(
      (await deliver(t.url, JSON.stringify(ce(randomUUID())), { ...auth, 'content-type': 'application/cloudevents+json; charset=utf-8' }))
        .status,
    ).toBe(202);
    const batch = await deliver(t.url, JSON.stringify([ce(randomUUID()), ce(randomUUID())]), {
      ...auth,
      'content-type': 'application/cloudevents-batch+json; charset=utf-8',
    });
    expect(batch.body.runs).toHaveLength(2);
    const bin = await deliver(t.url, JSON.stringify({ id: 'bin' }), {
      ...auth,
      'ce-specversion': '1.0',
      'ce-id': randomUUID(),
      'ce-source': '/contoso',
      'ce-type': 'Contoso.Binary',
    });
    expect(bin.status).toBe(202);
    expect(await runInput(bin.body.id)).toMatchObject({ specversion: '1.0', type: 'Contoso.Binary', data: { id: 'bin' } });
    expect(await runCount()).toBe(before + 4);
  });

  it('events without the token are refused; malformed events are a 400; neither starts a run', async () => {
    const before = await runCount();
    expect((await deliver(t.url, JSON.stringify([egEvent(randomUUID())]))).status).toBe(401);
    expect((await deliver(t.url, JSON.stringify([{ nope: 1 }]), auth)).status).toBe(400);
    expect((await deliver(t.url, 'not json', auth)).status).toBe(400);
    expect(await runCount()).toBe(before);
  });

  it('the blob-created recipe: a filter keeps BlobCreated events and the mapping takes the blob URL', async () => {
    const blob = await createTrigger({
      type: 'webhook',
      name: 'blob-created',
      format: 'event-grid',
      verification: { type: 'token', query: 'code', secret: TOKEN },
      filter: 'body.eventType = "Microsoft.Storage.BlobCreated"',
      input: '{{ { "url": body.data.url, "size": body.data.contentLength } }}',
    });
    const created = {
      ...egEvent(randomUUID(), {
        api: 'PutBlob',
        contentType: 'text/csv',
        contentLength: 524288,
        blobType: 'BlockBlob',
        url: 'https://acct.blob.core.windows.net/c/orders.csv',
      }),
      eventType: 'Microsoft.Storage.BlobCreated',
    };
    const deleted = { ...egEvent(randomUUID()), eventType: 'Microsoft.Storage.BlobDeleted' };
    const r = await deliver(`${blob.url}?code=${TOKEN}`, JSON.stringify([created, deleted]));
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ filtered: 1, runs: [{ replayed: false }] });
    expect(await runInput(r.body.id)).toEqual({ url: 'https://acct.blob.core.windows.net/c/orders.csv', size: 524288 });
    const none = await deliver(`${blob.url}?code=${TOKEN}`, JSON.stringify([{ ...deleted, id: randomUUID() }]));
    expect(none.status).toBe(204);
  });
});

describe('Microsoft Graph and Business Central notifications', () => {
  const CLIENT_STATE = 'client-state-secret-0123456789';
  for (const format of ['graph', 'business-central'] as const) {
    it(`${format}: echoes validationToken as text/plain, then starts one run per notification with the right clientState`, async () => {
      const t = await createTrigger({ type: 'webhook', format, verification: { type: 'client-state', secret: CLIENT_STATE } });
      const token = 'Validation: Testing client application reachability for subscription Request-Id: 1e0c<script>';
      const v = await fetch(`${t.url}?validationToken=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
      });
      expect(v.status).toBe(200);
      expect(v.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(v.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await v.text()).toBe(token);
      const before = await runCount();
      const notification = (i: number, clientState = CLIENT_STATE) =>
        format === 'graph'
          ? {
              subscriptionId: randomUUID(),
              subscriptionExpirationDateTime: '2026-12-31T00:00:00Z',
              changeType: 'created',
              resource: `Users/x/Messages/${i}`,
              resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: `m${i}` },
              clientState,
              tenantId: randomUUID(),
            }
          : {
              subscriptionId: 'sub-1',
              clientState,
              expirationDateTime: '2026-12-31T00:00:00Z',
              resource: `api/v2.0/companies(${randomUUID()})/customers`,
              changeType: 'updated',
              lastModifiedDateTime: new Date(Date.now() + i).toISOString(),
            };
      const body = JSON.stringify({ value: [notification(1), notification(2)] });
      const r = await deliver(t.url, body);
      expect(r.status).toBe(202);
      expect(r.body.runs).toHaveLength(2);
      expect(await runCount()).toBe(before + 2);
      // Graph retries the same notifications: no second runs.
      expect((await deliver(t.url, body)).body.runs.every((x: { replayed: boolean }) => x.replayed)).toBe(true);
      // One notification with a wrong clientState: the whole delivery is refused.
      const forged = await deliver(t.url, JSON.stringify({ value: [notification(3), notification(4, 'guess')] }));
      expect(forged.status).toBe(401);
      expect(await runCount()).toBe(before + 2);
    });
  }
});

describe('limits, filters and answers', () => {
  it('a body over the trigger’s limit is refused with 413 before verification, and starts no run', async () => {
    const t = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: TOKEN },
      maxBodyBytes: 2048,
    });
    const before = await runCount();
    const big = JSON.stringify({ pad: 'x'.repeat(3000) });
    const r = await deliver(t.url, big, { 'X-Token': TOKEN });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('body_too_large');
    // Over the host's own limit the local host refuses before any handler reads it.
    const huge = await deliver(t.url, JSON.stringify({ pad: 'x'.repeat(70_000) }), { 'X-Token': TOKEN });
    expect(huge.status).toBe(413);
    expect(await runCount()).toBe(before);
  });

  it('what a run input cannot hold (U+0000, nesting past 100 levels) is a 400, not a 500, and starts no run', async () => {
    const t = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: TOKEN },
      input: '{{ { "q": query } }}',
    });
    const before = await runCount();
    const nul = await deliver(t.url, '{"a":"x\\u0000y"}', { 'X-Token': TOKEN });
    expect(nul.status).toBe(400);
    expect(nul.body.code).toBe('malformed_body');
    expect((await deliver(t.url, `${'['.repeat(150)}${']'.repeat(150)}`, { 'X-Token': TOKEN })).status).toBe(400);
    expect((await deliver(`${t.url}?a=%00`, '{}', { 'X-Token': TOKEN })).status).toBe(400);
    expect(await runCount()).toBe(before);
  });

  it('the per-trigger rate limit answers 429 with Retry-After', async () => {
    const t = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: TOKEN },
      rateLimitPerMinute: 3,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await deliver(t.url, '{}', { 'X-Token': TOKEN })).status);
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const r = await deliver(t.url, '{}', { 'X-Token': TOKEN });
    expect(r.body.code).toBe('trigger_rate_limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('a filter that is not true answers 204 without a run', async () => {
    const t = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: TOKEN },
      filter: '{{ body.action = "opened" }}',
    });
    const before = await runCount();
    expect((await deliver(t.url, '{"action":"closed"}', { 'X-Token': TOKEN })).status).toBe(204);
    expect(await runCount()).toBe(before);
    expect((await deliver(t.url, '{"action":"opened"}', { 'X-Token': TOKEN })).status).toBe(202);
    const deliveries = await api(base, 'GET', `/api/workflows/${workflowId}/triggers/${t.id}/deliveries`);
    expect(deliveries.body.items.map((d: { outcome: string }) => d.outcome)).toEqual(['started', 'filtered']);
  });

  it('respond: sync answers 200 with the run’s output when it finishes in time', async () => {
    const t = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: TOKEN },
      respond: 'sync',
      syncTimeoutSeconds: 10,
      input: '{{ { "v": body.v } }}',
    });
    const r = await deliver(t.url, '{"v":42}', { 'X-Token': TOKEN });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ got: { v: 42 } });
    expect(r.headers.get('demiton-run-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('respond: sync answers 202 with the run id when the run takes longer than the wait', async () => {
    const wf = await api(base, 'POST', '/api/workflows', {
      name: 'slow-hook',
      tasks: [{ key: 's', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 3000 } }],
    });
    const r0 = await api(base, 'POST', `/api/workflows/${wf.body.id}/triggers`, {
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: TOKEN },
      respond: 'sync',
      syncTimeoutSeconds: 1,
    });
    const started = Date.now();
    const r = await deliver(r0.body.url, '{}', { 'X-Token': TOKEN });
    expect(r.status).toBe(202);
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.now() - started).toBeLessThan(2900);
    await waitFor(async () => (await api(base, 'GET', `/api/runs/${r.body.id}`)).body.status === 'SUCCEEDED', 15_000, 200);
  });

  it('a mapping that fails or gives no object answers 422 without a run; an unknown trigger id 404', async () => {
    const t = await createTrigger({
      type: 'webhook',
      verification: { type: 'token', header: 'X-Token', secret: TOKEN },
      input: '{{ body.n }}',
    });
    const before = await runCount();
    const r = await deliver(t.url, '{"n":5}', { 'X-Token': TOKEN });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('trigger_mapping_failed');
    expect(await runCount()).toBe(before);
    expect((await deliver(`${base}/api/hooks/trg_AAAAAAAAAAAAAAAAAAAAAAAA`, '{}')).status).toBe(404);
  });
});
