/**
 * A loopback AMQP 1.0 server speaking the part of the Azure Service Bus protocol a sender uses:
 * SASL, claims-based authorization on `$cbs` (put-token answered 202, or 401 when told to refuse),
 * sender links to known entities (unknown ones are refused with `amqp:not-found`, as Service Bus
 * does), and accepted transfers, which it records. Built on `rhea`, the AMQP library underneath
 * `@azure/service-bus`, so the real SDK drives it over a real socket.
 *
 * Receivers too: messages put on an entity with `enqueue` are delivered in peek-lock fashion to
 * the receiver links attached to it (credit permitting), with a lock token as delivery tag and the
 * delivery count in the header; the receiver's disposition settles each one: accepted (complete),
 * rejected with `com.microsoft:dead-letter` (dead-letter, reason recorded), modified or released
 * (abandon: delivered again with the count raised). Unsettled messages of a link that closes are
 * delivered again, as when a lock is lost.
 *
 * Also over WebSocket (AMQP over WebSocket, as Service Bus accepts on port 443): `webSocket` is a
 * WebSocket class that carries the SDK's connection to this server whatever namespace it names
 * (the adapter environment's test-only `serviceBusWebSocket`), recording the URLs asked for; so
 * a connector naming a real namespace with a service principal (always TLS in the SDK) reaches
 * this server, and the namespace still decides the token audience.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import rhea from 'rhea';
import { WebSocket, WebSocketServer } from 'ws';

export interface ReceivedMessage {
  entity: string;
  messageId: unknown;
  contentType: unknown;
  subject: unknown;
  applicationProperties: Record<string, unknown>;
  body: unknown;
}

/** A message waiting on an entity for a receiver. */
export interface QueuedMessage {
  messageId: string;
  body: unknown;
  applicationProperties?: Record<string, unknown>;
  subject?: string;
  /** Prior deliveries that were not completed (the AMQP header's delivery-count). */
  deliveryCount: number;
}

export interface LoopbackServiceBus {
  port: number;
  connectionString: string;
  received: ReceivedMessage[];
  tokens: string[];
  /** The tokens themselves (the put-token bodies), in the same order as `tokens`. */
  tokenValues: string[];
  /** A WebSocket class whose connections reach this server; `webSocketUrls` lists the URLs the SDK asked for. */
  webSocket: typeof WebSocket;
  webSocketUrls: string[];
  /** When true, put-token is refused with 401 (a bad key). */
  refuseTokens: boolean;
  /** Puts a message on an entity (a queue, or `topic/Subscriptions/name`) for its receivers. */
  enqueue(entity: string, message: Omit<QueuedMessage, 'deliveryCount'>): void;
  /** Messages receivers completed, dead-lettered (with the reason given) and abandoned, in order. */
  completed: Array<QueuedMessage & { entity: string }>;
  deadLettered: Array<QueuedMessage & { entity: string; reason: unknown; description: unknown }>;
  abandoned: Array<QueuedMessage & { entity: string }>;
  /** Receiver links attached now, per entity. */
  receiverCount(entity: string): number;
  close(): Promise<void>;
}

/** rhea's outcome builders (there at run time, missing from its type declarations). */
type Outcome = { described(): unknown };
const outcomes = rhea.message as unknown as { accepted(): Outcome; rejected(fields: unknown): Outcome; released(): Outcome };

