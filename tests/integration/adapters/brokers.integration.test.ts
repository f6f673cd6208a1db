/**
 * Publish operations against the brokers of this machine: RabbitMQ (5672), Mosquitto (1883) and
 * NATS (4222). Each test subscribes with the broker's own client and reads back what was published.
 */
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import mqtt from 'mqtt';
import { connect as natsConnect } from 'nats';
import { describe, expect, it } from 'vitest';
import { adapterFor, callOp, ctx, devRegistry } from './adapter-harness';

const id = () => randomBytes(5).toString('hex');

describe('RabbitMQ adapter', () => {
  it('publishes to a queue with a publisher confirm; the message carries the idempotency key', async () => {
    const queue = `demiton-test-${id()}`;
    const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue(queue, { autoDelete: true });
      const c = ctx();
      const r = await callOp(
        adapterFor({ systemType: 'rabbitmq', settings: { host: '127.0.0.1' }, secrets: { password: 'guest' } }),
        'publish',
        { routingKey: queue, message: { order: 42 } },
        c,
      );
      expect(r).toEqual({ published: true, exchange: '', routingKey: queue, messageId: c.idempotencyKey });
      const msg = await ch.get(queue, { noAck: true });
      expect(msg && JSON.parse(msg.content.toString())).toEqual({ order: 42 });
      expect(msg && msg.properties.messageId).toBe(c.idempotencyKey);
      await ch.deleteQueue(queue);
    } finally {
      await conn.close();
    }
  });

  it('reports refused credentials', async () => {
    const a = adapterFor({ systemType: 'rabbitmq', settings: { host: '127.0.0.1', username: 'guest' }, secrets: { password: 'wrong' } });
    await expect(a.testConnection!(new AbortController().signal)).rejects.toThrow(/ACCESS_REFUSED|403/);
  });

  it('tests the connection', async () => {
    await expect(
      adapterFor({ systemType: 'rabbitmq', settings: { host: '127.0.0.1' }, secrets: { password: 'guest' } }).testConnection!(
        new AbortController().signal,
      ),
    ).resolves.toMatchObject({
      ok: true,
      detail: expect.stringMatching(/RabbitMQ/),
    });
  });
});

describe('MQTT adapter', () => {
  it('publishes at QoS 1; a subscriber receives it', async () => {
    const topic = `demiton/test/${id()}`;
    const sub = await mqtt.connectAsync({ host: '127.0.0.1', port: 1883, reconnectPeriod: 0 });
    try {
      const got = new Promise<string>((resolve) => sub.on('message', (t, payload) => t === topic && resolve(payload.toString())));
      await sub.subscribeAsync(topic, { qos: 1 });
      await callOp(adapterFor({ systemType: 'mqtt', settings: { host: '127.0.0.1' } }), 'publish', { topic, message: { temp: 21.5 } });
      expect(JSON.parse(await got)).toEqual({ temp: 21.5 });
    } finally {
      await sub.endAsync();
    }
  });

  it('tests the connection', async () => {
    await expect(
      adapterFor({ systemType: 'mqtt', settings: { host: '127.0.0.1' } }).testConnection!(new AbortController().signal),
    ).resolves.toMatchObject({ ok: true });
  });
});

describe('NATS adapter', () => {
  it('publishes and flushes; a subscriber receives it with the Nats-Msg-Id header', async () => {
    const subject = `demiton.test.${id()}`;
    const nc = await natsConnect({ servers: '127.0.0.1:4222' });
    try {
      const sub = nc.subscribe(subject, { max: 1 });
      await nc.flush();
      const c = ctx();
      await callOp(adapterFor({ systemType: 'nats', settings: { host: '127.0.0.1' } }), 'publish', { subject, message: 'plain text' }, c);
      for await (const m of sub) {
        expect(new TextDecoder().decode(m.data)).toBe('plain text');
        expect(m.headers?.get('Nats-Msg-Id')).toBe(c.idempotencyKey);
      }
    } finally {
      await nc.close();
    }
  });

  it('reports a refused connection', async () => {
    const a = adapterFor({ systemType: 'nats', settings: { host: '127.0.0.1', port: 1 } });
    await expect(a.testConnection!(new AbortController().signal)).rejects.toThrow(/NATS connection to 127\.0\.0\.1:1/);
  });

  it('the three are inferred from their standard ports', () => {
    const infer = (port: number) =>
      devRegistry.resolve({ id: 'x', name: 'b', settings: { host: 'broker.internal', port }, secrets: {} }).registration.systemType;
    expect([infer(5672), infer(1883), infer(4222)]).toEqual(['rabbitmq', 'mqtt', 'nats']);
  });
});
