/**
 * SMTP mail (`nodemailer`). The Message-ID is derived from the idempotency key, so a retried send
 * carries the same id and receiving systems can drop the duplicate. TLS is required by default
 * (implicit TLS or STARTTLS); `opportunistic` is for relays on a trusted network.
 */
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { upstream, UpstreamError } from '../upstream-error';

const SYSTEM = 'smtp';

const Settings = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  tls: z
    .enum(['implicit', 'starttls', 'opportunistic'])
    .default('starttls')
    .describe('implicit: TLS from the first byte (port 465); starttls: upgrade required; opportunistic: upgrade when offered.'),
  from: z.string().min(3).optional().describe('Default sender address.'),
  connectTimeoutMs: z.number().int().min(1000).max(120_000).default(15_000),
});
const Secrets = z.object({ username: z.string().optional(), password: z.string().optional() });

const Addresses = z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]);
const sendInput = z
  .object({
    from: z.string().min(3).optional(),
    to: Addresses,
    cc: Addresses.optional(),
    bcc: Addresses.optional(),
    replyTo: z.string().optional(),
    subject: z.string().max(998),
    text: z.string().optional(),
    html: z.string().optional(),
  })
  .refine((m) => m.text !== undefined || m.html !== undefined, { path: ['text'], message: 'give text or html' });

type Transport = ReturnType<typeof nodemailer.createTransport>;
interface SmtpBound {
  transport(): Promise<Transport>;
  from: string | undefined;
  host: string;
}

const operations = {
  sendMail: call<SmtpBound, typeof sendInput>({
    description: 'Sends one message. The Message-ID comes from the idempotency key, so a retry is recognisable as the same message.',
    input: sendInput,
    output: z.object({ messageId: z.string(), accepted: z.array(z.string()), rejected: z.array(z.string()), response: z.string() }),
    async run(input, ctx, b) {
      const from = input.from ?? b.from;
      if (!from) throw new UpstreamError('smtp_no_sender', SYSTEM, 'No sender: give `from` or set settings.from on the connector.');
      const t = await b.transport();
      const onAbort = () => t.close();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const messageId = `<${ctx.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '')}@demiton>`;
        const info = await t.sendMail({ ...input, from, messageId });
        return {
          messageId: info.messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
          response: info.response,
        };
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; code?: string };
        if (typeof e.responseCode === 'number') {
          // 4xx replies are temporary by definition (RFC 5321 §4.2.1); 5xx are permanent.
          throw new UpstreamError('smtp_rejected', SYSTEM, `The SMTP server ${b.host} answered: ${e.response ?? (err as Error).message}`, {
            cause: err,
            retryable: e.responseCode < 500,
          });
        }
        throw upstream(SYSTEM, err, `Sending mail through ${b.host}`);
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        t.close();
      }
    },
  }),
};

/** Registration of the SMTP adapter. */
export const smtpAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'comms',
  connectionTypes: ['smtp', 'email'],
  infer: (s) =>
    [25, 465, 587, 2525].includes(Number(s['port'])) && typeof s['host'] === 'string' && /^(smtp|mail)\./i.test(String(s['host'])),
  operations: declareOperations(operations),
  connectionSchema: z.object({ settings: Settings, secrets: Secrets }),
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const user = typeof c.secrets['username'] === 'string' ? c.secrets['username'] : undefined;
    const pass = typeof c.secrets['password'] === 'string' ? c.secrets['password'] : undefined;
    const bound: SmtpBound = {
      host: s.host,
      from: s.from,
      async transport() {
        const address = await env.network.resolve(s.host);
        return nodemailer.createTransport({
          host: address,
          port: s.port,
          secure: s.tls === 'implicit',
          requireTLS: s.tls === 'starttls',
          tls: { servername: s.host },
          name: 'demiton',
          connectionTimeout: s.connectTimeoutMs,
          greetingTimeout: s.connectTimeoutMs,
          ...(user ? { auth: { user, pass } } : {}),
        });
      },
    };
    return {
      systemType: SYSTEM,
      category: 'comms',
      operations: bindOperations(operations, bound),
      async testConnection() {
        const t = await bound.transport();
        try {
          await t.verify();
          return { ok: true, detail: `SMTP server ${s.host}:${s.port} accepted the connection${user ? ' and the login' : ''}` };
        } catch (err) {
          throw upstream(SYSTEM, err, `SMTP ${s.host}:${s.port}`);
        } finally {
          t.close();
        }
      },
    };
  },
};
