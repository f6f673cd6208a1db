/**
 * Message brokers: RabbitMQ (AMQP 0-9-1, `amqplib`), MQTT (`mqtt`) and NATS (`nats`) publish
 * operations. Each publish opens a connection, waits for the broker's acknowledgement (AMQP
 * publisher confirm, MQTT PUBACK at QoS ≥ 1, NATS flush) and closes it. The idempotency key goes
 * with the message (AMQP message id, MQTT user property, NATS header) so consumers can dedupe.
 */
import amqp from 'amqplib';
import mqtt from 'mqtt';
import { connect as natsConnect, headers as natsHeaders } from 'nats';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { upstream } from '../upstream-error';

const Host = z.string().min(1);
const Message = z.unknown().describe('Sent as JSON unless it is a string, which is sent as is.');
const encode = (m: unknown) => Buffer.from(typeof m === 'string' ? m : JSON.stringify(m));
const secretOf = (c: ConnectorDescriptor, k: string) => (typeof c.secrets[k] === 'string' ? (c.secrets[k] as string) : undefined);

// ---- RabbitMQ (AMQP) ----

const AmqpSettings = z.object({
  host: Host,
  port: z.number().int().min(1).max(65535).default(5672),
  vhost: z.string().default('/'),
  username: z.string().default('guest'),
  tls: z.boolean().default(false),
});

interface AmqpBound {
  connect(): Promise<amqp.ChannelModel>;
}

const amqpOps = {
  publish: call<
    AmqpBound,
    z.ZodObject<{
      exchange: z.ZodDefault<z.ZodString>;
      routingKey: z.ZodString;
      message: typeof Message;
      persistent: z.ZodDefault<z.ZodBoolean>;
      headers: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodString>>;
    }>
  >({
    description: 'Publishes a message to an exchange (default exchange: routingKey is the queue name) and waits for the broker’s confirm.',
    input: z.object({
      exchange: z.string().default(''),
      routingKey: z.string(),
      message: Message,
      persistent: z.boolean().default(true),
      headers: z.record(z.string(), z.string()).optional(),
    }),
    output: z.object({
      published: z.literal(true),
      exchange: z.string(),
      routingKey: z.string(),
      messageId: z.string().describe('The task idempotency key, sent as the message id.'),
    }),
    async run(input, ctx, b) {
      const conn = await b.connect();
      try {
        const ch = await conn.createConfirmChannel();
        await new Promise<void>((resolve, reject) =>
          ch.publish(
            input.exchange,
            input.routingKey,
            encode(input.message),
            {
              persistent: input.persistent,
              messageId: ctx.idempotencyKey,
              contentType: typeof input.message === 'string' ? 'text/plain' : 'application/json',
              ...(input.headers ? { headers: input.headers } : {}),
            },
            (err) => (err ? reject(err) : resolve()),
          ),
        );
        await ch.close();
        return { published: true, exchange: input.exchange, routingKey: input.routingKey, messageId: ctx.idempotencyKey };
      } catch (err) {
        throw upstream('rabbitmq', err, 'AMQP publish');
      } finally {
        await conn.close().catch(() => undefined);
      }
    },
  }),
};

/** Registration of the RabbitMQ (AMQP 0-9-1) adapter. */
export const rabbitmqAdapter: AdapterRegistration = {
  systemType: 'rabbitmq',
  category: 'comms',
  connectionTypes: ['amqp'],
  infer: (s) => Number(s['port']) === 5672 || Number(s['port']) === 5671,
  operations: declareOperations(amqpOps),
  connectionSchema: z.object({ settings: AmqpSettings, secrets: z.object({ password: z.string().optional() }) }),
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = AmqpSettings.parse(c.settings);
    const bound: AmqpBound = {
      async connect() {
        const address = await env.network.resolve(s.host);
        try {
          return await amqp.connect(
            {
              protocol: s.tls ? 'amqps' : 'amqp',
              hostname: address,
              port: s.port,
              vhost: s.vhost,
              username: s.username,
              password: secretOf(c, 'password') ?? 'guest',
              heartbeat: 30,
            },
            { servername: s.host, timeout: 10_000 },
          );
        } catch (err) {
          throw upstream('rabbitmq', err, `AMQP connection to ${s.host}:${s.port}`);
        }
      },
    };
    return {
      systemType: 'rabbitmq',
      category: 'comms',
      operations: bindOperations(amqpOps, bound),
      async testConnection() {
        const conn = await bound.connect();
        const props = (conn.connection as unknown as { serverProperties?: Record<string, unknown> }).serverProperties ?? {};
        await conn.close().catch(() => undefined);
        return { ok: true, detail: `${String(props['product'] ?? 'AMQP broker')} ${String(props['version'] ?? '')}`.trim() };
      },
    };
  },
};

// ---- MQTT ----

const MqttSettings = z.object({
  host: Host,
  port: z.number().int().min(1).max(65535).default(1883),
  tls: z.boolean().default(false),
  username: z.string().optional(),
  clientIdPrefix: z.string().max(20).default('demiton'),
});

const mqttPublishInput = z.object({
  topic: z.string().min(1),
  message: Message,
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  retain: z.boolean().default(false),
});

interface MqttBound {
  connect(): Promise<mqtt.MqttClient>;
}

