/**
 * SMTP through nodemailer to an `smtp-server` that records what it received; webhooks (JSON POST)
 * to a loopback HTTP server that records the request.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../../servers/smtp-capture';
import { adapterFor, callOp, ctx, devRegistry, prodRegistry } from './adapter-harness';

describe('SMTP adapter', () => {
  let open: SmtpCapture;
  let authed: SmtpCapture;
  beforeAll(async () => {
    open = await startSmtpCapture({ rejectRecipient: 'ghost@example.com' });
    authed = await startSmtpCapture({ auth: { user: 'mailer', pass: 'p@ss' } });
  });
  afterAll(async () => {
    await open?.close();
    await authed?.close();
  });

  const smtp = (port: number, secrets: Record<string, string> = {}, tls = 'opportunistic') =>
    adapterFor({ systemType: 'smtp', settings: { host: '127.0.0.1', port, tls, from: 'demiton@example.com' }, secrets });

  it('sends a message the server receives, with a Message-ID from the idempotency key', async () => {
    const c = ctx({ idempotencyKey: '3f1c2d4e-0000-4000-8000-00000000abcd' });
    const r = await callOp(
      smtp(open.port),
      'sendMail',
      { to: ['ops@example.com', 'cfo@example.com'], subject: 'Nightly import', text: '42 orders imported' },
      c,
    );
    expect(r.accepted).toEqual(['ops@example.com', 'cfo@example.com']);
    expect(r.messageId).toBe('<3f1c2d4e-0000-4000-8000-00000000abcd@demiton>');
    const got = open.messages.at(-1)!;
    expect(got.from).toBe('demiton@example.com');
    expect(got.to).toEqual(['ops@example.com', 'cfo@example.com']);
    expect(got.raw).toMatch(/^Subject: Nightly import\r?$/m);
    expect(got.raw).toMatch(/^Message-ID: <3f1c2d4e-0000-4000-8000-00000000abcd@demiton>\r?$/im);
    expect(got.raw).toContain('42 orders imported');
  });

  it('logs in when the server requires it', async () => {
    await callOp(smtp(authed.port, { username: 'mailer', password: 'p@ss' }), 'sendMail', {
      to: 'a@example.com',
      subject: 'hi',
      html: '<b>hi</b>',
    });
    expect(authed.messages.at(-1)!.user).toBe('mailer');
  });

  it('reports a refused login with the server’s reply, not retryable', async () => {
    const err = await callOp(smtp(authed.port, { username: 'mailer', password: 'wrong' }), 'sendMail', {
      to: 'a@example.com',
      subject: 'x',
      text: 'x',
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'smtp_rejected', retryable: false });
    expect(err.message).toMatch(/535.*Invalid username or password/);
  });

  it('reports a rejected recipient (550) as permanent', async () => {
    const err = await callOp(smtp(open.port), 'sendMail', { to: 'ghost@example.com', subject: 'x', text: 'x' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'smtp_rejected', retryable: false });
    expect(err.message).toMatch(/550/);
  });

  it('by default requires TLS, and refuses a server that does not offer STARTTLS', async () => {
    const before = open.messages.length;
    const err = await callOp(smtp(open.port, {}, 'starttls'), 'sendMail', { to: 'a@example.com', subject: 'x', text: 'x' }).catch((e) => e);
    // nodemailer insists on STARTTLS; this server does not know the command, so nothing is sent in clear.
    expect(err).toMatchObject({ code: 'smtp_rejected' });
    expect(err.message).toMatch(/500 .*command not recognized/);
    expect(open.messages.length).toBe(before);
  });

  it('tests the connection (and the login)', async () => {
    await expect(
      smtp(authed.port, { username: 'mailer', password: 'p@ss' }).testConnection!(new AbortController().signal),
    ).resolves.toMatchObject({ ok: true });
    await expect(smtp(authed.port, { username: 'mailer', password: 'nope' }).testConnection!(new AbortController().signal)).rejects.toThrow(
      /Invalid username or password/,
    );
  });

  it('is refused by the production policy', async () => {
    const a = prodRegistry.getAdapter({
      id: 'x',
      name: 'm',
      systemType: 'smtp',
      settings: { host: '127.0.0.1', port: open.port, tls: 'opportunistic', from: 'a@b.c' },
      secrets: {},
    });
    await expect(callOp(a, 'sendMail', { to: 'a@example.com', subject: 'x', text: 'x' })).rejects.toMatchObject({
      code: 'outbound_address_blocked',
    });
  });
});

describe('webhook adapter', () => {
  let server: Server;
  let url: string;
  const received: Array<{ method: string; headers: IncomingHttpHeaders; body: string }> = [];
  let nextStatus = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method!, headers: req.headers, body });
        res.writeHead(nextStatus, { 'content-type': 'text/plain' });
        res.end(nextStatus === 200 ? '1' : 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhookb2/abc`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('POSTs JSON with the idempotency key and an HMAC signature', async () => {
    const a = adapterFor({ systemType: 'webhook', settings: { url }, secrets: { signingSecret: 'shh' } });
    const c = ctx();
    const r = await callOp(a, 'post', { text: 'Import finished: 42 orders' }, c);
    expect(r).toEqual({ status: 200, body: '1' });
    const got = received.at(-1)!;
    expect(got.method).toBe('POST');
    expect(JSON.parse(got.body)).toEqual({ text: 'Import finished: 42 orders' });
    expect(got.headers['idempotency-key']).toBe(c.idempotencyKey);
    expect(got.headers['x-demiton-signature']).toBe(`sha256=${createHmac('sha256', 'shh').update(got.body).digest('hex')}`);
  });

  it('sends a full payload (Teams message card) as is', async () => {
    const payload = {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'hi' }] },
        },
      ],
    };
    await callOp(adapterFor({ systemType: 'webhook', settings: { url } }), 'post', { payload });
    expect(JSON.parse(received.at(-1)!.body)).toEqual(payload);
    expect(received.at(-1)!.headers['x-demiton-signature']).toBeUndefined();
  });

  it('teamsMessage posts an Adaptive Card with a title, text and a link button (the approval notice)', async () => {
    await callOp(adapterFor({ systemType: 'webhook', settings: { url } }), 'teamsMessage', {
      title: 'Approval: Purchase 1200',
      text: 'Acme, 1200 EUR',
      link: 'https://studio.example.com/inbox?approval=abc',
      linkText: 'Open in the Inbox',
    });
    const card = JSON.parse(received.at(-1)!.body);
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0].content.body.map((b: { text: string }) => b.text)).toEqual(['Approval: Purchase 1200', 'Acme, 1200 EUR']);
    expect(card.attachments[0].content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in the Inbox', url: 'https://studio.example.com/inbox?approval=abc' },
    ]);
  });

  it('reports a throttled endpoint as retryable, with its message', async () => {
    nextStatus = 429;
    try {
      const err = await callOp(adapterFor({ systemType: 'webhook', settings: { url } }), 'post', { text: 'x' }).catch((e) => e);
      expect(err).toMatchObject({ code: 'webhook_http_429', retryable: true, status: 429 });
      expect(err.message).toContain('Microsoft Teams endpoint returned HTTP error 429');
    } finally {
      nextStatus = 200;
    }
  });

  it('infers the webhook system type from a Teams or Slack URL', () => {
    expect(
      devRegistry.resolve({ id: 'x', name: 'w', settings: { url: 'https://contoso.webhook.office.com/webhookb2/x' }, secrets: {} }),
    ).toMatchObject({ step: 'inferred-system-type', registration: { systemType: 'webhook' } });
    expect(
      devRegistry.resolve({ id: 'x', name: 'w', settings: { url: 'https://hooks.slack.com/services/T/B/X' }, secrets: {} }).registration
        .systemType,
    ).toBe('webhook');
  });
});
