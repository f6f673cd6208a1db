/**
 * Azure Service Bus (`comms`): sends messages to a queue or topic with `@azure/service-bus`
 * (AMQP 1.0). The connector signs in with what the organisation supplies: a connection string
 * (also the way to reach the Service Bus emulator), or the namespace with its own service
 * principal (`tenantId` + secrets `clientId`/`clientSecret`, Azure Service Bus Data Sender on its
 * namespace), whose credential serves only the Service Bus scope. Never with the platform's
 * identity, which may send to the queues that start every organisation's runs: a connector with
 * neither is refused on save and when it is built. The task's idempotency key is the
 * message id, so an entity with duplicate detection keeps one copy when a retried task sends
 * again; the active trace context goes along as the `traceparent` application property, which
 * Demiton's Service Bus trigger continues.
 */
import { createHash } from 'node:crypto';
import { ServiceBusClient, type ServiceBusMessage } from '@azure/service-bus';
import { z } from 'zod';
import { currentTraceParent } from '../../observability/tracing';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { UpstreamError } from '../upstream-error';
import {
  ConnectorCredentialsRequiredError,
  DEFAULT_AUTHORITY_HOST,
  OrgEntraSecrets,
  OrgEntraSettings,
  orgEntraCredential,
  orgServicePrincipal,
} from '../org-entra-credential';
import { urlHost, type ConnectorEndpoint } from '../host-allowlist';

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9-]{4,48}\.servicebus\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/;

