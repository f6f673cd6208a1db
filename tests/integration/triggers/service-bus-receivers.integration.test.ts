/**
 * Service Bus triggers configured at run time: triggers created through the API while two
 * receiver hosts (two worker instances) are running, received with the real `@azure/service-bus`
 * SDK from the project's loopback AMQP 1.0 double (peek-lock, dispositions), against real
 * PostgreSQL and Redis. Exactly one receiver per trigger across the instances; runs committed
 * before a message is completed; redeliveries start nothing twice; failures abandoned, then
 * dead-lettered; a stopped instance's trigger moves to the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceBusReceivers } from '../../../shared/triggers/service-bus-receivers';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { startLoopbackServiceBus, type LoopbackServiceBus } from '../deploy/loopback-service-bus';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let sb: LoopbackServiceBus;
let a: ServiceBusReceivers;
let b: ServiceBusReceivers;
let workflowId: string;
let queueTrigger: string;
const SUBSCRIPTION = 'invoices/Subscriptions/demiton';

beforeAll(async () => {
  sb = await startLoopbackServiceBus(['orders', SUBSCRIPTION]);
  platform = await createTestPlatform();
  host = await startTestHost(platform);
  const wf = await api(host.url, 'POST', '/api/workflows', {
    name: 'from-service-bus',
    inputSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { id: '{{ input.orderId }}' } }],
  });
  workflowId = wf.body.id;
  // Two worker instances, both running before any trigger exists.
  a = new ServiceBusReceivers(platform, { holder: 'worker-a', pollMs: 150, leaseMs: 3_000 });
  b = new ServiceBusReceivers(platform, { holder: 'worker-b', pollMs: 150, leaseMs: 3_000 });
  a.start();
  b.start();
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await host?.close();
  await platform?.close();
  await sb?.close();
});

async function runsByMessage(messageId: string) {
  const { rows } = await platform.db.query<{ id: string; input: unknown; trigger: string }>(
    'SELECT id, input, trigger FROM workflow_runs WHERE workflow_id = $1::uuid AND idempotency_key LIKE $2::text',
    [workflowId, `%:${messageId}`],
  );
  return rows;
}

const holders = () => [...a.held, ...b.held];

describe('Service Bus triggers added at run time', () => {
  it('a queue trigger created through the API starts receiving without a restart, on exactly one instance', async () => {
    const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'service-bus',
      name: 'orders',
      queue: 'orders',
      connectionString: sb.connectionString,
      maxDeliveryAttempts: 3,
      input: '{{ { "orderId": body.orderId, "channel": applicationProperties.channel } }}',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ type: 'service-bus', url: null, queue: 'orders', secretSet: true });
    expect(JSON.stringify(r.body)).not.toContain('SAS_KEY_VALUE');
    queueTrigger = r.body.id;
    await waitFor(async () => sb.receiverCount('orders') === 1);
    // Several reconcile passes later, still one receiver, held by one instance.
    await new Promise((res) => setTimeout(res, 600));
    expect(sb.receiverCount('orders')).toBe(1);
    expect(holders().filter((id) => id === queueTrigger)).toHaveLength(1);
  });

  it('a message starts one run, committed before the message is completed; a redelivered message id starts none', async () => {
    sb.enqueue('orders', { messageId: 'm-1', body: { orderId: 'A-1' }, applicationProperties: { channel: 'web' } });
    await waitFor(async () => sb.completed.some((m) => m.messageId === 'm-1'));
    const rows = await runsByMessage('m-1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ trigger: 'event', input: { orderId: 'A-1', channel: 'web' } });
    sb.enqueue('orders', { messageId: 'm-1', body: { orderId: 'A-1' }, applicationProperties: { channel: 'web' } });
    await waitFor(async () => sb.completed.filter((m) => m.messageId === 'm-1').length === 2);
    expect(await runsByMessage('m-1')).toHaveLength(1);
    const deliveries = await api(host.url, 'GET', `/api/workflows/${workflowId}/triggers/${queueTrigger}/deliveries`);
    expect(deliveries.body.items.slice(0, 2).map((d: { outcome: string }) => d.outcome)).toEqual(['duplicate', 'started']);
  });

  it('a message that can never start a run (input refused by the workflow) is dead-lettered at once', async () => {
    sb.enqueue('orders', { messageId: 'm-bad', body: { nothing: true } });
    await waitFor(async () => sb.deadLettered.some((m) => m.messageId === 'm-bad'));
    const dl = sb.deadLettered.find((m) => m.messageId === 'm-bad')!;
    expect(dl.deliveryCount).toBe(0);
    expect(dl.reason).toBe('invalid_run_input');
    expect(await runsByMessage('m-bad')).toHaveLength(0);
  });

  it('a run that cannot be committed is abandoned and redelivered, then dead-lettered after maxDeliveryAttempts', async () => {
    // The runs table is made unreachable for this test's schema: every commit fails (retryable).
    await platform.db.query('ALTER TABLE workflow_runs RENAME TO workflow_runs_away');
    try {
      sb.enqueue('orders', { messageId: 'm-down', body: { orderId: 'D-1' } });
      await waitFor(async () => sb.deadLettered.some((m) => m.messageId === 'm-down'), 20_000);
    } finally {
      await platform.db.query('ALTER TABLE workflow_runs_away RENAME TO workflow_runs');
    }
    expect(sb.abandoned.filter((m) => m.messageId === 'm-down').map((m) => m.deliveryCount)).toEqual([0, 1]);
    expect(sb.deadLettered.find((m) => m.messageId === 'm-down')).toMatchObject({ deliveryCount: 2, reason: 'internal_error' });
    expect(sb.completed.some((m) => m.messageId === 'm-down')).toBe(false);
  });

  it('a topic subscription trigger added later receives too; its filter drops messages without a run', async () => {
    const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/triggers`, {
      type: 'service-bus',
      topic: 'invoices',
      subscription: 'demiton',
      connectionString: sb.connectionString,
      filter: 'subject = "invoice.paid"',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await waitFor(async () => sb.receiverCount(SUBSCRIPTION) === 1);
    sb.enqueue(SUBSCRIPTION, { messageId: 'i-1', subject: 'invoice.paid', body: { orderId: 'I-1' } });
    sb.enqueue(SUBSCRIPTION, { messageId: 'i-2', subject: 'invoice.draft', body: { orderId: 'I-2' } });
    await waitFor(async () => sb.completed.filter((m) => m.entity === SUBSCRIPTION).length === 2);
    expect(await runsByMessage('i-1')).toHaveLength(1);
    expect(await runsByMessage('i-2')).toHaveLength(0);
  });

  it('when the instance holding a trigger stops, the other takes the receiver over', async () => {
    const holder = a.held.includes(queueTrigger) ? a : b;
    const other = holder === a ? b : a;
    await holder.stop();
    await waitFor(async () => other.held.includes(queueTrigger) && sb.receiverCount('orders') === 1);
    sb.enqueue('orders', { messageId: 'm-after', body: { orderId: 'A-2' } });
    await waitFor(async () => sb.completed.some((m) => m.messageId === 'm-after'));
    expect(await runsByMessage('m-after')).toHaveLength(1);
  });

  it('a receiver whose lease cannot be renewed (lease table unreachable) stops after a lease length, and comes back after', async () => {
    expect(sb.receiverCount('orders')).toBe(1);
    await platform.db.query('ALTER TABLE trigger_leases RENAME TO trigger_leases_away');
    try {
      const since = Date.now();
      await waitFor(async () => sb.receiverCount('orders') === 0, 10_000, 50);
      // Not before the lease could have been taken by someone else.
      expect(Date.now() - since).toBeGreaterThanOrEqual(2_000);
    } finally {
      await platform.db.query('ALTER TABLE trigger_leases_away RENAME TO trigger_leases');
    }
    await waitFor(async () => sb.receiverCount('orders') === 1);
  });

  it('deleting a trigger stops its receiver', async () => {
    expect((await api(host.url, 'DELETE', `/api/workflows/${workflowId}/triggers/${queueTrigger}`)).status).toBe(204);
    await waitFor(async () => sb.receiverCount('orders') === 0);
    expect(holders()).not.toContain(queueTrigger);
  });
});
