/**
 * Trigger API bodies, declared once: a workflow's webhooks and Service Bus receivers. Secrets are
 * write-only (sealed like connector secrets, never returned); a view says only whether one is set.
 */
import { z } from 'zod';
import { registerSchema } from './schema-registry';

const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'expected an HTTP header name')
  .describe('An HTTP header name (case-insensitive).');

/** At least 16 characters: a shared secret shorter than that is guessable offline from one signed delivery. */
const Secret = z
  .string()
  .min(16, 'expected at least 16 characters')
  .max(1024)
  .describe('Write-only. Sealed with AES-256-GCM envelope encryption; never returned.');

const HmacVerification = z.strictObject({
  type: z.literal('hmac'),
  header: HeaderName.describe('The header carrying the signature, e.g. `X-Hub-Signature-256` (GitHub), `X-Shopify-Hmac-Sha256`.'),
  encoding: z.enum(['hex', 'base64']).default('hex').describe('How the signature is written: hex (GitHub) or base64 (Shopify).'),
  prefix: z.string().max(32).default('').describe('Text before the signature in the header, e.g. `sha256=` (GitHub).'),
  secret: Secret.optional(),
});

const StripeVerification = z.strictObject({
  type: z.literal('stripe-style'),
  header: HeaderName.default('Stripe-Signature').describe('The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.'),
  toleranceSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(300)
    .describe('Deliveries whose timestamp is further than this from now are refused.'),
  secret: Secret.optional(),
});

const TokenVerification = z.strictObject({
  type: z.literal('token'),
  header: HeaderName.optional().describe('The header carrying the token, e.g. `aeg-sas-key` or `X-Webhook-Token`.'),
  query: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{1,64}$/, 'expected a query parameter name')
    .optional()
    .describe('Or: the query parameter carrying the token (put it in the URL you give the sender).'),
  secret: Secret.optional(),
});

const EntraVerification = z.strictObject({
  type: z.literal('entra'),
});

const ClientStateVerification = z.strictObject({
  type: z.literal('client-state'),
  secret: Secret.optional().describe('The `clientState` given when the Graph or Business Central subscription was created.'),
});

export const Verification = z
  .discriminatedUnion('type', [HmacVerification, StripeVerification, TokenVerification, EntraVerification, ClientStateVerification])
  .describe(
    'How a delivery proves it comes from the sender: a signature, a shared token, Entra sign-in, or the clientState of a Graph / Business Central subscription.',
  );
export type Verification = z.output<typeof Verification>;

const TriggerName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/, 'expected 1-100 of letters, digits, space . _ - starting with a letter or digit')
  .describe('Unique among the workflow’s triggers; generated when absent.');

const InputMapping = z
  .union([z.string().max(20_000), z.record(z.string(), z.json())])
  .describe(
    'The run input: a JSONata mapping (`{{ … }}`, as in task inputs) over `{ body, headers, query }`; must give an object. Default: the body.',
  );

const FilterExpression = z
  .string()
  .min(1)
  .max(2_000)
  .describe('A JSONata expression over `{ body, headers, query }`; an event for which it is not true starts no run (204).');

const SecretOverlap = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400)
  .default(3_600)
  .describe('When a new secret is given on update: seconds the previous one stays valid, so senders can move over.');

export const WebhookTriggerBody = z.strictObject({
  type: z.literal('webhook'),
  name: TriggerName.optional(),
  enabled: z.boolean().default(true),
  format: z
    .enum(['json', 'event-grid', 'graph', 'business-central'])
    .default('json')
    .describe(
      '`json`: one delivery is one event. `event-grid`: Event Grid or CloudEvents schema, validation handshakes answered, one run per event. `graph` / `business-central`: `validationToken` echoed, one run per notification in `value`.',
    ),
  verification: Verification,
  deliveryIdHeader: HeaderName.optional().describe(
    'The header naming each delivery (e.g. `X-GitHub-Delivery`); it becomes the run’s idempotency key, so a redelivery starts no second run.',
  ),
  input: InputMapping.optional(),
  filter: FilterExpression.optional(),
  respond: z
    .enum(['async', 'sync'])
    .default('async')
    .describe(
      '`async`: 202 with the run id. `sync`: wait up to `syncTimeoutSeconds` for the run and answer 200 with its output, else 202.',
    ),
  syncTimeoutSeconds: z.number().int().min(1).max(30).default(10),
  rateLimitPerMinute: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(600)
    .describe('Deliveries accepted per minute on each control-plane instance; more are answered 429.'),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1_048_576)
    .optional()
    .describe('Largest body accepted (default and ceiling: the host’s MAX_BODY_BYTES).'),
  secretOverlapSeconds: SecretOverlap,
});
export type WebhookTriggerBody = z.output<typeof WebhookTriggerBody>;

