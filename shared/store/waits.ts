/**
 * Durable waits (issue #16): the rows a WAITING run is made of, and the statements that end them.
 *
 * Exactly once: a wait leaves `status = 'waiting'` by one conditional UPDATE (`WHERE status =
 * 'waiting'`), whichever of a signal, an event, the timer, a decision or a cancel gets there
 * first; the others find it ended and change nothing.
 *
 * No lost wake-up: everything that parks a run or ends a wait first locks the run row (`SELECT …
 * FOR UPDATE`) and only then, in a later statement of the same transaction (so with a fresh
 * snapshot under READ COMMITTED), reads or changes the waits. Parking and waking are therefore
 * serialised per run: a wait ended before the park makes the park hand the run back to PENDING;
 * a wait ended after it finds the run WAITING and makes it PENDING. Either way the run goes
 * through the queue, claimed and fenced like a new run. Runs are locked in id order (as the
 * heartbeat and the batched claims do), so two resolvers never deadlock.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db';
import type { RunStatus } from '../domain/api';

export type WaitKind = 'signal' | 'event' | 'time' | 'approval';
export type WaitStatus = 'waiting' | 'resumed' | 'timed_out' | 'rejected' | 'cancelled';

export interface ApprovalSpec {
  title: string;
  details: unknown;
  approvers: { roles?: string[]; groups?: string[]; users?: string[] };
  required: number;
  allowRequester: boolean;
  /** The actor id of whoever started the run (null when a schedule or event started it). */
  requester: string | null;
}

export interface WaitRow {
  id: string;
  orgId: string;
  runId: string;
  taskRunId: string;
  runAttempt: number;
  taskKey: string;
  kind: WaitKind;
  signalName: string | null;
  eventName: string | null;
  eventKey: string | null;
  dueAt: string | null;
  status: WaitStatus;
  result: unknown;
  approval: ApprovalSpec | null;
  decisions: Decision[];
  createdAt: string;
  resolvedAt: string | null;
}

export interface Decision {
  actorId: string;
  displayName: string | null;
  decision: 'approve' | 'reject';
  comment: string | null;
  decidedAt: string;
}

const WAIT_COLUMNS = `id, org_id AS "orgId", run_id AS "runId", task_run_id AS "taskRunId", run_attempt AS "runAttempt",
  task_key AS "taskKey", kind, signal_name AS "signalName", event_name AS "eventName", event_key AS "eventKey",
  due_at AS "dueAt", status, result, approval, decisions, created_at AS "createdAt", resolved_at AS "resolvedAt"`;

/** What a task asks to wait for. */
export interface NewWait {
  orgId: string;
  runId: string;
  taskRunId: string;
  runAttempt: number;
  taskKey: string;
  kind: WaitKind;
  signalName?: string | null;
  eventName?: string | null;
  eventKey?: string | null;
  /** Milliseconds from now until the timer acts (resume for a time wait, timeout otherwise); null: never. */
  dueInMs: number | null;
  approval?: ApprovalSpec | null;
}

/**
 * Locks runs and every run above them (a child run's wait wakes its parents too), in id order;
 * returns the status of each found in the organisation. Locking the parents is what keeps a
 * parent's park and a child's wake-up from missing each other (see `parkRun`).
 */