function decodeBody(body: unknown): unknown {
  // Data sections arrive as { typecode: 0x75, content: Buffer }; the SDK writes JSON bodies so.
  const section = body as { typecode?: number; content?: unknown };
  if (section && section.typecode === 0x75 && Buffer.isBuffer(section.content)) {
    const text = section.content.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return body;
}

/** Starts the server on a random loopback port with the given queues/topics. */
export async function startLoopbackServiceBus(entities: readonly string[]): Promise<LoopbackServiceBus> {
  const container = rhea.create_container({ id: 'loopback-service-bus' });
  container.sasl_server_mechanisms.enable_anonymous();
  const known = new Set(entities);
  const replyLinks = new Map<unknown, rhea.Sender>();
  const state = { received: [] as ReceivedMessage[], tokens: [] as string[], tokenValues: [] as string[], refuseTokens: false };
  const waiting = new Map<string, QueuedMessage[]>();
  const receivers = new Map<string, Set<rhea.Sender>>();
  const inFlight = new Map<rhea.Delivery, { entity: string; message: QueuedMessage }>();
  const settled = {
    completed: [] as LoopbackServiceBus['completed'],
    deadLettered: [] as LoopbackServiceBus['deadLettered'],
    abandoned: [] as LoopbackServiceBus['abandoned'],
  };

  const pump = (entity: string) => {
    const queue = waiting.get(entity) ?? [];
    for (const link of receivers.get(entity) ?? []) {
      while (queue.length && link.sendable()) {
        const message = queue.shift()!;
        const delivery = link.send(
          {
            message_id: message.messageId,
            content_type: 'application/json',
            ...(message.subject ? { subject: message.subject } : {}),
            application_properties: message.applicationProperties ?? {},
            delivery_count: message.deliveryCount,
            message_annotations: { 'x-opt-enqueued-time': new Date() },
            body: rhea.message.data_section(Buffer.from(JSON.stringify(message.body))),
          } as unknown as rhea.Message,
          randomBytes(16),
        );
        inFlight.set(delivery, { entity, message });
      }
    }
  };
  const redeliver = (delivery: rhea.Delivery) => {
    const held = inFlight.get(delivery);
    if (!held) return;
    inFlight.delete(delivery);
    (waiting.get(held.entity) ?? waiting.set(held.entity, []).get(held.entity)!).unshift({
      ...held.message,
      deliveryCount: held.message.deliveryCount + 1,
    });
    setImmediate(() => pump(held.entity));
  };
  const detach = (link: rhea.Sender | undefined) => {
    if (!link) return;
    for (const set of receivers.values()) set.delete(link);
    for (const d of [...inFlight.keys()]) if (d.link === link) redeliver(d);
  };
  container.on('sender_open', (ctx: rhea.EventContext) => {
    const address = ctx.sender?.source?.address;
    if (!address || address === '$cbs' || address.startsWith('$')) return;
    if (!known.has(address)) {
      ctx.sender!.close({
        condition: 'amqp:not-found',
        description: `The messaging entity 'sb://localhost/${address}' could not be found.`,
      });
      return;
    }
    (receivers.get(address) ?? receivers.set(address, new Set()).get(address)!).add(ctx.sender!);
  });
  container.on('sendable', (ctx: rhea.EventContext) => {
    const address = ctx.sender?.source?.address;
    if (address && known.has(address)) pump(address);
  });
  container.on('accepted', (ctx: rhea.EventContext) => {
    const held = inFlight.get(ctx.delivery!);
    if (!held) return;
    inFlight.delete(ctx.delivery!);
    settled.completed.push({ ...held.message, entity: held.entity });
    ctx.delivery!.update(true, outcomes.accepted().described() as never);
  });
  container.on('rejected', (ctx: rhea.EventContext) => {
    const held = inFlight.get(ctx.delivery!);
    if (!held) return;
    inFlight.delete(ctx.delivery!);
    const error = (ctx.delivery!.remote_state as { error?: { condition?: string; info?: Record<string, unknown> } } | undefined)?.error;
    settled.deadLettered.push({
      ...held.message,
      entity: held.entity,
      reason: error?.info?.['DeadLetterReason'],
      description: error?.info?.['DeadLetterErrorDescription'],
    });
    ctx.delivery!.update(true, outcomes.rejected({ error }).described() as never);
  });
  // Abandon: the SDK sends `modified`, which rhea reports as `released`.
  container.on('released', (ctx: rhea.EventContext) => {
    const held = inFlight.get(ctx.delivery!);
    if (!held) return;
    settled.abandoned.push({ ...held.message, entity: held.entity });
    ctx.delivery!.update(true, outcomes.released().described() as never);
    redeliver(ctx.delivery!);
  });
  container.on('sender_close', (ctx: rhea.EventContext) => detach(ctx.sender));
  container.on('disconnected', (ctx: rhea.EventContext) => {
    for (const set of receivers.values()) for (const link of [...set]) if (link.connection === ctx.connection) detach(link);
  });

  container.on('sender_open', (ctx: rhea.EventContext) => {
    if (ctx.sender?.source?.address === '$cbs') replyLinks.set(ctx.connection, ctx.sender);
  });
  container.on('receiver_open', (ctx: rhea.EventContext) => {
    const address = ctx.receiver?.target?.address;
    if (address !== '$cbs' && address !== undefined && !known.has(address)) {
      ctx.receiver!.close({
        condition: 'amqp:not-found',
        description: `The messaging entity 'sb://localhost/${address}' could not be found.`,
      });
    }
  });
  container.on('message', (ctx: rhea.EventContext) => {
    const m = ctx.message!;
    const address = ctx.receiver!.target!.address!;
    if (address === '$cbs') {
      state.tokens.push(String(m.application_properties?.['name']));
      state.tokenValues.push(typeof m.body === 'string' ? m.body : JSON.stringify(decodeBody(m.body)));
      const status = state.refuseTokens ? 401 : 202;
      replyLinks.get(ctx.connection)?.send({
        ...(m.reply_to ? { to: m.reply_to } : {}),
        correlation_id: m.message_id,
        application_properties:
          status === 202
            ? { 'status-code': 202, 'status-description': 'Accepted' }
            : {
                'status-code': 401,
                'status-description': 'InvalidSignature: The token has an invalid signature.',
                'error-condition': 'amqp:unauthorized-access',
              },
      } as unknown as rhea.Message);
      return;
    }
    state.received.push({
      entity: address,
      messageId: m.message_id,
      contentType: m.content_type,
      subject: m.subject,
      applicationProperties: { ...(m.application_properties ?? {}) },
      body: decodeBody(m.body),
    });
  });

  const listener = container.listen({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    listener.once('listening', () => resolve());
    listener.once('error', reject);
  });
  const port = (listener.address() as AddressInfo).port;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', () => resolve());
    wss.once('error', reject);
  });
  wss.on('connection', (socket) =>
    container.websocket_accept(
      socket as unknown as Parameters<typeof container.websocket_accept>[0],
      {} as Parameters<typeof container.websocket_accept>[1],
    ),
  );
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/$servicebus/websocket`;
  const webSocketUrls: string[] = [];
  class LoopbackWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[], options?: object) {
      webSocketUrls.push(String(url));
      super(wsUrl, protocols, options);
    }
  }
  return Object.assign(state, settled, {
    webSocket: LoopbackWebSocket as typeof WebSocket,
    webSocketUrls,
    enqueue(entity: string, message: Omit<QueuedMessage, 'deliveryCount'>) {
      (waiting.get(entity) ?? waiting.set(entity, []).get(entity)!).push({ ...message, deliveryCount: 0 });
      pump(entity);
    },
    receiverCount: (entity: string) => receivers.get(entity)?.size ?? 0,
    port,
    connectionString: `Endpoint=sb://localhost:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  });
}
