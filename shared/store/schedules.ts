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
export async function insertSchedule(q: Queryable, s: ScheduleFields & { id: string; orgId: string; workflowId: string; createdBy: string }): Promise<ScheduleRow> {
  const { rows } = await q.query<ScheduleRow>(
    `INSERT INTO schedules (id, org_id, workflow_id, cron, timezone, input, enabled, catch_up, next_fire_at, created_by)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::jsonb, $7::boolean, $8::text, $9::timestamptz, $10::text)
     RETURNING ${COLUMNS}`,
    [s.id, s.orgId, s.workflowId, s.cron, s.timezone, JSON.stringify(s.input), s.enabled, s.catchUp, s.nextFireAt, s.createdBy],
  );
  return rows[0]!;
}

/** Replaces a schedule's fields; null when it does not exist under that workflow. */
export async function updateSchedule(q: Queryable, orgId: string, workflowId: string, id: string, s: ScheduleFields): Promise<ScheduleRow | null> {
  const { rows } = await q.query<ScheduleRow>(
    `UPDATE schedules SET cron = $4::text, timezone = $5::text, input = $6::jsonb, enabled = $7::boolean, catch_up = $8::text,
            next_fire_at = $9::timestamptz, updated_at = now()
      WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::uuid
      RETURNING ${COLUMNS}`,
    [orgId, workflowId, id, s.cron, s.timezone, JSON.stringify(s.input), s.enabled, s.catchUp, s.nextFireAt],
  );
  return rows[0] ?? null;
}

/** One schedule of a workflow, or null. */
export async function getSchedule(q: Queryable, orgId: string, workflowId: string, id: string): Promise<ScheduleRow | null> {
  const { rows } = await q.query<ScheduleRow>(`SELECT ${COLUMNS} FROM schedules WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::uuid`, [orgId, workflowId, id]);
  return rows[0] ?? null;
}

/** The schedules of a workflow, oldest first. */
export async function listSchedules(q: Queryable, orgId: string, workflowId: string): Promise<ScheduleRow[]> {
  const { rows } = await q.query<ScheduleRow>(`SELECT ${COLUMNS} FROM schedules WHERE org_id = $1::uuid AND workflow_id = $2::uuid ORDER BY created_at, id`, [orgId, workflowId]);
  return rows;
}

/** Deletes a schedule (its fire ledger goes with it; runs it started stay). False when absent. */
export async function deleteSchedule(q: Queryable, orgId: string, workflowId: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM schedules WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::uuid', [orgId, workflowId, id]);
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

/** Records what a fire did: the run it started, or why none. */
export async function recordFire(q: Queryable, orgId: string, scheduleId: string, fireTime: Date, runId: string | null, error: StoredError | null): Promise<void> {
  await q.query(
    `UPDATE schedule_fires SET run_id = $4::uuid, error = $5::jsonb WHERE schedule_id = $1::uuid AND fire_time = $2::timestamptz AND org_id = $3::uuid`,
    [scheduleId, fireTime, orgId, runId, error ? JSON.stringify(error) : null],
  );
}

/** Moves a schedule on to its next fire time. */
export async function advanceSchedule(q: Queryable, orgId: string, id: string, nextFireAt: Date, lastFireAt: Date | null): Promise<void> {
  await q.query(
    `UPDATE schedules SET next_fire_at = $3::timestamptz, last_fire_at = coalesce($4::timestamptz, last_fire_at) WHERE org_id = $1::uuid AND id = $2::uuid`,
    [orgId, id, nextFireAt, lastFireAt],
  );
}

/** The fire ledger of a schedule, oldest first. */
export async function listFires(q: Queryable, orgId: string, scheduleId: string): Promise<Array<{ fireTime: Date; runId: string | null; error: StoredError | null }>> {
  const { rows } = await q.query<{ fireTime: Date; runId: string | null; error: StoredError | null }>(
    `SELECT fire_time AS "fireTime", run_id AS "runId", error FROM schedule_fires WHERE org_id = $1::uuid AND schedule_id = $2::uuid ORDER BY fire_time`,
    [orgId, scheduleId],
  );
  return rows;
}