export async function lockRuns(q: Queryable, orgId: string, runIds: readonly string[]): Promise<Map<string, RunStatus>> {
  if (!runIds.length) return new Map();
  const { rows } = await q.query<{ id: string; status: RunStatus }>(
    `WITH RECURSIVE lineage AS (
       SELECT id, parent_run_id FROM workflow_runs WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid
       UNION
       SELECT p.id, p.parent_run_id FROM workflow_runs p JOIN lineage l ON p.id = l.parent_run_id
     )
     SELECT id, status FROM workflow_runs WHERE id IN (SELECT id FROM lineage) AND org_id = $2::uuid ORDER BY id FOR UPDATE`,
    [[...new Set(runIds)], orgId],
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

/**
 * Where a run sits: its top-level run, and whether a chunk lies on the way up (waits are refused
 * there: shared/engine/waits.ts).
 */
export async function runLineage(q: Queryable, orgId: string, runId: string): Promise<{ rootId: string; inChunk: boolean }> {
  const { rows } = await q.query<{ rootId: string; inChunk: boolean }>(
    `WITH RECURSIVE lineage AS (
       SELECT id, parent_run_id, parent_chunk_index FROM workflow_runs WHERE id = $1::uuid AND org_id = $2::uuid
       UNION
       SELECT p.id, p.parent_run_id, p.parent_chunk_index FROM workflow_runs p JOIN lineage l ON p.id = l.parent_run_id
     )
     SELECT (SELECT id FROM lineage WHERE parent_run_id IS NULL) AS "rootId", bool_or(parent_chunk_index IS NOT NULL) AS "inChunk"
       FROM lineage`,
    [runId, orgId],
  );
  return { rootId: rows[0]?.rootId ?? runId, inChunk: rows[0]?.inChunk ?? false };
}

/** Locks the run for the worker that holds its lease; its attempt, or null when the lease is gone (fenced). */
export async function lockHeldRun(q: Queryable, orgId: string, runId: string, owner: string): Promise<number | null> {
  const { rows } = await q.query<{ attempt: number }>(
    `SELECT attempt FROM workflow_runs WHERE id = $1::uuid AND org_id = $2::uuid AND lease_owner = $3::text AND status = 'RUNNING'
        AND lease_expires_at > clock_timestamp() FOR UPDATE`,
    [runId, orgId, owner],
  );
  return rows[0]?.attempt ?? null;
}

/**
 * The wait of a task run in this run attempt, created if absent (inside the caller's transaction,
 * after `lockHeldRun`). A signal wait takes the oldest kept signal of its name at once.
 */
export async function openWait(q: Queryable, w: NewWait): Promise<{ wait: WaitRow; opened: boolean }> {
  const { rowCount } = await q.query(
    `INSERT INTO run_waits (id, org_id, run_id, task_run_id, run_attempt, task_key, kind, signal_name, event_name, event_key,
                            due_at, status, approval)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::int, $6::text, $7::text, $8::text, $9::text, $10::text,
             CASE WHEN $11::bigint IS NULL THEN NULL ELSE clock_timestamp() + $11::bigint * interval '1 millisecond' END,
             'waiting', $12::jsonb)
     ON CONFLICT (task_run_id, run_attempt) DO NOTHING`,
    [
      randomUUID(),
      w.orgId,
      w.runId,
      w.taskRunId,
      w.runAttempt,
      w.taskKey,
      w.kind,
      w.signalName ?? null,
      w.eventName ?? null,
      w.eventKey ?? null,
      w.dueInMs,
      w.approval ? JSON.stringify(w.approval) : null,
    ],
  );
  const { rows } = await q.query<WaitRow>(`SELECT ${WAIT_COLUMNS} FROM run_waits WHERE task_run_id = $1::uuid AND run_attempt = $2::int`, [
    w.taskRunId,
    w.runAttempt,
  ]);
  const wait = rows[0]!;
  const opened = (rowCount ?? 0) > 0;
  if (wait.kind === 'signal' && wait.status === 'waiting') {
    const { rows: taken } = await q.query<{ payload: unknown }>(
      `UPDATE run_signals SET taken_by = $3::uuid
        WHERE id = (SELECT id FROM run_signals WHERE run_id = $1::uuid AND name = $2::text AND taken_by IS NULL
                     ORDER BY created_at, id LIMIT 1)
        RETURNING payload`,
      [wait.runId, wait.signalName, wait.id],
    );
    if (taken.length) {
      const ended = await endWaits(q, [wait.id], 'resumed', taken[0]!.payload ?? null);
      if (ended.length) return { wait: { ...wait, status: 'resumed', result: taken[0]!.payload ?? null }, opened };
    }
  }
  return { wait, opened };
}

/**
 * THE arbiter: ends waits still waiting, in one conditional UPDATE. Returns the waits it ended
 * (with their runs); a wait already ended by someone else is not in the answer.
 */
export async function endWaits(
  q: Queryable,
  waitIds: readonly string[],
  status: Exclude<WaitStatus, 'waiting'>,
  result: unknown,
): Promise<Array<{ id: string; runId: string; orgId: string }>> {
  if (!waitIds.length) return [];
  const { rows } = await q.query<{ id: string; runId: string; orgId: string }>(
    `UPDATE run_waits SET status = $2::text, result = $3::jsonb, resolved_at = clock_timestamp()
      WHERE id = ANY($1::uuid[]) AND status = 'waiting'
      RETURNING id, run_id AS "runId", org_id AS "orgId"`,
    [waitIds, status, result === undefined ? null : JSON.stringify(result)],
  );
  return rows;
}

/**
 * Makes WAITING runs PENDING (after the caller ended one of their waits, with `lockRuns` held), and
 * the WAITING runs above them: a child run waits inside its parent's task, so the top-level run is
 * what the queue resumes, and it takes the child over again. Returns the top-level runs woken, to enqueue.
 */
export async function wakeRuns(q: Queryable, orgId: string, runIds: readonly string[]): Promise<string[]> {
  if (!runIds.length) return [];
  const { rows } = await q.query<{ id: string; top: boolean }>(
    `WITH RECURSIVE lineage AS (
       SELECT id, parent_run_id FROM workflow_runs WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid AND status = 'WAITING'
       UNION
       SELECT p.id, p.parent_run_id FROM workflow_runs p JOIN lineage l ON p.id = l.parent_run_id WHERE p.status = 'WAITING'
     )
     UPDATE workflow_runs w SET status = 'PENDING' FROM lineage WHERE w.id = lineage.id AND w.org_id = $2::uuid
     RETURNING w.id, lineage.parent_run_id IS NULL AS top`,
    [[...new Set(runIds)], orgId],
  );
  return rows.filter((r) => r.top).map((r) => r.id);
}

/** A workflow concurrency slot a WAITING run keeps (`holdSlotWhileWaiting`; migration 0026). */
export interface HeldSlot {
  key: string;
  limit: number;
}

/**
 * Lets a run go while its tasks wait (inside the caller's transaction, after `lockHeldRun`): if
 * none of the waits has ended meanwhile, the run and the waiting tasks become WAITING, with no
 * lease; if one has, the run goes back to PENDING to be claimed again at once. `heldSlot` records
 * the concurrency slot the run keeps meanwhile (either way: a cancel before the next claim must
 * release it). Returns the status set.
 */
export async function parkRun(
  q: Queryable,
  orgId: string,
  runId: string,
  taskRunIds: readonly string[],
  attempt: number,
  heldSlot: HeldSlot | null = null,
  childRunIds: readonly string[] = [],
): Promise<'WAITING' | 'PENDING'> {
  // A task waiting on a child run's wait: the child's wake-up (which locks this run first) made the
  // child PENDING if it came before this park; then the run goes straight back to the queue.
  const { rows } = await q.query<{ ended: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM run_waits WHERE run_id = $1::uuid AND task_run_id = ANY($2::uuid[]) AND run_attempt = $3::int
                     AND status <> 'waiting')
         OR EXISTS (SELECT 1 FROM workflow_runs WHERE id = ANY($4::uuid[]) AND status <> 'WAITING') AS ended`,
    [runId, taskRunIds, attempt, childRunIds],
  );
  const status = rows[0]?.ended ? 'PENDING' : 'WAITING';
  await q.query(
    `UPDATE workflow_runs SET status = $3::text, lease_owner = NULL, lease_expires_at = NULL, held_slot = COALESCE($4::jsonb, held_slot)
      WHERE id = $1::uuid AND org_id = $2::uuid`,
    [runId, orgId, status, heldSlot ? JSON.stringify(heldSlot) : null],
  );
  if (status === 'WAITING')
    await q.query(`UPDATE task_runs SET status = 'WAITING' WHERE id = ANY($1::uuid[]) AND run_id = $2::uuid AND status = 'RUNNING'`, [
      taskRunIds,
      runId,
    ]);
  return status;
}

/** The slots held for these runs while they waited (read in the transaction that cancels them). */
export async function heldSlotsOf(
  q: Queryable,
  orgId: string,
  runIds: readonly string[],
): Promise<Array<{ runId: string; slot: HeldSlot }>> {
  if (!runIds.length) return [];
  const { rows } = await q.query<{ runId: string; slot: HeldSlot }>(
    `SELECT id AS "runId", held_slot AS slot FROM workflow_runs WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid AND held_slot IS NOT NULL`,
    [runIds, orgId],
  );
  return rows;
}

/** Runs that ended still recording a held slot (index workflow_runs_held_slot): the sweep releases those slots. */
export async function endedHeldSlots(q: Queryable, limit: number): Promise<Array<{ runId: string; slot: HeldSlot }>> {
  const { rows } = await q.query<{ runId: string; slot: HeldSlot }>(
    `SELECT id AS "runId", held_slot AS slot FROM workflow_runs
      WHERE held_slot IS NOT NULL AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') LIMIT $1::int`,
    [limit],
  );
  return rows;
}

/** Forgets the held slots of runs that ended (after their release); a run retried meanwhile keeps its record. */
export async function clearHeldSlots(q: Queryable, runIds: readonly string[]): Promise<void> {
  if (!runIds.length) return;
  await q.query(`UPDATE workflow_runs SET held_slot = NULL WHERE id = ANY($1::uuid[]) AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`, [
    runIds,
  ]);
}

/** The attempt a run is in. */
export async function runAttempt(q: Queryable, orgId: string, runId: string): Promise<number> {
  const { rows } = await q.query<{ attempt: number }>(`SELECT attempt FROM workflow_runs WHERE id = $1::uuid AND org_id = $2::uuid`, [
    runId,
    orgId,
  ]);
  return rows[0]?.attempt ?? 1;
}

/** Who started a run, from its audit entry (null: a schedule, an event or a parent run started it). */
export async function runRequester(q: Queryable, orgId: string, runId: string): Promise<string | null> {
  const { rows } = await q.query<{ actorId: string }>(
    `SELECT actor_id AS "actorId" FROM audit_log
      WHERE org_id = $1::uuid AND target_type = 'run' AND target_id = $2::text AND actor_type IN ('user', 'apikey')
      ORDER BY id LIMIT 1`,
    [orgId, runId],
  );
  return rows[0]?.actorId ?? null;
}

/** The waits of a run (latest attempt first), for the run page. */
export async function waitsOfRun(q: Queryable, orgId: string, runId: string): Promise<WaitRow[]> {
  const { rows } = await q.query<WaitRow>(
    `SELECT ${WAIT_COLUMNS} FROM run_waits WHERE run_id = $1::uuid AND org_id = $2::uuid ORDER BY run_attempt DESC, created_at`,
    [runId, orgId],
  );
  return rows;
}

/** The waiting waits of a run for a signal of this name, oldest first (locked rows are fine: the run is locked). */
export async function waitingForSignal(q: Queryable, runId: string, name: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM run_waits WHERE run_id = $1::uuid AND kind = 'signal' AND signal_name = $2::text AND status = 'waiting'
      ORDER BY created_at LIMIT 1`,
    [runId, name],
  );
  return rows[0]?.id ?? null;
}

/** A signal sent earlier with this idempotency key. */
export async function findSignal(
  q: Queryable,
  runId: string,
  idempotencyKey: string,
): Promise<{ id: string; name: string; takenBy: string | null } | null> {
  const { rows } = await q.query<{ id: string; name: string; takenBy: string | null }>(
    `SELECT id, name, taken_by AS "takenBy" FROM run_signals WHERE run_id = $1::uuid AND idempotency_key = $2::text`,
    [runId, idempotencyKey],
  );
  return rows[0] ?? null;
}

export async function insertSignal(
  q: Queryable,
  s: {
    id: string;
    orgId: string;
    runId: string;
    name: string;
    payload: unknown;
    idempotencyKey: string | null;
    sentBy: string;
    takenBy: string | null;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO run_signals (id, org_id, run_id, name, payload, idempotency_key, sent_by, taken_by)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::jsonb, $6::text, $7::text, $8::uuid)`,
    [s.id, s.orgId, s.runId, s.name, JSON.stringify(s.payload ?? null), s.idempotencyKey, s.sentBy, s.takenBy],
  );
}

