/**
 * Durable waits (issue #16) through the HTTP handlers and the real engine on real PostgreSQL and
 * Redis: supplier callback by signal (kept when early, delivered once per Idempotency-Key), order
 * events matched by key, a wait until a time, timeouts handled like failures (and waiting again on
 * retry), purchase approval 2 of 3 from a group, rejection with a handler, the requester rule, the
 * signal/timer/cancel race, and bad input that changes nothing. Crashes:
 * reliability/waits-crash.integration.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/principal';
import { Worker } from '../../shared/engine/worker';
import * as waits from '../../shared/engine/waits-service';
import { DEV_ORG_ID } from '../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let timer: NodeJS.Timeout;

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 12, pollMs: 50, leaseMs: 3_000 });
  worker.start();
  // The local host's timer loop, faster: due waits resume within 100 ms.
  timer = setInterval(() => void waits.resumeDueWaits(platform).catch(() => undefined), 100);
});

afterAll(async () => {
  clearInterval(timer);
  await host?.close();
  await worker?.stop();
  await platform?.close();
});

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const getRun = async (id: string) => (await api(host.url, 'GET', `/api/runs/${id}`)).body;
const finished = (id: string, timeoutMs = 20_000) =>
  waitFor(async () => ((r) => (TERMINAL.includes(r.status) ? r : null))(await getRun(id)), timeoutMs);
const waiting = (id: string) => waitFor(async () => ((r) => (r.status === 'WAITING' ? r : null))(await getRun(id)));
const task = (run: { tasks: Array<{ key: string }> }, key: string) => run.tasks.find((t) => t.key === key) as any;

async function workflow(def: Record<string, unknown>): Promise<string> {
  const r = await api(host.url, 'POST', '/api/workflows', def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}
async function trigger(workflowId: string, input: Record<string, unknown> = {}): Promise<string> {
  const r = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input });
  expect(r.status).toBe(202);
  return r.body.id;
}
const echo = (key: string, input: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'echo',
  input,
  ...extra,
});
const person = (n: number, groups: string[] = []): Principal => ({
  orgId: DEV_ORG_ID,
  actor: { type: 'user', id: `tenant/user-${n}` },
  role: 'viewer',
  groups,
  displayName: `Person ${n}`,
});
const FINANCE = '6f1c0a52-6e1b-4c55-9d39-0c7e2d5f0a11';

describe('signals', () => {
  it('supplier callback: the run waits holding no lease, the signal resumes it once per Idempotency-Key', async () => {
    const wf = await workflow({
      name: 'supplier-callback',
      tasks: [
        echo('order', { id: '{{ input.id }}' }),
        { key: 'callback', type: 'wait', signal: 'supplier', timeoutMs: 60_000 },
        echo('after', { confirmed: '{{ steps.callback.confirmation }}' }),
      ],
    });
    const id = await trigger(wf, { id: 'PO-1' });
    const w = await waiting(id);
    expect(task(w, 'callback').status).toBe('WAITING');
    const lease = await platform.db.query<{ lease_owner: string | null }>('SELECT lease_owner FROM workflow_runs WHERE id = $1', [id]);
    expect(lease.rows[0]!.lease_owner).toBeNull();
    const hq = await api(host.url, 'GET', '/api/hq/system');
    expect(hq.body.runs.byStatus.WAITING).toBeGreaterThanOrEqual(1);
    expect(hq.body.runs.waiting.find((k: { kind: string }) => k.kind === 'signal').count).toBeGreaterThanOrEqual(1);
    const waitsView = await api(host.url, 'GET', `/api/runs/${id}/waits`);
    expect(waitsView.body.items[0]).toMatchObject({ kind: 'signal', signal: 'supplier', status: 'waiting' });

    const first = await api(host.url, 'POST', `/api/runs/${id}/signals/supplier`, { confirmation: 'C-9' }, { 'idempotency-key': 'cb-1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ delivery: 'resumed', replayed: false });
    const again = await api(host.url, 'POST', `/api/runs/${id}/signals/supplier`, { confirmation: 'C-10' }, { 'idempotency-key': 'cb-1' });
    expect(again.body).toMatchObject({ signalId: first.body.signalId, replayed: true });
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    expect(task(done, 'callback').output).toEqual({ confirmation: 'C-9' });
    expect(task(done, 'after').output).toEqual({ confirmed: 'C-9' });
    expect(task(done, 'callback').attempts).toBe(1);
    const kept = await platform.db.query('SELECT 1 FROM run_signals WHERE run_id = $1', [id]);
    expect(kept.rowCount).toBe(1);
  });

  it('a signal sent before the run reaches its wait is kept and taken by that wait', async () => {
    const wf = await workflow({
      name: 'early-signal',
      tasks: [
        { key: 'pause', type: 'wait', durationMs: 400 },
        { key: 'go', type: 'wait', signal: 'go' },
      ],
    });
    const id = await trigger(wf);
    await waiting(id);
    const sent = await api(host.url, 'POST', `/api/runs/${id}/signals/go`, { early: true });
    expect(sent.body.delivery).toBe('kept');
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    expect(task(done, 'go').output).toEqual({ early: true });
    expect(task(done, 'pause').output.resumedAt).toEqual(expect.any(String));
  });
});

describe('events and time', () => {
  it('order events resume only the run whose match gives the key; cancel ends a waiting run', async () => {
    const wf = await workflow({
      name: 'order-events',
      tasks: [
        { key: 'shipped', type: 'wait', event: 'order.shipped', match: 'input.orderId' },
        echo('notify', { carrier: '{{ steps.shipped.carrier }}' }),
      ],
    });
    const a = await trigger(wf, { orderId: 'A-1' });
    const b = await trigger(wf, { orderId: 'B-2' });
    await waiting(a);
    await waiting(b);
    const plan = await platform.db.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON) SELECT id FROM run_waits WHERE org_id = $1::uuid AND event_name = 'order.shipped' AND event_key = 'A-1'
        AND status = 'waiting' AND kind = 'event'`,
      [DEV_ORG_ID],
    );
    expect(JSON.stringify(plan.rows[0]!['QUERY PLAN'])).toContain('run_waits_by_event');
    const ev = await api(host.url, 'POST', '/api/events', { name: 'order.shipped', key: 'A-1', payload: { carrier: 'DHL' } });
    expect(ev.body).toEqual({ resumed: 1 });
    expect((await finished(a)).status).toBe('SUCCEEDED');
    expect(task(await getRun(a), 'notify').output).toEqual({ carrier: 'DHL' });
    expect((await getRun(b)).status).toBe('WAITING');

    const cancel = await api(host.url, 'POST', `/api/runs/${b}/cancel`);
    expect(cancel.status).toBe(200);
    expect((await getRun(b)).status).toBe('CANCELLED');
    const late = await api(host.url, 'POST', '/api/events', { name: 'order.shipped', key: 'B-2', payload: {} });
    expect(late.body).toEqual({ resumed: 0 });
    const sig = await api(host.url, 'POST', `/api/runs/${b}/signals/x`, {});
    expect(sig.status).toBe(409);
    expect(sig.body.code).toBe('run_not_open');
  });

  it('waits until a time given by an expression', async () => {
    const wf = await workflow({ name: 'until-time', tasks: [{ key: 'later', type: 'wait', until: 'input.at' }, echo('after')] });
    const at = new Date(Date.now() + 800).toISOString();
    const id = await trigger(wf, { at });
    await waiting(id);
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    expect(Date.parse(task(done, 'after').startedAt)).toBeGreaterThanOrEqual(Date.parse(at));
  });

  it('a timeout fails the task with wait_timed_out, handled by runAfter: failure; a retried run waits again', async () => {
    const handled = await workflow({
      name: 'timeout-handled',
      tasks: [
        { key: 'reply', type: 'wait', signal: 'reply', timeoutMs: 300 },
        echo('chase', { code: '{{ steps.reply.error.code }}' }, { runAfter: 'failure' }),
      ],
    });
    const h = await finished(await trigger(handled));
    expect(h.status).toBe('SUCCEEDED');
    expect(task(h, 'chase').output).toEqual({ code: 'wait_timed_out' });

    const bare = await workflow({ name: 'timeout-bare', tasks: [{ key: 'reply', type: 'wait', signal: 'reply', timeoutMs: 300 }] });
    const id = await trigger(bare);
    const failed = await finished(id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error.code).toBe('wait_timed_out');
    expect((await api(host.url, 'POST', `/api/runs/${id}/retry`)).status).toBe(202);
    await waiting(id);
    await api(host.url, 'POST', `/api/runs/${id}/signals/reply`, { ok: 1 });
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    expect(task(done, 'reply').output).toEqual({ ok: 1 });
  });
});

describe('approvals', () => {
  it('purchase approval: 2 of 3 from a group; outsiders get 403, a second decision 409; decisions in the output and audit log', async () => {
    const wf = await workflow({
      name: 'purchase-approval',
      tasks: [
        {
          key: 'approve',
          type: 'approval',
          title: 'Purchase {{ input.amount }}',
          details: { amount: '{{ input.amount }}', supplier: '{{ input.supplier }}' },
          approvers: { groups: [FINANCE] },
          required: 2,
        },
        echo('order', { approvedBy: '{{ steps.approve.decisions.displayName }}' }),
      ],
    });
    const id = await trigger(wf, { amount: 1200, supplier: 'Acme' });
    await waiting(id);
    const [p1, p2, p3, outsider] = [person(1, [FINANCE]), person(2, [FINANCE]), person(3, [FINANCE]), person(4)];
    const pending = await waits.listApprovals(platform, p1, 'pending');
    const mine = pending.find((a) => a.runId === id)!;
    expect(mine).toMatchObject({
      title: 'Purchase {{ input.amount }}',
      details: { amount: 1200, supplier: 'Acme' },
      required: 2,
      canDecide: true,
    });
    expect((await waits.listApprovals(platform, outsider, 'pending')).find((a) => a.runId === id)).toBeUndefined();
    await expect(waits.decide(platform, outsider, mine.id, 'approve', null)).rejects.toMatchObject({ code: 'forbidden' });
    const one = await waits.decide(platform, p1, mine.id, 'approve', 'fine');
    expect(one).toMatchObject({ status: 'waiting', approvals: 1 });
    await expect(waits.decide(platform, p1, mine.id, 'approve', null)).rejects.toMatchObject({ code: 'already_decided' });
    expect((await getRun(id)).status).toBe('WAITING');
    const two = await waits.decide(platform, p2, mine.id, 'approve', null);
    expect(two).toMatchObject({ status: 'resumed', approvals: 2 });
    await expect(waits.decide(platform, p3, mine.id, 'approve', null)).rejects.toMatchObject({ code: 'approval_closed' });
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    const out = task(done, 'approve').output;
    expect(out.approved).toBe(true);
    expect(out.decisions.map((d: { actorId: string; comment: string | null }) => [d.actorId, d.comment])).toEqual([
      ['tenant/user-1', 'fine'],
      ['tenant/user-2', null],
    ]);
    expect(task(done, 'order').output).toEqual({ approvedBy: ['Person 1', 'Person 2'] });
    const audit = await platform.db.query<{ action: string; actor_id: string }>(
      `SELECT action, actor_id FROM audit_log WHERE target_type = 'approval' AND target_id = $1 ORDER BY id`,
      [mine.id],
    );
    expect(audit.rows).toEqual([
      { action: 'approval.approve', actor_id: 'tenant/user-1' },
      { action: 'approval.approve', actor_id: 'tenant/user-2' },
    ]);
  });

  it('a rejection fails the task with approval_rejected, handled by a handler that sees it', async () => {
    const wf = await workflow({
      name: 'purchase-rejected',
      tasks: [
        { key: 'approve', type: 'approval', title: 'Purchase', approvers: { groups: [FINANCE] }, required: 2 },
        echo('tellRequester', { why: '{{ steps.approve.error.code }}' }, { runAfter: 'failure' }),
      ],
    });
    const id = await trigger(wf);
    await waiting(id);
    const a = (await waits.listApprovals(platform, person(1, [FINANCE]), 'pending')).find((x) => x.runId === id)!;
    const r = await waits.decide(platform, person(1, [FINANCE]), a.id, 'reject', 'too expensive');
    expect(r.status).toBe('rejected');
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    expect(task(done, 'approve').status).toBe('FAILED');
    expect(task(done, 'tellRequester').output).toEqual({ why: 'approval_rejected' });
  });

  it('the requester may not approve their own run unless allowRequester (HTTP: 403, then 200)', async () => {
    const wf = await workflow({
      name: 'self-approval',
      tasks: [
        { key: 'mine', type: 'approval', title: 'Mine', approvers: { roles: ['viewer'] } },
        { key: 'allowed', type: 'approval', title: 'Allowed', approvers: { roles: ['viewer'] }, allowRequester: true },
      ],
    });
    const id = await trigger(wf);
    await waiting(id);
    const all = await api(host.url, 'GET', '/api/approvals?status=all');
    const first = all.body.items.find((x: { runId: string }) => x.runId === id);
    expect(first.canDecide).toBe(false);
    expect((await api(host.url, 'GET', '/api/approvals')).body.items.find((x: { runId: string }) => x.runId === id)).toBeUndefined();
    const denied = await api(host.url, 'POST', `/api/approvals/${first.id}/decision`, { decision: 'approve' });
    expect(denied.status).toBe(403);
    await waits.decide(platform, person(7), first.id, 'approve', null);
    const second = await waitFor(async () =>
      (await api(host.url, 'GET', '/api/approvals')).body.items.find(
        (x: { runId: string; taskKey: string }) => x.runId === id && x.taskKey === 'allowed',
      ),
    );
    const ok = await api(host.url, 'POST', `/api/approvals/${second.id}/decision`, { decision: 'approve', comment: 'mine, allowed' });
    expect(ok.status).toBe(200);
    expect((await finished(id)).status).toBe('SUCCEEDED');
  });
});

describe('races and bad input', () => {
  it('signal, timer and cancel racing for the same waits end each wait once', async () => {
    const wf = await workflow({ name: 'race', tasks: [{ key: 'w', type: 'wait', signal: 's', timeoutMs: 1_000 }] });
    const ids = await Promise.all(Array.from({ length: 12 }, () => trigger(wf)));
    await Promise.all(ids.map(waiting));
    await new Promise((r) => setTimeout(r, 900));
    await Promise.all(
      ids.flatMap((id, i) => [
        api(host.url, 'POST', `/api/runs/${id}/signals/s`, { i }),
        waits.resumeDueWaits(platform),
        ...(i % 3 === 0 ? [api(host.url, 'POST', `/api/runs/${id}/cancel`)] : []),
      ]),
    );
    for (const [i, id] of ids.entries()) {
      const run = await finished(id);
      const cancelSent = i % 3 === 0;
      const rows = await platform.db.query<{ status: string; taken: number }>(
        `SELECT w.status, (SELECT count(*)::int FROM run_signals s WHERE s.taken_by = w.id) AS taken FROM run_waits w WHERE w.run_id = $1`,
        [id],
      );
      expect(rows.rowCount).toBe(1);
      const w = rows.rows[0]!;
      // The wait ended once, and the run agrees with that ending: resumed ⇔ the signal taken once,
      // timed out ⇔ none taken. A cancel may still land after the wait ended and before the run
      // resumed (then the run is CANCELLED whatever ended its wait); only runs sent one are.
      if (run.status === 'CANCELLED') expect(cancelSent).toBe(true);
      if (w.status === 'resumed') {
        expect(w.taken).toBe(1);
        expect(run.status).toEqual(cancelSent ? expect.stringMatching(/^(SUCCEEDED|CANCELLED)$/) : 'SUCCEEDED');
      } else if (w.status === 'timed_out') {
        expect(w.taken).toBe(0);
        if (run.status !== 'CANCELLED') expect([run.status, run.error.code]).toEqual(['FAILED', 'wait_timed_out']);
      } else expect([w.status, run.status, w.taken, cancelSent]).toEqual(['cancelled', 'CANCELLED', 0, true]);
    }
  });

  it('bad input gets problem+json with a stable code and changes nothing', async () => {
    const wf = await workflow({ name: 'bad-input', tasks: [{ key: 'w', type: 'wait', signal: 's' }] });
    const id = await trigger(wf);
    await waiting(id);
    const count = async () => (await platform.db.query('SELECT 1 FROM run_signals WHERE run_id = $1', [id])).rowCount;
    const unknown = await api(host.url, 'POST', `/api/runs/00000000-0000-4000-8000-000000000000/signals/s`, {});
    expect([unknown.status, unknown.body.code]).toEqual([404, 'run_not_found']);
    const big = await api(host.url, 'POST', `/api/runs/${id}/signals/s`, { blob: 'x'.repeat(300 * 1024) });
    expect([big.status, big.body.code]).toEqual([413, 'body_too_large']);
    const badName = await api(host.url, 'POST', `/api/runs/${id}/signals/${encodeURIComponent('no spaces')}`, {});
    expect(badName.status).toBe(400);
    const badKey = await api(host.url, 'POST', `/api/runs/${id}/signals/s`, {}, { 'idempotency-key': 'é' });
    expect(badKey.body.code).toBe('invalid_idempotency_key');
    const badEvent = await api(host.url, 'POST', '/api/events', { name: 'x' });
    expect(badEvent.status).toBe(422);
    const malformed = await api(host.url, 'POST', `/api/approvals/00000000-0000-4000-8000-000000000000/decision`, { decision: 'maybe' });
    expect(malformed.status).toBe(422);
    const unknownApproval = await api(host.url, 'POST', `/api/approvals/00000000-0000-4000-8000-000000000000/decision`, {
      decision: 'approve',
    });
    expect(unknownApproval.status).toBe(404);
    const notJson = await api(host.url, 'POST', `/api/runs/${id}/signals/s`, '{oops', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(await count()).toBe(0);
    expect((await getRun(id)).status).toBe('WAITING');
  });

  it('save-time checks: a wait names one thing, with paths', async () => {
    const r = await api(host.url, 'POST', '/api/workflows', {
      name: 'bad-waits',
      tasks: [
        { key: 'a', type: 'wait', signal: 's', durationMs: 5 },
        { key: 'b', type: 'wait', event: 'e' },
        { key: 'c', type: 'approval', title: 't', approvers: {} },
        { key: 'd', type: 'approval', title: 't', approvers: { users: ['u1'] }, required: 2 },
      ],
    });
    expect(r.status).toBe(422);
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['tasks[0]', 'tasks[1].match', 'tasks[2].approvers', 'tasks[3].required']));
  });
});