const Settings = z.object({
  fullyQualifiedNamespace: z.string().regex(NAMESPACE, 'expected <namespace>.servicebus.windows.net').optional(),
  entity: z.string().min(1).max(260).optional().describe('Default queue or topic for `send`.'),
  ...OrgEntraSettings,
});
const Secrets = z.object({
  connectionString: z
    .string()
    .regex(/Endpoint=sb:\/\//i, 'expected a Service Bus connection string (Endpoint=sb://…)')
    .optional(),
  ...OrgEntraSecrets,
});

/** The one token scope a Service Bus connector's service principal is asked for (the SDK's own spelling, double slash included). */
export const SERVICE_BUS_SCOPE = 'https://servicebus.azure.net//.default';

/** The host of the `Endpoint=sb://…` in a connection string. */
function endpointHost(connectionString: string): string | undefined {
  return /Endpoint=sb:\/\/([^/;:]+)/i.exec(connectionString)?.[1];
}

/** The hosts a Service Bus connector signs in to: the namespace (or the connection string's endpoint) and a service principal's authority. */
function serviceBusEndpoints(c: { settings: Record<string, unknown>; secrets: Record<string, unknown> }): ConnectorEndpoint[] {
  const out: ConnectorEndpoint[] = [];
  const cs = c.secrets['connectionString'];
  const csHost = typeof cs === 'string' ? endpointHost(cs) : undefined;
  if (csHost) out.push({ kind: 'azure-service-bus', path: 'secrets.connectionString', host: csHost });
  const ns = c.settings['fullyQualifiedNamespace'];
  if (typeof ns === 'string' && ns) out.push({ kind: 'azure-service-bus', path: 'settings.fullyQualifiedNamespace', host: ns });
  if (!csHost && orgServicePrincipal(c.settings, c.secrets))
    out.push({
      kind: 'entra-authority',
      path: 'settings.authorityHost',
      host: urlHost(c.settings['authorityHost'] ?? DEFAULT_AUTHORITY_HOST) ?? '',
    });
  return out;
}

const Property = z.union([z.string(), z.number(), z.boolean()]);
const sendInput = z.object({
  entity: z.string().min(1).max(260).optional().describe('Queue or topic; the connector default when absent.'),
  message: z.unknown().describe('The body: sent as JSON (content type application/json) unless it is a string.'),
  subject: z.string().max(256).optional(),
  correlationId: z.string().max(128).optional(),
  sessionId: z.string().max(128).optional(),
  applicationProperties: z.record(z.string(), Property).optional(),
  timeToLiveSeconds: z.number().int().min(1).optional(),
});

interface Bound {
  defaultEntity: string | undefined;
  open(): Promise<ServiceBusClient>;
}

/** A Service Bus message id is at most 128 characters; longer keys are hashed (stable across attempts). */
export function messageIdFor(idempotencyKey: string): string {
  return idempotencyKey.length <= 128 ? idempotencyKey : createHash('sha256').update(idempotencyKey).digest('hex');
}

function serviceBusError(err: unknown, what: string): UpstreamError {
  // After its own retries the SDK throws an AggregateError of the attempts; the last one says why.
  const last = err instanceof AggregateError && err.errors.length ? err.errors[err.errors.length - 1] : err;
  const e = last as { code?: unknown; message?: unknown; retryable?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'Unknown';
  return new UpstreamError(
    'service_bus_error',
    'service-bus',
    `${what}: ${typeof e?.message === 'string' ? e.message : String(err)} (${code})`,
    {
      cause: err,
      // The SDK marks throttling, timeouts and lost connections retryable; not-found and auth are not.
      retryable: e?.retryable === true || code === 'ServiceBusy' || code === 'ServiceTimeout',
    },
  );
}

const ops = {
  send: call<Bound, typeof sendInput>({
    description: 'Sends one message to a queue or topic; the task idempotency key is the message id (duplicate detection keeps one copy).',
    input: sendInput,
    output: z.object({ sent: z.literal(true), entity: z.string(), messageId: z.string() }),
    async run(input, ctx, b) {
      const entity = input.entity ?? b.defaultEntity;
      if (!entity)
        throw new UpstreamError(
          'service_bus_no_entity',
          'service-bus',
          `Task '${ctx.taskKey}': no queue or topic: set 'entity' on the task or on the connector.`,
          { retryable: false },
        );
      const traceparent = currentTraceParent();
      const message: ServiceBusMessage = {
        body: input.message,
        messageId: messageIdFor(ctx.idempotencyKey),
        contentType: typeof input.message === 'string' ? 'text/plain' : 'application/json',
        ...(input.subject ? { subject: input.subject } : {}),
        ...(input.correlationId ? { correlationId: input.correlationId } : {}),
        ...(input.sessionId ? { sessionId: input.sessionId } : {}),
        ...(input.timeToLiveSeconds ? { timeToLive: input.timeToLiveSeconds * 1000 } : {}),
        applicationProperties: { ...(input.applicationProperties ?? {}), ...(traceparent ? { traceparent } : {}) },
      };
      const client = await b.open();
      try {
        const sender = client.createSender(entity);
        await sender.sendMessages(message, { abortSignal: ctx.signal });
        await sender.close();
        return { sent: true, entity, messageId: message.messageId };
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw serviceBusError(err, `Sending to '${entity}'`);
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  }),
};

/** The host a connector connects to, for the outbound network policy. */
function hostOf(c: ConnectorDescriptor, s: z.infer<typeof Settings>, connectionString: string | undefined): string {
  const fromString = connectionString ? endpointHost(connectionString) : undefined;
  if (fromString) return fromString;
  if (s.fullyQualifiedNamespace) return s.fullyQualifiedNamespace;
  throw new UpstreamError(
    'service_bus_not_configured',
    'service-bus',
    `Connector '${c.name}': set settings.fullyQualifiedNamespace (with the organisation's service principal) or secrets.connectionString.`,
    { retryable: false },
  );
}

/** Registration of the Azure Service Bus adapter. */
export const serviceBusAdapter: AdapterRegistration = {
  systemType: 'azure-service-bus',
  category: 'comms',
  connectionTypes: ['servicebus'],
  infer: (s) => typeof s['fullyQualifiedNamespace'] === 'string' && NAMESPACE.test(s['fullyQualifiedNamespace']),
  operations: declareOperations(ops),
  connectionSchema: z
    .object({ settings: Settings, secrets: Secrets })
    .refine((c) => c.secrets.connectionString || (c.settings.fullyQualifiedNamespace && orgServicePrincipal(c.settings, c.secrets)), {
      path: ['secrets'],
      message:
        "set secrets.connectionString, or settings.fullyQualifiedNamespace with the organisation's own service principal (settings.tenantId, secrets.clientId, secrets.clientSecret); the platform's identity is not lent to connectors",
    }),
  endpoints: serviceBusEndpoints,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const connectionString = Secrets.parse(c.secrets).connectionString;
    const principal = orgServicePrincipal(c.settings, c.secrets);
    if (!connectionString && !principal)
      throw new ConnectorCredentialsRequiredError(
        c.name,
        'azure-service-bus',
        'secrets.connectionString, or settings.tenantId with secrets.clientId and secrets.clientSecret',
      );
    const bound: Bound = {
      defaultEntity: s.entity,
      async open() {
        const host = hostOf(c, s, connectionString);
        // The outbound policy decides whether this host may be reached (private ranges only when allowed).
        await env.network.resolve(host);
        // One quick retry inside the SDK (its default waits 30 s between attempts); the task's own
        // retry policy handles longer outages.
        const options = {
          retryOptions: { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: 2_000, timeoutInMs: 30_000 },
          ...(env.serviceBusWebSocket ? { webSocketOptions: { webSocket: env.serviceBusWebSocket } } : {}),
        };
        if (connectionString) return new ServiceBusClient(connectionString, options);
        return new ServiceBusClient(
          host,
          orgEntraCredential({ network: env.network, ...principal!, scope: SERVICE_BUS_SCOPE, systemType: 'azure-service-bus' }),
          options,
        );
      },
    };
    return {
      systemType: 'azure-service-bus',
      category: 'comms',
      operations: bindOperations(ops, bound),
      async testConnection() {
        if (!s.entity) return { ok: true, detail: 'no default entity to check; settings are well-formed' };
        const client = await bound.open();
        try {
          // Opening a sender link signs in (CBS) and attaches to the entity: a real round trip.
          const sender = client.createSender(s.entity);
          const batch = await sender.createMessageBatch();
          await sender.close();
          return { ok: true, detail: `'${s.entity}' accepts messages up to ${batch.maxSizeInBytes} bytes` };
        } catch (err) {
          throw serviceBusError(err, `Connecting to '${s.entity}'`);
        } finally {
          await client.close().catch(() => undefined);
        }
      },
    };
  },
};