/** The runs waiting on an event with this key (index run_waits_by_event). */
export async function eventWaiters(q: Queryable, orgId: string, name: string, key: string): Promise<Array<{ id: string; runId: string }>> {
  const { rows } = await q.query<{ id: string; runId: string }>(
    `SELECT id, run_id AS "runId" FROM run_waits
      WHERE org_id = $1::uuid AND event_name = $2::text AND event_key = $3::text AND status = 'waiting' AND kind = 'event'`,
    [orgId, name, key],
  );
  return rows;
}

/** Waits whose time has come, oldest first (index run_waits_due). */
export async function dueWaits(q: Queryable, limit: number): Promise<Array<{ id: string; runId: string; orgId: string; kind: WaitKind }>> {
  const { rows } = await q.query<{ id: string; runId: string; orgId: string; kind: WaitKind }>(
    `SELECT id, run_id AS "runId", org_id AS "orgId", kind FROM run_waits
      WHERE status = 'waiting' AND due_at IS NOT NULL AND due_at <= clock_timestamp()
      ORDER BY due_at LIMIT $1::int`,
    [limit],
  );
  return rows;
}

/** One approval wait, locked (inside a transaction that holds its run). */
export async function lockWait(q: Queryable, orgId: string, waitId: string): Promise<WaitRow | null> {
  const { rows } = await q.query<WaitRow>(`SELECT ${WAIT_COLUMNS} FROM run_waits WHERE id = $1::uuid AND org_id = $2::uuid FOR UPDATE`, [
    waitId,
    orgId,
  ]);
  return rows[0] ?? null;
}

