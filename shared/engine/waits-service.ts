/**
 * The control plane's side of durable waits: signals, events, approval decisions and the timer.
 * Each ends waits through the one arbiter (store/waits.ts `endWaits`) inside a transaction that
 * first locks the runs concerned, wakes the runs it ended a wait of (WAITING → PENDING), and after
 * the commit enqueues them: the resume goes through the queue, claimed and fenced like a new run.
 * An enqueue that fails is repaired by the recovery sweep (it re-enqueues PENDING runs).
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db';
import { BodyTooLargeError, ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';
import { hasRole, type Principal, type Role } from '../domain/principal';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { runStatus } from '../store/runs';
import {
  dueWaits,
  endWaits,
  eventWaiters,
  findSignal,
  getWait,
  insertDecision,
  insertSignal,
  listApprovals as listApprovalRows,
  lockRuns,
  lockWait,
  waitingForSignal,
  waitingSummary,
  waitsOfRun,
  wakeRuns,
  type Decision,
  type WaitRow,
} from '../store/waits';

/** Largest signal or event payload, serialised: it becomes a task output, kept in the run's row. */
export const WAIT_PAYLOAD_MAX_BYTES = 256 * 1024;

type Deps = Pick<Platform, 'db' | 'queue' | 'logger'>;

function checkPayload(payload: unknown): void {
  if (Buffer.byteLength(JSON.stringify(payload ?? null)) > WAIT_PAYLOAD_MAX_BYTES) throw new BodyTooLargeError(WAIT_PAYLOAD_MAX_BYTES);
}

async function enqueueWoken(p: Deps, woken: ReadonlyArray<{ id: string; orgId: string }>): Promise<void> {
  for (const r of woken)
    await p.queue
      .enqueue({ runId: r.id, orgId: r.orgId, enqueuedAt: Date.now() })
      .catch((err: unknown) => p.logger.warn({ err, runId: r.id }, 'enqueue of a woken run failed; the recovery sweep enqueues it'));
}

const OPEN: ReadonlySet<string> = new Set(['PENDING', 'RUNNING', 'WAITING']);

export interface SignalResult {
  signalId: string;
  /** 'resumed': it ended a wait; 'kept': no wait for it yet, the first matching wait takes it. */
  delivery: 'resumed' | 'kept';
  replayed: boolean;
}

/**
 * Sends a signal to a run. It ends the oldest wait of the run for this name, or is kept for the
 * first wait that asks for it. With an idempotency key, a resend answers the first delivery and
 * changes nothing.
 */
export async function sendSignal(
  p: Deps,
  who: Principal,
  runId: string,
  name: string,
  payload: unknown,
  idempotencyKey: string | null,
): Promise<SignalResult> {
  checkPayload(payload);
  const { result, woken } = await p.db.tx(async (q) => {
    const status = (await lockRuns(q, who.orgId, [runId])).get(runId);
    if (!status) throw new NotFoundError('run', runId);
    if (idempotencyKey) {
      const earlier = await findSignal(q, runId, idempotencyKey);
      if (earlier) {
        if (earlier.name !== name)
          throw new ConflictError('idempotency_key_reused', `Idempotency-Key '${idempotencyKey}' was used for signal '${earlier.name}'.`);
        return {
          result: { signalId: earlier.id, delivery: earlier.takenBy ? 'resumed' : 'kept', replayed: true } satisfies SignalResult,
          woken: [],
        };
      }
    }
    if (!OPEN.has(status)) throw new ConflictError('run_not_open', `Run ${runId} already ended ${status}; it takes no signals.`);
    const waitId = await waitingForSignal(q, runId, name);
    const ended = waitId ? await endWaits(q, [waitId], 'resumed', payload ?? null) : [];
    const signalId = randomUUID();
    await insertSignal(q, {
      id: signalId,
      orgId: who.orgId,
      runId,
      name,
      payload,
      idempotencyKey,
      sentBy: who.actor.id,
      takenBy: ended[0]?.id ?? null,
    });
    const woken = await wakeRuns(
      q,
      who.orgId,
      ended.map((e) => e.runId),
    );
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'run.signal',
      targetType: 'run',
      targetId: runId,
      diff: { name, signalId, delivery: ended.length ? 'resumed' : 'kept' },
    });
    return {
      result: { signalId, delivery: ended.length ? 'resumed' : 'kept', replayed: false } satisfies SignalResult,
      woken: woken.map((id) => ({ id, orgId: who.orgId })),
    };
  });
  await enqueueWoken(p, woken);
  return result;
}

