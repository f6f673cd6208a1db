/**
 * Failed verifications are logged with the trigger, the reason and the sender's address, and
 * never with the secret or the body (real host, PostgreSQL, Redis; the platform's own logger
 * writing to a sink the test reads).
 */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

const SECRET = 'log-test-secret-0123456789-abcdef';
const lines: string[] = [];
let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  platform = await createTestPlatform({ overrides: { logger: createLogger('info', {}, sink) } });
  host = await startTestHost(platform);
});

afterAll(async () => {
  await host?.close();
  await platform?.close();
});

describe('failed verifications in the log', () => {
  it('name the trigger, the reason and the sender; never the secret, the signature or the body', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'logged',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    });
    const t = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/triggers`, {
      type: 'webhook',
      verification: { type: 'hmac', header: 'X-Signature', secret: SECRET },
    });
    const body = JSON.stringify({ card: 'BODY-MARKER-4111111111111111' });
    const forged = createHmac('sha256', `${SECRET}x`).update(body).digest('hex');
    const r = await fetch(t.body.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Signature': forged, 'X-Forwarded-For': '198.51.100.7' },
      body,
    });
    expect(r.status).toBe(401);
    const entry = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'webhook delivery failed verification');
    expect(entry).toMatchObject({ triggerId: t.body.id, reason: 'signature_mismatch', source: expect.stringContaining('198.51.100.7') });
    const all = lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('BODY-MARKER');
    expect(all).not.toContain(forged);
  });
});
