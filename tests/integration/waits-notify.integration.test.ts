/**
 * Approval notices (issue #16) through real connectors: with STUDIO_PUBLIC_URL set, an approval's
 * `notify` sends a mail through the SMTP adapter to a loopback SMTP server (smtp-server) and a
 * Teams incoming-webhook message (the webhook adapter's teamsMessage) to a loopback HTTP server,
 * each carrying the absolute Inbox link of that approval. Without STUDIO_PUBLIC_URL no notice is
 * sent (a relative link would open nothing), and the approval still waits in the Inbox.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../shared/engine/worker';
import { startSmtpCapture, type SmtpCapture } from '../servers/smtp-capture';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../helpers/test-platform';

interface Stack {
  platform: TestPlatform;
  host: { url: string; close(): Promise<void> };
  worker: Worker;
}
async function startStack(env: Record<string, string>): Promise<Stack> {
  const platform = await createTestPlatform({ env });
  const host = await startTestHost(platform);
  const worker = new Worker(platform, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
  worker.start();
  return { platform, host, worker };
}
async function stopStack(s: Stack | undefined) {
  await s?.host.close();
  await s?.worker.stop();
  await s?.platform.close();
}

let smtp: SmtpCapture;
let teams: Server;
let teamsUrl: string;
const cards: Array<{ headers: Record<string, unknown>; body: any }> = [];
let configured: Stack;
let unconfigured: Stack;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  teams = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      cards.push({ headers: req.headers, body: JSON.parse(body) });
      // What a Teams incoming webhook answers on success.
      res.writeHead(200, { 'content-type': 'text/plain' }).end('1');
    });
  });
  await new Promise<void>((r) => teams.listen(0, '127.0.0.1', r));
  teamsUrl = `http://127.0.0.1:${(teams.address() as AddressInfo).port}/webhookb2/approvals`;
  // A trailing slash in the setting gives no double slash in the link.
  configured = await startStack({ STUDIO_PUBLIC_URL: 'https://studio.example.test/demiton/' });
  unconfigured = await startStack({});
});

afterAll(async () => {
  await stopStack(configured);
  await stopStack(unconfigured);
  await smtp?.close();
  await new Promise((r) => teams?.close(r));
});

/** Decodes the quoted-printable soft line breaks and escapes of a raw mail. */
const unfold = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

async function setUp(s: Stack, suffix: string) {
  const mail = await api(s.host.url, 'POST', '/api/connectors', {
    name: `mail-${suffix}`,
    systemType: 'smtp',
    settings: { host: '127.0.0.1', port: smtp.port, tls: 'opportunistic', from: 'demiton@example.test' },
    secrets: {},
  });
  expect(mail.status, JSON.stringify(mail.body)).toBe(201);
  const hook = await api(s.host.url, 'POST', '/api/connectors', {
    name: `teams-${suffix}`,
    systemType: 'webhook',
    settings: { url: teamsUrl },
    secrets: {},
  });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  const wf = await api(s.host.url, 'POST', '/api/workflows', {
    name: `purchase-notify-${suffix}`,
    tasks: [
      {
        key: 'byMail',
        type: 'approval',
        title: 'Purchase {{ input.po }}',
        approvers: { roles: ['viewer'] },
        needs: [],
        notify: {
          connector: `mail-${suffix}`,
          operation: 'sendMail',
          input: { to: 'approvers@example.test', subject: 'Purchase {{ input.po }}', text: 'Please decide: {{ approval.link }}' },
        },
      },
      {
        key: 'byTeams',
        type: 'approval',
        title: 'Purchase {{ input.po }} (Teams)',
        approvers: { roles: ['viewer'] },
        needs: [],
        notify: {
          connector: `teams-${suffix}`,
          operation: 'teamsMessage',
          input: {
            title: 'Purchase {{ input.po }} (Teams)',
            text: 'An approval waits for you.',
            link: '{{ approval.link }}',
            linkText: 'Open the Inbox',
          },
        },
      },
    ],
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  return wf.body.id as string;
}

async function approvalsOf(s: Stack, runId: string) {
  return waitFor(async () => {
    const items = (await api(s.host.url, 'GET', '/api/approvals?status=all')).body.items.filter(
      (a: { runId: string }) => a.runId === runId,
    );
    return items.length === 2 ? (items as Array<{ id: string; taskKey: string }>) : null;
  });
}

describe('approval notices', () => {
  it('mail (SMTP) and Teams (incoming webhook) each carry the absolute Inbox link of their approval', async () => {
    const wf = await setUp(configured, 'on');
    const run = (await api(configured.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { po: 'PO-42' } })).body.id as string;
    const approvals = await approvalsOf(configured, run);
    const byMail = approvals.find((a) => a.taskKey === 'byMail')!;
    const byTeams = approvals.find((a) => a.taskKey === 'byTeams')!;

    const mail = await waitFor(async () => smtp.messages.find((m) => m.raw.includes('PO-42')));
    expect(mail.to).toEqual(['approvers@example.test']);
    const text = unfold(mail.raw);
    expect(text).toContain(`Please decide: https://studio.example.test/demiton/inbox?approval=${byMail.id}`);
    expect(text).toMatch(/Subject: Purchase PO-42/);

    const card = await waitFor(async () => cards.find((c) => JSON.stringify(c.body).includes('PO-42 (Teams)')));
    const content = card.body.attachments[0].content;
    expect(content.body[0].text).toBe('Purchase PO-42 (Teams)');
    const open = content.actions.find((a: { type: string }) => a.type === 'Action.OpenUrl');
    expect(open).toMatchObject({ title: 'Open the Inbox', url: `https://studio.example.test/demiton/inbox?approval=${byTeams.id}` });
    // Sent once per approval, under a stable key (a resumed run does not notify again).
    expect(card.headers['idempotency-key']).toBe(`notify:${byTeams.id}`);
    await waitFor(async () => (await api(configured.host.url, 'GET', `/api/runs/${run}`)).body.status === 'WAITING');
  });

  it('without STUDIO_PUBLIC_URL no notice is sent; the approval waits in the Inbox all the same', async () => {
    const wf = await setUp(unconfigured, 'off');
    const mails = smtp.messages.length;
    const posts = cards.length;
    const run = (await api(unconfigured.host.url, 'POST', `/api/workflows/${wf}/runs`, { input: { po: 'PO-43' } })).body.id as string;
    await waitFor(async () => (await api(unconfigured.host.url, 'GET', `/api/runs/${run}`)).body.status === 'WAITING');
    const approvals = await approvalsOf(unconfigured, run);
    expect(approvals).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages.length).toBe(mails);
    expect(cards.length).toBe(posts);
  });
});
