/**
 * Durable waits across crashes, with real processes on the real PostgreSQL and Redis of this
 * machine. A worker process of the compiled build is SIGKILLed (1) while its runs wait for a
 * signal, an event, a time and a 2-of-3 approval: the waits end with no worker alive, and another
 * worker finishes each run, every wait resumed once and no effect before it repeated; (2) while it
 * runs the task after a resumed wait: the rescuer runs that task again and takes the wait's
 * recorded result, never waiting again; (3) while a run waits holding its workflow's one slot
 * (`holdSlotWhileWaiting`): the slot is neither lost to the next run nor held twice once the run
 * resumes on another worker, and nothing holds it after both runs ended.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { recoverRuns } from '../../../shared/engine/recovery-sweep';
import type { Principal } from '../../../shared/domain/principal';
import { Worker } from '../../../shared/engine/worker';
import * as waits from '../../../shared/engine/waits-service';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { api, TEST_REDIS_URL, waitFor } from '../../helpers/test-platform';
import { crashStack, sweepLoop } from './fault-kit';

const stack = crashStack();
const { createWorkflow } = stack;

const trigger = async (wf: string, input: Record<string, unknown> = {}) =>
  (await api(stack.host.url, 'POST', `/api/workflows/${wf}/runs`, { input })).body.id as string;
const status = async (id: string) => (await api(stack.host.url, 'GET', `/api/runs/${id}`)).body.status as string;
async function tasksOf(runId: string) {
  const { rows } = await stack.platform.db.query<{ id: string; key: string; status: string; attempts: number; output: unknown }>(
    'SELECT id, key, status, attempts, output FROM task_runs WHERE run_id = $1::uuid ORDER BY position',
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.key, r]));
}
const effect = (key: string, label: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'probeEffect',
  input: { label },
  ...extra,
});
const GROUP = '0b7d7a7e-3c55-4a38-9d7e-2f1c3e4a5b6c';
const approver = (n: number): Principal => ({
  orgId: DEV_ORG_ID,
  actor: { type: 'user', id: `t/approver-${n}` },
  role: 'viewer',
  groups: [GROUP],
});

async function rescue(ids: string[]) {
  const rescuer = new Worker(stack.platform, { concurrency: 8, pollMs: 100 });
  rescuer.start();
  const sweep = sweepLoop(stack.platform);
  const timer = setInterval(() => void waits.resumeDueWaits(stack.platform).catch(() => undefined), 200);
  try {
    for (const id of ids) await waitFor(async () => ['SUCCEEDED', 'FAILED'].includes(await status(id)), 60_000, 100);
  } finally {
    clearInterval(timer);
    await sweep.stop();
    await rescuer.stop();
  }
}

describe('a worker killed while its runs wait', () => {
  it('signal, event, time and 2-of-3 approval each resume once on another worker; nothing before the wait runs again', async () => {
    const wait = (w: Record<string, unknown>) => [effect('before', 'before'), { key: 'w', ...w }, effect('after', 'after')];
    const signalWf = await createWorkflow({ name: 'crash-signal', tasks: wait({ type: 'wait', signal: 'supplier' }) });
    const eventWf = await createWorkflow({ name: 'crash-event', tasks: wait({ type: 'wait', event: 'order.paid', match: 'input.order' }) });
    const timeWf = await createWorkflow({ name: 'crash-time', tasks: wait({ type: 'wait', until: 'input.at' }) });
    const approvalWf = await createWorkflow({
      name: 'crash-approval',
      tasks: wait({ type: 'approval', title: 'Buy', approvers: { groups: [GROUP] }, required: 2 }),
    });
    const victim = stack.worker();
    await victim.waitFor(/worker .* started/);
    const ids = [
      await trigger(signalWf),
      await trigger(eventWf, { order: 'O-77' }),
      await trigger(timeWf, { at: new Date(Date.now() + 6_000).toISOString() }),
      await trigger(approvalWf),
    ];
    for (const id of ids) await waitFor(async () => (await status(id)) === 'WAITING', 30_000, 50);
    await victim.kill('SIGKILL');

    // With no worker alive the waits end; the runs become PENDING and wait in the queue.
    expect((await api(stack.host.url, 'POST', `/api/runs/${ids[0]}/signals/supplier`, { ok: 's' })).body.delivery).toBe('resumed');
    expect((await api(stack.host.url, 'POST', '/api/events', { name: 'order.paid', key: 'O-77', payload: { ok: 'e' } })).body).toEqual({
      resumed: 1,
    });
    const approval = (await waits.listApprovals(stack.platform, approver(1), 'pending')).find((a) => a.runId === ids[3])!;
    await waits.decide(stack.platform, approver(1), approval.id, 'approve', null);
    await waits.decide(stack.platform, approver(2), approval.id, 'approve', null);
    expect(await status(ids[0]!)).toBe('PENDING');

    await rescue(ids);
    for (const id of ids) {
      expect(await status(id)).toBe('SUCCEEDED');
      const t = await tasksOf(id);
      expect([t['before']!.status, t['w']!.status, t['w']!.attempts, t['after']!.status]).toEqual([
        'SUCCEEDED',
        'SUCCEEDED',
        1,
        'SUCCEEDED',
      ]);
      expect(stack.probe.deliveries.get(t['before']!.id)).toBe(1);
      const rows = await stack.platform.db.query<{ status: string }>('SELECT status FROM run_waits WHERE run_id = $1', [id]);
      expect(rows.rows).toEqual([{ status: 'resumed' }]);
    }
    expect((await tasksOf(ids[0]!))['w']!.output).toEqual({ ok: 's' });
    expect((await tasksOf(ids[1]!))['w']!.output).toEqual({ ok: 'e' });
  }, 180_000);
});

describe('a worker killed while it resumes', () => {
  it('the task after the wait runs again on another worker; the wait keeps its one result and is not waited again', async () => {
    const wf = await createWorkflow({
      name: 'crash-resuming',
      tasks: [
        effect('before', 'before'),
        { key: 'w', type: 'wait', signal: 'go' },
        { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 4_000 } },
        effect('after', 'after'),
      ],
    });
    const victim = stack.worker();
    await victim.waitFor(/worker .* started/);
    const id = await trigger(wf);
    await waitFor(async () => (await status(id)) === 'WAITING', 30_000, 50);
    await api(stack.host.url, 'POST', `/api/runs/${id}/signals/go`, { n: 1 });
    await waitFor(async () => (await tasksOf(id))['nap']!.status === 'RUNNING', 30_000, 50);
    await victim.kill('SIGKILL');
    await rescue([id]);
    expect(await status(id)).toBe('SUCCEEDED');
    const t = await tasksOf(id);
    expect(Object.fromEntries(Object.values(t).map((x) => [x.key, [x.status, x.attempts]]))).toEqual({
      before: ['SUCCEEDED', 1],
      w: ['SUCCEEDED', 1],
      nap: ['SUCCEEDED', 2],
      after: ['SUCCEEDED', 1],
    });
    expect(t['w']!.output).toEqual({ n: 1 });
    expect(stack.probe.deliveries.get(t['before']!.id)).toBe(1);
    const rows = await stack.platform.db.query('SELECT 1 FROM run_waits WHERE run_id = $1', [id]);
    expect(rows.rowCount).toBe(1);
  }, 120_000);
});

describe('a worker killed while its waiting run holds the slot', () => {
  it('the slot is neither lost to the next run nor held twice; nothing holds it once both runs ended', async () => {
    const wf = await createWorkflow({
      name: 'crash-hold-slot',
      concurrency: { limit: 1 },
      holdSlotWhileWaiting: true,
      tasks: [effect('before', 'before'), { key: 'w', type: 'wait', signal: 'go' }, effect('after', 'after')],
    });
    const redis = new Redis(TEST_REDIS_URL);
    const holders = async () => redis.zrange(`{${stack.platform.redisPrefix}}:slots:wf:${DEV_ORG_ID}:${wf}`, '0', '-1');
    try {
      const victim = stack.worker();
      await victim.waitFor(/worker .* started/);
      const a = await trigger(wf);
      await waitFor(async () => (await status(a)) === 'WAITING', 30_000, 50);
      const b = await trigger(wf);
      await victim.kill('SIGKILL');

      // Another worker and the sweep, past the dead worker's lease (2 s) and its heartbeat: the
      // slot is a's still, so b is claimed, refused and parked, again and again, but never runs:
      // between a claim and its refusal b shows RUNNING for a moment, but no task of it starts.
      const rescuer = new Worker(stack.platform, { concurrency: 4, pollMs: 100 });
      rescuer.start();
      const sweep = sweepLoop(stack.platform);
      try {
        const seen = new Set<string>();
        const until = Date.now() + 5_000;
        while (Date.now() < until) {
          const h = await holders();
          expect(h.length).toBeLessThanOrEqual(1);
          h.forEach((x) => seen.add(x));
          expect(['PENDING', 'RUNNING']).toContain(await status(b));
          await new Promise((r) => setTimeout(r, 200));
        }
        expect([...seen]).toEqual([a]);
        const bBefore = (await tasksOf(b))['before']!;
        expect(stack.probe.deliveries.get(bBefore.id) ?? 0).toBe(0);

        await api(stack.host.url, 'POST', `/api/runs/${a}/signals/go`, { n: 1 });
        await waitFor(async () => (await status(a)) === 'SUCCEEDED', 30_000, 50);
        await waitFor(async () => (await status(b)) === 'WAITING', 30_000, 50);
        expect(await holders()).toEqual([b]);
        await api(stack.host.url, 'POST', `/api/runs/${b}/signals/go`, { n: 2 });
        await waitFor(async () => (await status(b)) === 'SUCCEEDED', 30_000, 50);
      } finally {
        await sweep.stop();
        await rescuer.stop();
      }
      expect(await holders()).toEqual([]);
      await recoverRuns(stack.platform);
      const records = await stack.platform.db.query('SELECT 1 FROM workflow_runs WHERE id = ANY($1::uuid[]) AND held_slot IS NOT NULL', [
        [a, b],
      ]);
      expect(records.rowCount).toBe(0);
      for (const id of [a, b]) {
        const t = await tasksOf(id);
        expect(stack.probe.deliveries.get(t['before']!.id)).toBe(1);
        expect(stack.probe.deliveries.get(t['after']!.id)).toBe(1);
      }
    } finally {
      redis.disconnect();
    }
  }, 120_000);
});
