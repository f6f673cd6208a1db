/**
 * The hook endpoint on the Azure Functions registration path: the handler `index.ts` gives
 * `app.http` is called with the real `@azure/functions` HttpRequest (what the host builds for each
 * invocation), so the raw body the signature covers is read through that class, not the local
 * host's. Real PostgreSQL and Redis.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHandler } from '../../../functions/http-kit';
import { deliverHook, validateHook } from '../../../functions/handlers/triggers';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

const SECRET = 'azure-path-secret-0123456789';
let platform: TestPlatform;
let triggerId: string;
let eventGridId: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  const host = await startTestHost(platform);
  try {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'azure-hook',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    });
    const t = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/triggers`, {
      type: 'webhook',
      verification: { type: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', secret: SECRET },
      deliveryIdHeader: 'X-GitHub-Delivery',
    });
    triggerId = t.body.id;
    const eg = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/triggers`, {
      type: 'webhook',
      format: 'event-grid',
      verification: { type: 'token', query: 'code', secret: SECRET },
    });
    eventGridId = eg.body.id;
  } finally {
    await host.close();
  }
});

afterAll(async () => {
  await platform?.close();
});

const invocation = () => new InvocationContext({ invocationId: randomUUID(), functionName: 'deliverHook' });

describe('POST /api/hooks/{id} through the Functions registration (real HttpRequest)', () => {
  it('verifies the signature over the raw bytes the host received, including bytes that are not UTF-8', async () => {
    const raw = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const request = new HttpRequest({
      method: 'POST',
      url: `http://127.0.0.1:7071/api/hooks/${triggerId}`,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`,
        'x-github-delivery': randomUUID(),
      },
      params: { triggerId },
      body: { bytes: raw },
    });
    const res = await toHandler(deliverHook, async () => platform)(request, invocation());
    expect(res.status).toBe(202);
    const forged = new HttpRequest({
      method: 'POST',
      url: `http://127.0.0.1:7071/api/hooks/${triggerId}`,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(raw.toString('utf8')).digest('hex')}`,
        'x-github-delivery': randomUUID(),
      },
      params: { triggerId },
      body: { bytes: raw },
    });
    // Signed over the text decoding (U+FFFD for the bad bytes) instead of the bytes: refused.
    expect((await toHandler(deliverHook, async () => platform)(forged, invocation())).status).toBe(401);
  });

  it('answers the CloudEvents OPTIONS validation registered as its own method', async () => {
    const request = new HttpRequest({
      method: 'OPTIONS',
      url: `http://127.0.0.1:7071/api/hooks/${eventGridId}`,
      headers: { 'webhook-request-origin': 'eventgrid.azure.net' },
      params: { triggerId: eventGridId },
    });
    const res = await toHandler(validateHook, async () => platform)(request, invocation());
    expect(res.status).toBe(200);
    expect((res.headers as Record<string, string>)['WebHook-Allowed-Origin']).toBe('eventgrid.azure.net');
  });
});