/** Every event published is audited, whether or not a wait was listening: who published what, and what it resumed. */
async function auditEvent(q: Queryable, who: Principal, name: string, key: string, resumedWaits: number): Promise<void> {
  await appendAudit(q, {
    orgId: who.orgId,
    actor: who.actor,
    source: who.source ?? null,
    action: 'event.publish',
    targetType: 'event',
    targetId: `${name}:${key}`,
    diff: { resumedWaits },
  });
}

/**
 * Publishes an event: every run waiting on this event name whose `match` gave this key resumes
 * with the payload as the wait's output. Found by index, never by scanning waiting runs. An event
 * nobody waits for is not kept (a wait only sees events published after it opened).
 */
export async function publishEvent(p: Deps, who: Principal, name: string, key: string, payload: unknown): Promise<{ resumed: number }> {
  checkPayload(payload);
  const woken = await p.db.tx(async (q) => {
    const waiters = await eventWaiters(q, who.orgId, name, key);
    if (!waiters.length) {
      await auditEvent(q, who, name, key, 0);
      return { count: 0, runs: [] };
    }
    await lockRuns(
      q,
      who.orgId,
      waiters.map((w) => w.runId),
    );
    const ended = await endWaits(
      q,
      waiters.map((w) => w.id),
      'resumed',
      payload ?? null,
    );
    const runIds = await wakeRuns(
      q,
      who.orgId,
      ended.map((e) => e.runId),
    );
    await auditEvent(q, who, name, key, ended.length);
    return { count: ended.length, runs: runIds.map((id) => ({ id, orgId: who.orgId })) };
  });
  await enqueueWoken(p, woken.runs);
  return { resumed: woken.count };
}

/**
 * The timer: ends the waits whose time has come (a time wait resumes, any other times out), up to
 * `limit` per call, oldest first. Several instances may run it at once: the arbiter ends each wait
 * once. Returns how many waits it ended.
 */
export async function resumeDueWaits(p: Deps, limit = 1_000): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await dueWaits(p.db, limit);
    if (!due.length) return total;
    const byOrg = new Map<string, typeof due>();
    for (const w of due) byOrg.set(w.orgId, [...(byOrg.get(w.orgId) ?? []), w]);
    for (const [orgId, waits] of byOrg) {
      const woken = await p.db.tx(async (q) => {
        await lockRuns(
          q,
          orgId,
          waits.map((w) => w.runId),
        );
        const times = waits.filter((w) => w.kind === 'time').map((w) => w.id);
        const others = waits.filter((w) => w.kind !== 'time').map((w) => w.id);
        const ended = [
          ...(await endWaits(q, times, 'resumed', { resumedAt: new Date().toISOString() })),
          ...(await endWaits(q, others, 'timed_out', null)),
        ];
        total += ended.length;
        return (
          await wakeRuns(
            q,
            orgId,
            ended.map((e) => e.runId),
          )
        ).map((id) => ({ id, orgId }));
      });
      await enqueueWoken(p, woken);
    }
    if (due.length < limit) return total;
  }
}

