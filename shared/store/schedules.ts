/** Schedules and their fire ledger. */
import type { Queryable } from '../db/db';
import type { StoredError } from '../domain/errors';

export interface ScheduleRow {
  id: string;
  orgId: string;
  workflowId: string;
  cron: string;
  timezone: string;
  input: Record<string, unknown>;
  enabled: boolean;
  catchUp: 'skip' | 'all';
  nextFireAt: Date | null;
  lastFireAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A schedule with what its newest fire did (the schedule list and detail). */
export interface ScheduleWithLastFire extends ScheduleRow {
  lastRunId: string | null;
  lastError: StoredError | null;
  /** When the newest fire was claimed (the time of its error). */
  lastFiredAt: Date | null;
}

const COLUMNS = `id, org_id AS "orgId", workflow_id AS "workflowId", cron, timezone, input, enabled, catch_up AS "catchUp",
  next_fire_at AS "nextFireAt", last_fire_at AS "lastFireAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface ScheduleFields {
  cron: string;
  timezone: string;
  input: Record<string, unknown>;
  enabled: boolean;
  catchUp: 'skip' | 'all';
  nextFireAt: Date | null;
}

/** Inserts a schedule. */
export async function insertSchedule(
  q: Queryable,
  s: ScheduleFields & { id: string; orgId: string; workflowId: string; createdBy: string },
): Promise<ScheduleRow> {
  const { rows } = await q.query<ScheduleRow>(
    `INSERT INTO schedules (id, org_id, workflow_id, cron, timezone, input, enabled, catch_up, next_fire_at, created_by)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::jsonb, $7::boolean, $8::text, $9::timestamptz, $10::text)
     RETURNING ${COLUMNS}`,
    [s.id, s.orgId, s.workflowId, s.cron, s.timezone, JSON.stringify(s.input), s.enabled, s.catchUp, s.nextFireAt, s.createdBy],
  );
  return rows[0]!;
}

/** Replaces a schedule's fields; null when it does not exist under that workflow. */
export async function updateSchedule(
  q: Queryable,
  orgId: string,
  workflowId: string,
  id: string,
  s: ScheduleFields,
): Promise<ScheduleRow | null> {
  const { rows } = await q.query<ScheduleRow>(
    `UPDATE schedules SET cron = $4::text, timezone = $5::text, input = $6::jsonb, enabled = $7::boolean, catch_up = $8::text,
            next_fire_at = $9::timestamptz, updated_at = now()
      WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::uuid
      RETURNING ${COLUMNS}`,
    [orgId, workflowId, id, s.cron, s.timezone, JSON.stringify(s.input), s.enabled, s.catchUp, s.nextFireAt],
  );
  return rows[0] ?? null;
}

// The newest fire of each schedule, found by the ledger's primary key (schedule id, fire time).
const WITH_LAST_FIRE = `SELECT ${COLUMNS}, f.run_id AS "lastRunId", f.error AS "lastError", f.fired_at AS "lastFiredAt"
  FROM schedules
  LEFT JOIN LATERAL (
    SELECT run_id, error, fired_at FROM schedule_fires WHERE schedule_id = schedules.id ORDER BY fire_time DESC LIMIT 1
  ) f ON true`;

/** One schedule of a workflow with its newest fire, or null. */
export async function getSchedule(q: Queryable, orgId: string, workflowId: string, id: string): Promise<ScheduleWithLastFire | null> {
  const { rows } = await q.query<ScheduleWithLastFire>(
    `${WITH_LAST_FIRE} WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::uuid`,
    [orgId, workflowId, id],
  );
  return rows[0] ?? null;
}

/** The schedules of a workflow with their newest fires, oldest first. */
export async function listSchedules(q: Queryable, orgId: string, workflowId: string): Promise<ScheduleWithLastFire[]> {
  const { rows } = await q.query<ScheduleWithLastFire>(
    `${WITH_LAST_FIRE} WHERE org_id = $1::uuid AND workflow_id = $2::uuid ORDER BY created_at, id`,
    [orgId, workflowId],
  );
  return rows;
}

/** Deletes a schedule (its fire ledger goes with it; runs it started stay). False when absent. */
export async function deleteSchedule(q: Queryable, orgId: string, workflowId: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM schedules WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::uuid', [
    orgId,
    workflowId,
    id,
  ]);
  return (rowCount ?? 0) > 0;
}

/**
 * Locks due schedules for this transaction. SKIP LOCKED: several timer instances split the due
 * schedules between them instead of queueing on the same rows.
 */
export async function lockDueSchedules(q: Queryable, limit: number): Promise<ScheduleRow[]> {
  const { rows } = await q.query<ScheduleRow>(
    `SELECT ${COLUMNS} FROM schedules WHERE enabled AND next_fire_at <= clock_timestamp()
      ORDER BY next_fire_at LIMIT $1::int FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows;
}