export async function getWait(q: Queryable, orgId: string, waitId: string): Promise<WaitRow | null> {
  const { rows } = await q.query<WaitRow>(`SELECT ${WAIT_COLUMNS} FROM run_waits WHERE id = $1::uuid AND org_id = $2::uuid`, [
    waitId,
    orgId,
  ]);
  return rows[0] ?? null;
}

/** Records one decision; false when this person already decided (the primary key). */
export async function insertDecision(q: Queryable, orgId: string, waitId: string, d: Decision): Promise<boolean> {
  const { rowCount } = await q.query(
    `WITH d AS (
       INSERT INTO approval_decisions (wait_id, org_id, actor_id, decision, comment) VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::text)
       ON CONFLICT DO NOTHING RETURNING 1
     )
     UPDATE run_waits SET decisions = decisions || jsonb_build_array($6::jsonb) WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM d)`,
    [waitId, orgId, d.actorId, d.decision, d.comment, JSON.stringify(d)],
  );
  return (rowCount ?? 0) > 0;
}

/** Approval waits of an organisation (pending, or all), newest first. */
export async function listApprovals(q: Queryable, orgId: string, pendingOnly: boolean, limit: number): Promise<WaitRow[]> {
  const { rows } = await q.query<WaitRow>(
    `SELECT ${WAIT_COLUMNS} FROM run_waits
      WHERE org_id = $1::uuid AND kind = 'approval' AND ($2::boolean = false OR status = 'waiting')
      ORDER BY created_at DESC LIMIT $3::int`,
    [orgId, pendingOnly, limit],
  );
  return rows;
}

/** Waiting runs by kind: how many, and since when the oldest waits (for /hq system status). */
export async function waitingSummary(
  q: Queryable,
  orgId: string,
): Promise<Array<{ kind: WaitKind; count: number; oldest: string | null }>> {
  const { rows } = await q.query<{ kind: WaitKind; count: string; oldest: string | null }>(
    `SELECT kind, count(*) AS count, min(created_at) AS oldest FROM run_waits WHERE org_id = $1::uuid AND status = 'waiting'
      GROUP BY kind ORDER BY kind`,
    [orgId],
  );
  return rows.map((r) => ({ kind: r.kind, count: Number(r.count), oldest: r.oldest }));
}
