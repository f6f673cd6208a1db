/**
 * Waits in child runs (issue #16) on real PostgreSQL and Redis: a `wait` or `approval` inside a
 * `workflow` task's child run parks the child and its parent (and a grandparent), holding no lease;
 * the end of the child's wait (signal, timer, decision, timeout) wakes the top-level run through
 * the queue, which takes the child over again and finishes it once. Cancel ends the whole tree and
 * its waits. Under a chunked task a wait is still refused (`wait_in_child_run`).
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
  worker = new Worker(platform, { concurrency: 8, pollMs: 50, leaseMs: 3_000 });
  worker.start();
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
const finished = (id: string) => waitFor(async () => ((r) => (TERMINAL.includes(r.status) ? r : null))(await getRun(id)), 20_000);
const waiting = (id: string) => waitFor(async () => ((r) => (r.status === 'WAITING' ? r : null))(await getRun(id)), 20_000);
const task = (run: { tasks: Array<{ key: string }> }, key: string) => run.tasks.find((t) => t.key === key) as any;
const echo = (key: string, input: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'echo',
  input,
  ...extra,
});

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
async function childOf(parentId: string): Promise<string> {
  return waitFor(async () => {
    const { rows } = await platform.db.query<{ id: string }>('SELECT id FROM workflow_runs WHERE parent_run_id = $1::uuid', [parentId]);
    return rows[0]?.id;
  });
}
const leases = async (ids: string[]) =>
  (
    await platform.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM workflow_runs WHERE id = ANY($1::uuid[]) AND lease_owner IS NOT NULL',
      [ids],
    )
  ).rows[0]!.n;

describe('waits in child runs', () => {
  it('a signal wait in a child: child and parent wait holding no lease; the signal resumes both once', async () => {
    await workflow({
      name: 'supplier-child',
      tasks: [{ key: 'callback', type: 'wait', signal: 'supplier', timeoutMs: 60_000 }, echo('confirm', { c: '{{ steps.callback.c }}' })],
    });
    const parentWf = await workflow({
      name: 'order-parent',
      tasks: [
        echo('before', { id: '{{ input.id }}' }),
        { key: 'supplier', type: 'workflow', workflow: 'supplier-child', input: { id: '{{ input.id }}' } },
        echo('after', { got: '{{ steps.supplier.c }}' }),
      ],
    });
    const parent = await trigger(parentWf, { id: 'PO-9' });
    const w = await waiting(parent);
    expect(task(w, 'supplier').status).toBe('WAITING');
    const child = await childOf(parent);
    const c = await waiting(child);
    expect(task(c, 'callback').status).toBe('WAITING');
    expect(await leases([parent, child])).toBe(0);

    const sent = await api(host.url, 'POST', `/api/runs/${child}/signals/supplier`, { c: 'C-1' });
    expect(sent.body.delivery).toBe('resumed');
    const done = await finished(parent);
    expect(done.status).toBe('SUCCEEDED');
    expect(task(done, 'after').output).toEqual({ got: 'C-1' });
    expect(task(done, 'supplier').attempts).toBe(1);
    expect(task(done, 'before').attempts).toBe(1);
    const childDone = await getRun(child);
    expect(childDone.status).toBe('SUCCEEDED');
    expect(task(childDone, 'callback')).toMatchObject({ status: 'SUCCEEDED', attempts: 1, output: { c: 'C-1' } });
    const rows = await platform.db.query('SELECT status FROM run_waits WHERE run_id = $1', [child]);
    expect(rows.rows).toEqual([{ status: 'resumed' }]);
  });

  it('a grandchild waits on a timer; a graph parent runs its other branch meanwhile and resumes when the timer ends', async () => {
    await workflow({ name: 'nap-grandchild', tasks: [{ key: 'nap', type: 'wait', durationMs: 600 }, echo('woke', { ok: true })] });
    await workflow({ name: 'nap-child', tasks: [{ key: 'inner', type: 'workflow', workflow: 'nap-grandchild' }] });
    const parentWf = await workflow({
      name: 'nap-parent',
      tasks: [
        { key: 'napper', type: 'workflow', workflow: 'nap-child', needs: [] },
        echo('side', { x: 1 }, { needs: [] }),
        echo('join', { inner: '{{ steps.napper.ok }}' }, { needs: ['napper', 'side'] }),
      ],
    });
    const parent = await trigger(parentWf);
    const done = await finished(parent);
    expect(done.status).toBe('SUCCEEDED');
    expect(task(done, 'join').output).toEqual({ inner: true });
    expect(task(done, 'side').attempts).toBe(1);
    const { rows } = await platform.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM run_waits w JOIN workflow_runs k ON k.id = w.run_id JOIN workflow_runs c ON c.id = k.parent_run_id
        WHERE c.parent_run_id = $1::uuid AND w.status = 'resumed'`,
      [parent],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('an approval in a child: the requester is the top-level run’s; the decision resumes the parent; a timeout fails the parent task', async () => {
    await workflow({ name: 'approve-child2', tasks: [{ key: 'ok', type: 'approval', title: 'Buy', approvers: { roles: ['viewer'] } }] });
    const parentWf = await workflow({
      name: 'approve-parent',
      tasks: [{ key: 'ask', type: 'workflow', workflow: 'approve-child2' }, echo('after', { approved: '{{ steps.ask.approved }}' })],
    });
    const parent = await trigger(parentWf);
    await waiting(parent);
    const child = await childOf(parent);
    const approval = await waitFor(async () =>
      (await api(host.url, 'GET', '/api/approvals?status=all')).body.items.find((a: { runId: string }) => a.runId === child),
    );
    // The dev user started the parent: it may not approve the child's approval either.
    expect(approval.canDecide).toBe(false);
    expect((await api(host.url, 'POST', `/api/approvals/${approval.id}/decision`, { decision: 'approve' })).status).toBe(403);
    const someoneElse: Principal = { orgId: DEV_ORG_ID, actor: { type: 'user', id: 't/other' }, role: 'viewer', groups: [] };
    await waits.decide(platform, someoneElse, approval.id, 'approve', 'ok');
    const done = await finished(parent);
    expect(done.status).toBe('SUCCEEDED');
    expect(task(done, 'after').output).toEqual({ approved: true });

    await workflow({ name: 'slow-child', tasks: [{ key: 'reply', type: 'wait', signal: 'reply', timeoutMs: 400 }] });
    const handled = await workflow({
      name: 'slow-parent',
      tasks: [
        { key: 'ask', type: 'workflow', workflow: 'slow-child' },
        echo('chase', { code: '{{ steps.ask.error.code }}' }, { runAfter: 'failure' }),
      ],
    });
    const h = await finished(await trigger(handled));
    expect(h.status).toBe('SUCCEEDED');
    expect(task(h, 'ask').status).toBe('FAILED');
    expect(task(h, 'chase').output).toEqual({ code: 'child_run_failed' });
  });

  it('cancelling the waiting parent cancels the child and ends its wait; a late signal changes nothing', async () => {
    await workflow({ name: 'cancel-child', tasks: [{ key: 'w', type: 'wait', signal: 'go' }] });
    const parentWf = await workflow({ name: 'cancel-parent', tasks: [{ key: 'sub', type: 'workflow', workflow: 'cancel-child' }] });
    const parent = await trigger(parentWf);
    await waiting(parent);
    const child = await childOf(parent);
    await waiting(child);
    expect((await api(host.url, 'POST', `/api/runs/${parent}/cancel`)).status).toBe(200);
    expect((await getRun(child)).status).toBe('CANCELLED');
    const rows = await platform.db.query('SELECT status FROM run_waits WHERE run_id = $1', [child]);
    expect(rows.rows).toEqual([{ status: 'cancelled' }]);
    const late = await api(host.url, 'POST', `/api/runs/${child}/signals/go`, {});
    expect([late.status, late.body.code]).toEqual([409, 'run_not_open']);
    expect((await getRun(parent)).status).toBe('CANCELLED');
  });

  it('a wait under a chunked task is refused with wait_in_child_run', async () => {
    await workflow({ name: 'chunk-waiter', tasks: [{ key: 'w', type: 'wait', signal: 'go' }] });
    const wf = await workflow({
      name: 'chunk-parent',
      tasks: [
        {
          key: 'each',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 2 } },
          each: { workflow: 'chunk-waiter', input: { n: '{{ record.index }}' } },
        },
      ],
    });
    const run = await finished(await trigger(wf));
    expect(run.status).toBe('FAILED');
    const { rows } = await platform.db.query<{ code: string }>(
      `SELECT error->>'code' AS code FROM workflow_runs WHERE parent_run_id = $1::uuid`,
      [run.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.code === 'wait_in_child_run')).toBe(true);
    const opened = await platform.db.query(
      'SELECT 1 FROM run_waits w JOIN workflow_runs k ON k.id = w.run_id WHERE k.parent_run_id = $1::uuid',
      [run.id],
    );
    expect(opened.rowCount).toBe(0);
  });
});