/**
 * Claims one fire in the ledger. False when this (schedule, fire time) already has a row: the
 * primary key is what makes each fire start at most one run, whoever races for it.
 */
export async function claimFire(q: Queryable, orgId: string, scheduleId: string, fireTime: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO schedule_fires (schedule_id, fire_time, org_id) VALUES ($1::uuid, $2::timestamptz, $3::uuid)
     ON CONFLICT (schedule_id, fire_time) DO NOTHING`,
    [scheduleId, fireTime, orgId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Records what a fire did: the run it started, or why none. The first record stands (two ticks
 * that both started a left-over fire got the same run through its idempotency key).
 */
export async function recordFire(
  q: Queryable,
  orgId: string,
  scheduleId: string,
  fireTime: Date,
  runId: string | null,
  error: StoredError | null,
): Promise<void> {
  await q.query(
    `UPDATE schedule_fires SET run_id = $4::uuid, error = $5::jsonb
      WHERE schedule_id = $1::uuid AND fire_time = $2::timestamptz AND org_id = $3::uuid AND run_id IS NULL AND error IS NULL`,
    [scheduleId, fireTime, orgId, runId, error ? JSON.stringify(error) : null],
  );
}

/** A claimed fire with what starting its run needs. */
export interface ClaimedFire {
  orgId: string;
  scheduleId: string;
  workflowId: string;
  input: Record<string, unknown>;
  fireTime: Date;
}

/**
 * Fires claimed more than `olderThanMs` ago with neither a run nor an error: the instance that
 * claimed them stopped before recording what they did. Oldest first, by the partial index of
 * unfinished fires (migration 0011), so the growing ledger is never scanned.
 */
export async function unfinishedFires(q: Queryable, olderThanMs: number, limit: number): Promise<ClaimedFire[]> {
  const { rows } = await q.query<ClaimedFire>(
    `SELECT f.org_id AS "orgId", f.schedule_id AS "scheduleId", s.workflow_id AS "workflowId", s.input, f.fire_time AS "fireTime"
       FROM schedule_fires f JOIN schedules s ON s.id = f.schedule_id AND s.org_id = f.org_id
      WHERE f.run_id IS NULL AND f.error IS NULL AND f.fired_at < clock_timestamp() - $1::int * interval '1 millisecond'
      ORDER BY f.fired_at LIMIT $2::int`,
    [olderThanMs, limit],
  );
  return rows;
}

/** Moves a schedule on to its next fire time. */
export async function advanceSchedule(q: Queryable, orgId: string, id: string, nextFireAt: Date, lastFireAt: Date | null): Promise<void> {
  await q.query(
    `UPDATE schedules SET next_fire_at = $3::timestamptz, last_fire_at = coalesce($4::timestamptz, last_fire_at) WHERE org_id = $1::uuid AND id = $2::uuid`,
    [orgId, id, nextFireAt, lastFireAt],
  );
}

/** The fire ledger of a schedule, oldest first. */
export async function listFires(
  q: Queryable,
  orgId: string,
  scheduleId: string,
): Promise<Array<{ fireTime: Date; runId: string | null; error: StoredError | null }>> {
  const { rows } = await q.query<{ fireTime: Date; runId: string | null; error: StoredError | null }>(
    `SELECT fire_time AS "fireTime", run_id AS "runId", error FROM schedule_fires WHERE org_id = $1::uuid AND schedule_id = $2::uuid ORDER BY fire_time`,
    [orgId, scheduleId],
  );
  return rows;
}
