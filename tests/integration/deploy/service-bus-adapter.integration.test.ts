/**
 * The Service Bus `comms` adapter through the real `@azure/service-bus` SDK against a loopback
 * AMQP 1.0 server (SASL, `$cbs` claims-based authorization, sender links, transfers): what a
 * message carries, and how refusals surface as typed errors. Also: the registry resolves the
 * adapter, and a run's `send` task continues the run's trace on the message.
 */
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDescriptor, OperationContext } from '../../../shared/adapters/adapter';
import { messageIdFor, serviceBusAdapter } from '../../../shared/adapters/comms/service-bus';
import { createDefaultRegistry } from '../../../shared/adapters/registry';
import { UpstreamError } from '../../../shared/adapters/upstream-error';
import { OutboundPolicy } from '../../../shared/adapters/network-policy';
import { createLogger } from '../../../shared/logger';
import { installTracerProvider, uninstallTracerProvider, withSpan } from '../../../shared/observability/tracing';
import { startLoopbackServiceBus, type LoopbackServiceBus } from './loopback-service-bus';

let sb: LoopbackServiceBus;
const env = { network: new OutboundPolicy({ allowPrivate: true }) };

beforeAll(async () => {
  sb = await startLoopbackServiceBus(['orders', 'events']);
});
afterAll(async () => {
  uninstallTracerProvider();
  await sb?.close();
});

const connector = (extra: Partial<ConnectorDescriptor> = {}): ConnectorDescriptor => ({
  id: '00000000-0000-4000-8000-0000000000b1',
  name: 'bus',
  systemType: 'azure-service-bus',
  settings: { entity: 'orders' },
  secrets: { connectionString: sb.connectionString },
  ...extra,
});

const ctx = (idempotencyKey: string): OperationContext => ({
  signal: new AbortController().signal,
  idempotencyKey,
  logger: createLogger('silent'),
  taskKey: 'notify',
  expressionContext: {},
});

const send = (c: ConnectorDescriptor, input: unknown, key: string) => {
  const op = serviceBusAdapter.create(c, env).operations['send']!;
  if (op.kind !== 'call') throw new Error('send is a call');
  return op.run(op.input.parse(input), ctx(key));
};

describe('Service Bus comms adapter (real SDK, loopback AMQP server)', () => {
  it('sends a JSON message with the idempotency key as message id, after claims-based sign-in', async () => {
    const out = await send(
      connector(),
      { message: { orderId: 'A-1', total: 12.5 }, subject: 'order.created', applicationProperties: { tenant: 'contoso', priority: 2 } },
      'task-run-1',
    );
    expect(out).toEqual({ sent: true, entity: 'orders', messageId: 'task-run-1' });
    const m = sb.received.at(-1)!;
    expect(m).toMatchObject({
      entity: 'orders',
      messageId: 'task-run-1',
      contentType: 'application/json',
      subject: 'order.created',
      body: { orderId: 'A-1', total: 12.5 },
    });
    expect(m.applicationProperties).toMatchObject({ tenant: 'contoso', priority: 2 });
    expect(sb.tokens.at(-1)).toMatch(/^sb:\/\/localhost:\d+\/orders$/);
  });

  it('sends text as text/plain to the entity named on the task', async () => {
    await send(connector(), { entity: 'events', message: 'hello' }, 'task-run-2');
    expect(sb.received.at(-1)).toMatchObject({ entity: 'events', contentType: 'text/plain', body: 'hello' });
  });

  it('keeps message ids within 128 characters, stable for the same key', () => {
    const long = 'k'.repeat(200);
    expect(messageIdFor(long)).toHaveLength(64);
    expect(messageIdFor(long)).toBe(messageIdFor(long));
    expect(messageIdFor('short')).toBe('short');
  });

  it('an unknown entity is a non-retryable upstream error naming it', async () => {
    const err = await send(connector(), { entity: 'nope', message: {} }, 'task-run-3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/Sending to 'nope'/);
    expect((err as Error).message).toMatch(/could not be found/);
  });

  it('a refused token is an upstream error, and nothing is delivered', async () => {
    const before = sb.received.length;
    sb.refuseTokens = true;
    try {
      const err = await send(connector(), { message: { x: 1 } }, 'task-run-4').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).code).toBe('service_bus_error');
      expect((err as Error).message).toMatch(/InvalidSignature/);
    } finally {
      sb.refuseTokens = false;
    }
    expect(sb.received.length).toBe(before);
  });

  it('no entity anywhere, or no credentials of the organisation (never the platform identity), are clear configuration errors', async () => {
    await expect(send(connector({ settings: {} }), { message: {} }, 'k')).rejects.toMatchObject({
      code: 'service_bus_no_entity',
      retryable: false,
    });
    expect(() =>
      send(
        connector({ settings: { entity: 'orders', fullyQualifiedNamespace: 'sb-demiton-prod.servicebus.windows.net' }, secrets: {} }),
        { message: {} },
        'k',
      ),
    ).toThrow(expect.objectContaining({ code: 'connector_credentials_required' }));
  });

  it('testConnection signs in and attaches to the default entity', async () => {
    const r = await serviceBusAdapter.create(connector(), env).testConnection!(new AbortController().signal);
    expect(r.ok).toBe(true);
    expect(r.detail).toMatch(/'orders' accepts messages/);
  });

  it('the registry resolves it by system type and by namespace inference', () => {
    const registry = createDefaultRegistry(env);
    expect(registry.resolve(connector()).registration.systemType).toBe('azure-service-bus');
    const inferred = registry.resolve({
      id: 'x',
      name: 'bus',
      settings: { fullyQualifiedNamespace: 'sb-demiton-prod.servicebus.windows.net' },
      secrets: {},
    });
    expect(inferred).toMatchObject({ step: 'inferred-system-type', registration: { systemType: 'azure-service-bus', category: 'comms' } });
  });

  it('carries the active trace context as the traceparent application property', async () => {
    installTracerProvider(new BasicTracerProvider());
    let traceId = '';
    await withSpan('task notify', {}, async () => {
      const { trace } = await import('@opentelemetry/api');
      traceId = trace.getActiveSpan()!.spanContext().traceId;
      await send(connector(), { message: { y: 1 } }, 'task-run-5');
    });
    expect(String(sb.received.at(-1)!.applicationProperties['traceparent'])).toContain(traceId);
  });
});
