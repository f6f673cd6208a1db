/**
 * Webhooks (Teams, Slack and any JSON endpoint): POST a JSON payload. Sends the idempotency key as
 * `Idempotency-Key` and, when a signing secret is set, an HMAC-SHA256 of the body as
 * `X-Demiton-Signature: sha256=<hex>` so receivers can check the sender.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { expectOk, httpRequest } from '../platform/http-client';
import { settingHost } from '../setting-host';

const SYSTEM = 'webhook';

const Settings = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('The webhook URL (Teams incoming webhook, Slack, Power Automate, any JSON endpoint).'),
  timeoutMs: z.number().int().min(100).max(120_000).default(30_000),
});
const Secrets = z.object({ signingSecret: z.string().optional() });

const postInput = z
  .object({
    payload: z.record(z.string(), z.unknown()).optional().describe('The JSON body, sent as is (e.g. a Teams Adaptive Card message).'),
    text: z.string().optional().describe('Shortcut: sends {"text": …}, which Teams and Slack both show.'),
  })
  .refine((p) => p.payload !== undefined || p.text !== undefined, { path: ['payload'], message: 'give payload or text' });

interface WebhookBound {
  settings: z.infer<typeof Settings>;
  signingSecret: string | undefined;
  env: AdapterEnvironment;
}

const teamsInput = z.object({
  title: z.string().min(1).max(400),
  text: z.string().max(20_000).optional(),
  link: z.string().min(1).max(2_000).optional().describe('A button opening this address (e.g. the approval in the studio Inbox).'),
  linkText: z.string().min(1).max(100).optional(),
});

/** A Teams incoming-webhook message: an Adaptive Card with a title, text and an optional link button. */
function teamsCard(input: z.infer<typeof teamsInput>): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: input.title, weight: 'Bolder', size: 'Medium', wrap: true },
            ...(input.text ? [{ type: 'TextBlock', text: input.text, wrap: true }] : []),
          ],
          actions: input.link ? [{ type: 'Action.OpenUrl', title: input.linkText ?? 'Open', url: input.link }] : [],
        },
      },
    ],
  };
}

async function postJson(payload: unknown, ctx: { idempotencyKey: string; signal: AbortSignal }, b: WebhookBound) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey };
  if (b.signingSecret) headers['x-demiton-signature'] = `sha256=${createHmac('sha256', b.signingSecret).update(body).digest('hex')}`;
  const res = expectOk(
    await httpRequest(
      b.env.network,
      { method: 'POST', url: b.settings.url, headers, body, signal: ctx.signal, timeoutMs: b.settings.timeoutMs },
      SYSTEM,
    ),
    'Webhook POST',
    SYSTEM,
  );
  return { status: res.status, body: res.body.toString('utf8').slice(0, 10_000) };
}

const operations = {
  post: call<WebhookBound, typeof postInput>({
    description: 'POSTs a JSON payload to the webhook; any 2xx is success, 429/5xx are retried.',
    input: postInput,
    output: z.object({ status: z.number(), body: z.string() }),
    run: (input, ctx, b) => postJson(input.payload ?? { text: input.text }, ctx, b),
  }),
  teamsMessage: call<WebhookBound, typeof teamsInput>({
    description: 'Posts a Teams message (an Adaptive Card: title, text, and a button to a link) to a Teams incoming webhook.',
    input: teamsInput,
    output: z.object({ status: z.number(), body: z.string() }),
    run: (input, ctx, b) => postJson(teamsCard(input), ctx, b),
  }),
};

/** Registration of the webhook adapter. */
export const webhookAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'comms',
  connectionTypes: ['webhook'],
  infer: (s) => {
    const host = settingHost(s, 'url');
    return host !== null && (host === 'hooks.slack.com' || host.endsWith('.webhook.office.com') || host.endsWith('.logic.azure.com'));
  },
  operations: declareOperations(operations),
  connectionSchema: z.object({ settings: Settings, secrets: Secrets }),
  // Whoever holds a Teams, Slack or Logic Apps webhook URL may post to it: sealed like a secret.
  sensitiveSettings: ['url'],
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const settings = Settings.parse(c.settings);
    const bound: WebhookBound = {
      settings,
      env,
      signingSecret: typeof c.secrets['signingSecret'] === 'string' ? c.secrets['signingSecret'] : undefined,
    };
    return {
      systemType: SYSTEM,
      category: 'comms',
      operations: bindOperations(operations, bound),
      async testConnection(signal) {
        // A webhook has no harmless probe: a HEAD/OPTIONS request shows the endpoint answers without posting a message.
        const res = await httpRequest(env.network, { method: 'OPTIONS', url: settings.url, signal, timeoutMs: settings.timeoutMs }, SYSTEM);
        return { ok: true, detail: `endpoint answered HTTP ${res.status}` };
      },
    };
  },
};