/** An approval as the API shows it. */
export interface ApprovalView {
  id: string;
  runId: string;
  taskKey: string;
  title: string;
  details: unknown;
  status: WaitRow['status'];
  required: number;
  approvals: number;
  approvers: { roles?: string[]; groups?: string[]; users?: string[] };
  requester: string | null;
  decisions: Decision[];
  /** Whether the caller may decide it now. */
  canDecide: boolean;
  /** Why not, when not. */
  reason: string | null;
  createdAt: string;
  dueAt: string | null;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** Whether a principal may decide an approval, and why not. */
export function mayDecide(who: Principal, w: WaitRow): { ok: boolean; reason: string | null } {
  const a = w.approval;
  if (!a) return { ok: false, reason: 'not an approval' };
  const { roles = [], groups = [], users = [] } = a.approvers;
  const listed =
    roles.some((r) => hasRole(who.role, r as Role)) ||
    groups.some((g) => who.groups?.includes(g)) ||
    users.some((u) => u === who.actor.id || u.toLowerCase() === who.username?.toLowerCase() || who.actor.id.endsWith(`/${u}`));
  if (!listed) return { ok: false, reason: 'you are not one of its approvers' };
  if (!a.allowRequester && a.requester === who.actor.id)
    return { ok: false, reason: 'you started this run; the requester may not approve it' };
  if (w.decisions.some((d) => d.actorId === who.actor.id)) return { ok: false, reason: 'you already decided' };
  if (w.status !== 'waiting') return { ok: false, reason: `it is ${w.status}` };
  return { ok: true, reason: null };
}

function view(who: Principal, w: WaitRow): ApprovalView {
  const a = w.approval!;
  const may = mayDecide(who, w);
  return {
    id: w.id,
    runId: w.runId,
    taskKey: w.taskKey,
    title: a.title,
    details: a.details ?? null,
    status: w.status,
    required: a.required,
    approvals: w.decisions.filter((d) => d.decision === 'approve').length,
    approvers: a.approvers,
    requester: a.requester,
    decisions: w.decisions,
    canDecide: may.ok,
    reason: may.reason,
    createdAt: iso(w.createdAt)!,
    dueAt: iso(w.dueAt),
  };
}

/** Approvals of the organisation: `pending` lists only those the caller may decide now. */
export async function listApprovals(p: Deps, who: Principal, status: 'pending' | 'all'): Promise<ApprovalView[]> {
  const rows = await listApprovalRows(p.db, who.orgId, status === 'pending', 500);
  const views = rows.map((w) => view(who, w));
  return status === 'pending' ? views.filter((v) => v.canDecide) : views;
}

export async function getApproval(p: Deps, who: Principal, id: string): Promise<ApprovalView> {
  const w = await getWait(p.db, who.orgId, id);
  if (!w || w.kind !== 'approval') throw new NotFoundError('approval', id);
  return view(who, w);
}

/**
 * Records a decision. 404 unknown approval; 409 already ended or already decided by this person;
 * 403 not an approver, or the requester. One rejection ends it `rejected`; `required` distinct
 * approvals end it `resumed` with the decisions as the task's output. Each decision goes to the
 * wait row (the task's output) and the audit log in the same transaction.
 */
export async function decide(
  p: Deps,
  who: Principal,
  id: string,
  decision: 'approve' | 'reject',
  comment: string | null,
): Promise<ApprovalView> {
  const { result, woken } = await p.db.tx(async (q) => {
    const peek = await getWait(q, who.orgId, id);
    if (!peek || peek.kind !== 'approval') throw new NotFoundError('approval', id);
    await lockRuns(q, who.orgId, [peek.runId]);
    const w = (await lockWait(q, who.orgId, id))!;
    if (w.decisions.some((d) => d.actorId === who.actor.id))
      throw new ConflictError('already_decided', `You already decided approval ${id}.`);
    if (w.status !== 'waiting') throw new ConflictError('approval_closed', `Approval ${id} is ${w.status}; it takes no more decisions.`);
    const may = mayDecide(who, w);
    if (!may.ok) throw new ForbiddenError('approver', `You may not decide approval ${id}: ${may.reason}.`);
    const d: Decision = {
      actorId: who.actor.id,
      displayName: who.displayName ?? who.username ?? null,
      decision,
      comment,
      decidedAt: new Date().toISOString(),
    };
    if (!(await insertDecision(q, who.orgId, id, d))) throw new ConflictError('already_decided', `You already decided approval ${id}.`);
    const decisions = [...w.decisions, d];
    const approvals = decisions.filter((x) => x.decision === 'approve').length;
    const required = w.approval!.required;
    let ended: Array<{ runId: string }> = [];
    if (decision === 'reject') ended = await endWaits(q, [id], 'rejected', { approved: false, decisions });
    else if (approvals >= required) ended = await endWaits(q, [id], 'resumed', { approved: true, decisions });
    const runIds = await wakeRuns(
      q,
      who.orgId,
      ended.map((e) => e.runId),
    );
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: `approval.${decision}`,
      targetType: 'approval',
      targetId: id,
      diff: { runId: w.runId, taskKey: w.taskKey, comment, approvals, required, ended: ended.length > 0 },
    });
    const after = (await getWait(q, who.orgId, id))!;
    return { result: view(who, after), woken: runIds.map((r) => ({ id: r, orgId: who.orgId })) };
  });
  await enqueueWoken(p, woken);
  return result;
}

/** What a run's tasks wait for (the run page). */
export async function runWaits(p: Deps, who: Principal, runId: string) {
  const rows = await waitsOfRun(p.db, who.orgId, runId);
  if (!rows.length && (await runStatus(p.db, who.orgId, runId)) === null) throw new NotFoundError('run', runId);
  return rows.map((w) => ({
    id: w.id,
    taskKey: w.taskKey,
    attempt: w.runAttempt,
    kind: w.kind,
    status: w.status,
    signal: w.signalName,
    event: w.eventName,
    key: w.eventKey,
    dueAt: iso(w.dueAt),
    approval: w.approval ? view(who, w) : null,
    createdAt: iso(w.createdAt)!,
    resolvedAt: iso(w.resolvedAt),
  }));
}

/** Waiting work by kind, for /hq system status. */
export async function waitingStatus(p: Pick<Platform, 'db'>, orgId: string) {
  return (await waitingSummary(p.db, orgId)).map((r) => ({ kind: r.kind, count: r.count, oldestSince: iso(r.oldest) }));
}
