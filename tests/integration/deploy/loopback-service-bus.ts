/**
 * A loopback AMQP 1.0 server speaking the part of the Azure Service Bus protocol a sender uses:
 * SASL, claims-based authorization on `$cbs` (put-token answered 202, or 401 when told to refuse),
 * sender links to known entities (unknown ones are refused with `amqp:not-found`, as Service Bus
 * does), and accepted transfers, which it records. Built on `rhea`, the AMQP library underneath
 * `@azure/service-bus`, so the real SDK drives it over a real socket.
 */
import type { AddressInfo } from 'node:net';
import rhea from 'rhea';

export interface ReceivedMessage {
  entity: string;
  messageId: unknown;
  contentType: unknown;
  subject: unknown;
  applicationProperties: Record<string, unknown>;
  body: unknown;
}

export interface LoopbackServiceBus {
  port: number;
  connectionString: string;
  received: ReceivedMessage[];
  tokens: string[];
  /** When true, put-token is refused with 401 (a bad key). */
  refuseTokens: boolean;
  close(): Promise<void>;
}

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
  const state: Omit<LoopbackServiceBus, 'port' | 'connectionString' | 'close'> = { received: [], tokens: [], refuseTokens: false };

  container.on('sender_open', (ctx: rhea.EventContext) => {
    if (ctx.sender?.source?.address === '$cbs') replyLinks.set(ctx.connection, ctx.sender);
  });
  container.on('receiver_open', (ctx: rhea.EventContext) => {
    const address = ctx.receiver?.target?.address;
    if (address !== '$cbs' && address !== undefined && !known.has(address)) {
      ctx.receiver!.close({ condition: 'amqp:not-found', description: `The messaging entity 'sb://localhost/${address}' could not be found.` });
    }
  });
  container.on('message', (ctx: rhea.EventContext) => {
    const m = ctx.message!;
    const address = ctx.receiver!.target!.address!;
    if (address === '$cbs') {
      state.tokens.push(String(m.application_properties?.['name']));
      const status = state.refuseTokens ? 401 : 202;
      replyLinks.get(ctx.connection)?.send({
        ...(m.reply_to ? { to: m.reply_to } : {}),
        correlation_id: m.message_id,
        application_properties:
          status === 202
            ? { 'status-code': 202, 'status-description': 'Accepted' }
            : { 'status-code': 401, 'status-description': 'InvalidSignature: The token has an invalid signature.', 'error-condition': 'amqp:unauthorized-access' },
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
  return Object.assign(state, {
    port,
    connectionString: `Endpoint=sb://localhost:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;`,
    close: () => new Promise<void>((resolve) => listener.close(() => resolve())),
  });
}