const mqttOps = {
  publish: call<MqttBound, typeof mqttPublishInput>({
    description: 'Publishes a message to a topic; at QoS 1 or 2 it waits for the broker’s acknowledgement.',
    input: mqttPublishInput,
    output: z.object({ published: z.literal(true), topic: z.string() }),
    async run(input, ctx, b) {
      const client = await b.connect();
      try {
        await client.publishAsync(input.topic, encode(input.message), {
          qos: input.qos,
          retain: input.retain,
          properties: { userProperties: { idempotencyKey: ctx.idempotencyKey } },
        });
        return { published: true, topic: input.topic };
      } catch (err) {
        throw upstream('mqtt', err, 'MQTT publish');
      } finally {
        await client.endAsync().catch(() => undefined);
      }
    },
  }),
};

/** Registration of the MQTT adapter. */
export const mqttAdapter: AdapterRegistration = {
  systemType: 'mqtt',
  category: 'comms',
  connectionTypes: ['mqtt'],
  infer: (s) => Number(s['port']) === 1883 || Number(s['port']) === 8883,
  operations: declareOperations(mqttOps),
  connectionSchema: z.object({ settings: MqttSettings, secrets: z.object({ password: z.string().optional() }) }),
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = MqttSettings.parse(c.settings);
    const bound: MqttBound = {
      async connect() {
        const address = await env.network.resolve(s.host);
        try {
          return await mqtt.connectAsync({
            host: address,
            port: s.port,
            protocol: s.tls ? 'mqtts' : 'mqtt',
            protocolVersion: 5,
            servername: s.host,
            clientId: `${s.clientIdPrefix}-${Math.random().toString(16).slice(2, 10)}`,
            connectTimeout: 10_000,
            reconnectPeriod: 0,
            ...(s.username ? { username: s.username, password: secretOf(c, 'password') } : {}),
          });
        } catch (err) {
          throw upstream('mqtt', err, `MQTT connection to ${s.host}:${s.port}`);
        }
      },
    };
    return {
      systemType: 'mqtt',
      category: 'comms',
      operations: bindOperations(mqttOps, bound),
      async testConnection() {
        const client = await bound.connect();
        await client.endAsync().catch(() => undefined);
        return { ok: true, detail: `MQTT broker ${s.host}:${s.port} accepted the connection` };
      },
    };
  },
};

// ---- NATS ----

const NatsSettings = z.object({
  host: Host,
  port: z.number().int().min(1).max(65535).default(4222),
  username: z.string().optional(),
  tls: z.boolean().default(false),
});

interface NatsBound {
  connect(): Promise<Awaited<ReturnType<typeof natsConnect>>>;
}

const natsOps = {
  publish: call<NatsBound, z.ZodObject<{ subject: z.ZodString; message: typeof Message }>>({
    description:
      'Publishes a message to a subject and flushes, so the server has it when the task succeeds. The idempotency key is sent as the Nats-Msg-Id header (JetStream deduplicates on it).',
    input: z.object({ subject: z.string().min(1), message: Message }),
    output: z.object({ published: z.literal(true), subject: z.string() }),
    async run(input, ctx, b) {
      const nc = await b.connect();
      try {
        const h = natsHeaders();
        h.set('Nats-Msg-Id', ctx.idempotencyKey);
        nc.publish(input.subject, encode(input.message), { headers: h });
        await nc.flush();
        return { published: true, subject: input.subject };
      } catch (err) {
        throw upstream('nats', err, 'NATS publish');
      } finally {
        await nc.close().catch(() => undefined);
      }
    },
  }),
};

/** Registration of the NATS adapter. */
export const natsAdapter: AdapterRegistration = {
  systemType: 'nats',
  category: 'comms',
  connectionTypes: ['nats'],
  infer: (s) => Number(s['port']) === 4222,
  operations: declareOperations(natsOps),
  connectionSchema: z.object({
    settings: NatsSettings,
    secrets: z.object({ password: z.string().optional(), token: z.string().optional() }),
  }),
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = NatsSettings.parse(c.settings);
    const bound: NatsBound = {
      async connect() {
        const address = await env.network.resolve(s.host);
        try {
          return await natsConnect({
            // With TLS the client must dial the name (nats.js verifies the certificate against it
            // and has no servername option); the checked address is used otherwise.
            servers: s.tls ? `${s.host}:${s.port}` : `${address.includes(':') ? `[${address}]` : address}:${s.port}`,
            reconnect: false,
            timeout: 10_000,
            name: 'demiton',
            ...(s.tls ? { tls: {} } : {}),
            ...(s.username ? { user: s.username, pass: secretOf(c, 'password') } : {}),
            ...(secretOf(c, 'token') ? { token: secretOf(c, 'token') } : {}),
          });
        } catch (err) {
          throw upstream('nats', err, `NATS connection to ${s.host}:${s.port}`);
        }
      },
    };
    return {
      systemType: 'nats',
      category: 'comms',
      operations: bindOperations(natsOps, bound),
      async testConnection() {
        const nc = await bound.connect();
        const info = (nc as unknown as { info?: { version?: string; server_name?: string } }).info;
        await nc.close().catch(() => undefined);
        return { ok: true, detail: `NATS ${info?.version ?? ''}`.trim() };
      },
    };
  },
};