const Entity = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,259}$/, 'expected a Service Bus entity name');

export const ServiceBusTriggerBody = z.strictObject({
  type: z.literal('service-bus'),
  name: TriggerName.optional(),
  enabled: z.boolean().default(true),
  queue: Entity.optional(),
  topic: Entity.optional(),
  subscription: Entity.optional(),
  connectionString: Secret.optional().describe(
    'Write-only: the Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…).',
  ),
  maxDeliveryAttempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('A message whose run could not be committed this many times is dead-lettered.'),
  input: InputMapping.optional().describe(
    'The run input: a JSONata mapping over `{ body, applicationProperties, messageId, subject }`. Default: the body.',
  ),
  filter: FilterExpression.optional(),
  secretOverlapSeconds: SecretOverlap,
});
export type ServiceBusTriggerBody = z.output<typeof ServiceBusTriggerBody>;

export const TriggerBody = z
  .discriminatedUnion('type', [WebhookTriggerBody, ServiceBusTriggerBody])
  .describe('A trigger: a webhook (public URL) or a Service Bus queue or subscription.');
export type TriggerBody = z.output<typeof TriggerBody>;

const VerificationView = z.object({
  type: z.enum(['hmac', 'stripe-style', 'token', 'entra', 'client-state']),
  header: z.string().optional(),
  encoding: z.enum(['hex', 'base64']).optional(),
  prefix: z.string().optional(),
  toleranceSeconds: z.number().optional(),
  query: z.string().optional(),
});

export const TriggerView = z.object({
  id: z.string().describe('Also the webhook’s address: POST /api/hooks/{id}.'),
  workflowId: z.uuid(),
  type: z.enum(['webhook', 'service-bus']),
  name: z.string(),
  enabled: z.boolean(),
  url: z.string().nullable().describe('Where senders deliver (webhooks); null for Service Bus.'),
  format: z.enum(['json', 'event-grid', 'graph', 'business-central']).optional(),
  verification: VerificationView.optional(),
  deliveryIdHeader: z.string().optional(),
  input: z.union([z.string(), z.record(z.string(), z.json())]).optional(),
  filter: z.string().optional(),
  respond: z.enum(['async', 'sync']).optional(),
  syncTimeoutSeconds: z.number().optional(),
  rateLimitPerMinute: z.number().optional(),
  maxBodyBytes: z.number().optional(),
  queue: z.string().optional(),
  topic: z.string().optional(),
  subscription: z.string().optional(),
  maxDeliveryAttempts: z.number().optional(),
  secretSet: z.boolean().describe('Whether a secret (or connection string) is stored; its value is never returned.'),
  previousSecretValidUntil: z.iso.datetime().nullable().describe('After a rotation: until when the previous secret is still accepted.'),
  failedVerifications: z
    .number()
    .describe('Deliveries refused because they could not be verified (bad or missing signature, token, stale timestamp).'),
  lastFailedVerificationAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TriggerView = z.infer<typeof TriggerView>;

export const TriggerList = z.object({ items: z.array(TriggerView) });

export const TriggerParams = z.object({ id: z.uuid(), triggerId: z.string().regex(/^trg_[A-Za-z0-9_-]{24,64}$/, 'expected a trigger id') });
export const HookParams = z.object({ triggerId: z.string().min(1).max(100) });

export const DeliveryOutcome = z.enum(['started', 'duplicate', 'filtered', 'handshake', 'refused', 'failed']);

export const TriggerDelivery = z.object({
  receivedAt: z.iso.datetime(),
  outcome: DeliveryOutcome,
  status: z.number().describe('The HTTP status answered (for Service Bus: 202 started, 409 duplicate, 500 failed).'),
  deliveryId: z.string().nullable(),
  runId: z.uuid().nullable(),
  reason: z
    .string()
    .nullable()
    .describe('Why a delivery was refused or failed (a code, e.g. `signature_mismatch`, `stale_timestamp`, `rate_limited`).'),
});
export const TriggerDeliveryList = z.object({ items: z.array(TriggerDelivery) });
export const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const HookAccepted = z.object({
  id: z.uuid().optional().describe('The run started, when the delivery held one event.'),
  status: z.string().optional(),
  runs: z
    .array(z.object({ id: z.uuid(), status: z.string(), replayed: z.boolean() }))
    .describe('One per event that passed the filter; `replayed` when the delivery id named a run already started.'),
  filtered: z.number().describe('Events the filter dropped.'),
});

export const HookBody = z.json().describe('Whatever the sender posts. The signature is checked over the raw bytes.');

registerSchema('TriggerView', TriggerView);
registerSchema('TriggerList', TriggerList);
registerSchema('TriggerDeliveryList', TriggerDeliveryList);
registerSchema('HookAccepted', HookAccepted);
