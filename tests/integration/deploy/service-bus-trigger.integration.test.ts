/**
 * The Service Bus trigger handler with the message shapes the Functions host passes (a parsed
 * JSON body, a string, a Buffer; trigger metadata with messageId and deliveryCount), against
 * real PostgreSQL and Redis: a message commits and enqueues a run through the pre-flight path,
 * a redelivery returns the same run, and bad messages throw so the host abandons them.
 */
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError, NotFoundError, ValidationError } from '../../../shared/domain/errors';
import type { ServiceBusTrigger } from '../../../shared/domain/service-bus-triggers';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';
import { messageInput, serviceBusHandler } from '../../../functions/service-bus';

let platform: TestPlatform;
let trigger: ServiceBusTrigger;
let handler: ReturnType<typeof serviceBusHandler>;

beforeAll(async () => {
  platform = await createTestPlatform();
  const host = await startTestHost(platform);
  try {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'on-order',
      inputSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { id: '{{ input.orderId }}' } }],
    });
    expect(wf.status).toBe(201);
    trigger = { name: 'orders', queue: 'orders', orgId: DEV_ORG_ID, workflowId: wf.body.id };
  } finally {
    await host.close();
  }
  handler = serviceBusHandler(trigger, async () => platform);
});

afterAll(async () => {
  await platform?.close();
});

/** An invocation context as the host builds it for a serviceBusTrigger (metadata camel-cased). */
function context(messageId: string | undefined, extra: Record<string, unknown> = {}) {
  return new InvocationContext({
    invocationId: 'inv-1',
    functionName: 'orders',
    triggerMetadata: {
      ...(messageId ? { messageId } : {}),
      deliveryCount: 1,
      enqueuedTimeUtc: '2026-11-25T10:00:00Z',
      contentType: 'application/json',
      applicationProperties: {},
      ...extra,
    },
    options: { trigger: { type: 'serviceBusTrigger', name: 'message', queueName: 'orders', connection: 'ServiceBusConnection' } },
  });
}

async function runByKey(key: string) {
  const r = await platform.db.query<{ id: string; trigger: string; input: unknown; status: string }>(
    'SELECT id, trigger, input, status FROM workflow_runs WHERE org_id = $1::uuid AND idempotency_key = $2::text',
    [DEV_ORG_ID, key],
  );
  return r.rows;
}

describe('Service Bus trigger handler', () => {
  it('a JSON body (parsed by the host) starts a run with the message id as idempotency key, enqueued', async () => {
    const before = await platform.queue.depth();
    await handler({ orderId: 'A-1' }, context('msg-1'));
    const rows = await runByKey('msg-1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ trigger: 'event', input: { orderId: 'A-1' }, status: 'PENDING' });
    expect(await platform.queue.depth()).toBe(before + 1);
  });

  it('a redelivered message returns the run it already started (no second run, no second message)', async () => {
    const before = await platform.queue.depth();
    await handler({ orderId: 'A-1' }, context('msg-1', { deliveryCount: 2 }));
    expect(await runByKey('msg-1')).toHaveLength(1);
    expect(await platform.queue.depth()).toBe(before);
  });

  it('a text body and a binary body (UTF-8 JSON) are run inputs too', async () => {
    await handler('{"orderId":"B-2"}', context('msg-2'));
    await handler(Buffer.from('{"orderId":"C-3"}'), context('msg-3'));
    expect((await runByKey('msg-2'))[0]?.input).toEqual({ orderId: 'B-2' });
    expect((await runByKey('msg-3'))[0]?.input).toEqual({ orderId: 'C-3' });
  });

  it('rejects bodies that are not a JSON object, naming the problem', async () => {
    await expect(handler('not json', context('msg-4'))).rejects.toBeInstanceOf(ValidationError);
    await expect(handler([1, 2], context('msg-5'))).rejects.toMatchObject({ code: 'invalid_message_body' });
    await expect(handler(42, context('msg-6'))).rejects.toMatchObject({ code: 'invalid_message_body' });
    expect(() => messageInput(null)).toThrow(/not a JSON object/);
    expect(await runByKey('msg-4')).toEqual([]);
  });

  it('rejects an input that fails the workflow input schema; nothing is committed', async () => {
    await expect(handler({ wrong: true }, context('msg-7'))).rejects.toBeInstanceOf(ValidationError);
    expect(await runByKey('msg-7')).toEqual([]);
  });

  it('the same message id with a different body is refused (not silently mapped to the old run)', async () => {
    await expect(handler({ orderId: 'other' }, context('msg-1'))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('a trigger naming a workflow that does not exist throws so the message is dead-lettered in the end', async () => {
    const h = serviceBusHandler({ ...trigger, workflowId: '99999999-9999-4999-8999-999999999999' }, async () => platform);
    await expect(h({ orderId: 'x' }, context('msg-8'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('without a message id each delivery is a new run (no idempotency key)', async () => {
    const before = await platform.db.query<{ n: number }>("SELECT count(*)::int AS n FROM workflow_runs WHERE trigger = 'event'");
    await handler({ orderId: 'D-4' }, context(undefined));
    const after = await platform.db.query<{ n: number }>("SELECT count(*)::int AS n FROM workflow_runs WHERE trigger = 'event'");
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
  });
});
