/**
 * Purchase approval, 2 of 3 approvers from an Entra group (issue #16), driven over HTTP against the
 * running host in Entra mode: every caller presents an access token signed by the loopback Entra
 * issuer (its JWKS verified by the API), with the approvers' group in the token's `groups` claim.
 * A non-member gets 403, the same person twice 409, the requester is refused unless
 * `allowRequester`, and each decision records the person (tenant/object id, name).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { waitFor } from '../../helpers/test-platform';
import { startEntraEnv, type EntraEnv } from './entra-env';

let env: EntraEnv;
let worker: Worker;
/** The approvers' Entra group: not mapped to any role, it only names who may approve. */
const FINANCE = randomUUID();

beforeAll(async () => {
  env = await startEntraEnv();
  worker = new Worker(env.platform, { concurrency: 4, pollMs: 50, leaseMs: 3_000 });
  worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await env?.close();
});

/** A signed-in person: a token from the issuer with their role's group and any others. */
async function person(name: string, role: 'viewer' | 'editor', groups: string[] = []) {
  const oid = randomUUID();
  const token = await env.issuer.accessToken({
    oid,
    name,
    preferred_username: `${name}@example.test`,
    groups: [await env.groupFor(role), ...groups],
  });
  return { oid, name, token, actorId: `${env.tenants[0]}/${oid}` };
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

describe('purchase approval over HTTP with Entra tokens', () => {
  it('2 of 3 from a group: non-member 403, requester 403, same person twice 409, then resumed with who decided', async () => {
    const requester = await person('Rita Requester', 'editor', [FINANCE]);
    const [p1, p2, p3] = [
      await person('Ann', 'viewer', [FINANCE]),
      await person('Ben', 'viewer', [FINANCE]),
      await person('Cy', 'viewer', [FINANCE]),
    ];
    const outsider = await person('Olaf Outsider', 'viewer');

    const wf = await env.call('POST', '/api/workflows', requester.token, {
      name: 'purchase-entra',
      tasks: [
        {
          key: 'approve',
          type: 'approval',
          title: 'Purchase',
          details: { amount: '{{ input.amount }}' },
          approvers: { groups: [FINANCE] },
          required: 2,
        },
        { key: 'order', type: 'atomic', connector: 'platform', operation: 'echo', input: { by: '{{ steps.approve.decisions.actorId }}' } },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const run = await env.call('POST', `/api/workflows/${wf.body.id}/runs`, requester.token, { input: { amount: 900 } });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    const runId = run.body.id as string;

    const mine = await waitFor(async () =>
      (await env.call('GET', '/api/approvals', p1.token)).body.items?.find((a: { runId: string }) => a.runId === runId),
    );
    expect(mine).toMatchObject({ details: { amount: 900 }, required: 2, canDecide: true });
    const decide = (who: { token: string }, decision = 'approve', comment?: string) =>
      env.call('POST', `/api/approvals/${mine.id}/decision`, who.token, { decision, ...(comment ? { comment } : {}) });

    // Not in the group: not listed, and refused.
    expect(
      (await env.call('GET', '/api/approvals', outsider.token)).body.items.find((a: { runId: string }) => a.runId === runId),
    ).toBeUndefined();
    const denied = await decide(outsider);
    expect([denied.status, denied.body.code]).toEqual([403, 'forbidden']);
    // In the group, but started the run.
    const self = await decide(requester);
    expect([self.status, self.body.code]).toEqual([403, 'forbidden']);
    expect(self.headers.get('content-type')).toContain('application/problem+json');
    // No token at all.
    expect((await env.call('POST', `/api/approvals/${mine.id}/decision`, null, { decision: 'approve' })).status).toBe(401);

    const one = await decide(p1, 'approve', 'within budget');
    expect([one.status, one.body.status]).toEqual([200, 'waiting']);
    const twice = await decide(p1);
    expect([twice.status, twice.body.code]).toEqual([409, 'already_decided']);
    const decisions = await env.platform.db.query('SELECT actor_id FROM approval_decisions WHERE wait_id = $1', [mine.id]);
    expect(decisions.rows).toEqual([{ actor_id: p1.actorId }]);

    const two = await decide(p2);
    expect([two.status, two.body.status]).toEqual([200, 'resumed']);
    const late = await decide(p3);
    expect([late.status, late.body.code]).toEqual([409, 'approval_closed']);

    const done = await waitFor(async () => {
      const r = (await env.call('GET', `/api/runs/${runId}`, requester.token)).body;
      return TERMINAL.includes(r.status) ? r : null;
    });
    expect(done.status).toBe('SUCCEEDED');
    const approve = done.tasks.find((t: { key: string }) => t.key === 'approve');
    expect(
      approve.output.decisions.map((d: { actorId: string; displayName: string; comment: string | null }) => [
        d.actorId,
        d.displayName,
        d.comment,
      ]),
    ).toEqual([
      [p1.actorId, 'Ann', 'within budget'],
      [p2.actorId, 'Ben', null],
    ]);
    expect(done.tasks.find((t: { key: string }) => t.key === 'order').output).toEqual({ by: [p1.actorId, p2.actorId] });
    const audit = await env.platform.db.query<{ action: string; actor_id: string }>(
      `SELECT action, actor_id FROM audit_log WHERE target_type = 'approval' AND target_id = $1 ORDER BY id`,
      [mine.id],
    );
    expect(audit.rows).toEqual([
      { action: 'approval.approve', actor_id: p1.actorId },
      { action: 'approval.approve', actor_id: p2.actorId },
    ]);
  });

  it('allowRequester lets the person who started the run decide', async () => {
    const requester = await person('Rae', 'editor', [FINANCE]);
    const wf = await env.call('POST', '/api/workflows', requester.token, {
      name: 'purchase-entra-self',
      tasks: [{ key: 'approve', type: 'approval', title: 'Small purchase', approvers: { groups: [FINANCE] }, allowRequester: true }],
    });
    expect(wf.status).toBe(201);
    const runId = (await env.call('POST', `/api/workflows/${wf.body.id}/runs`, requester.token, { input: {} })).body.id as string;
    const a = await waitFor(async () =>
      (await env.call('GET', '/api/approvals', requester.token)).body.items?.find((x: { runId: string }) => x.runId === runId),
    );
    const ok = await env.call('POST', `/api/approvals/${a.id}/decision`, requester.token, { decision: 'approve' });
    expect([ok.status, ok.body.status]).toEqual([200, 'resumed']);
    await waitFor(async () => (await env.call('GET', `/api/runs/${runId}`, requester.token)).body.status === 'SUCCEEDED');
  });
});
