/** Workflow triggers, their delivery log and the Service Bus receiver leases. */
import type { Queryable } from '../db/db';
import type { SealedSecrets } from './secret-box';

export interface TriggerRow {
  id: string;
  orgId: string;
  workflowId: string;
  type: 'webhook' | 'service-bus';
  name: string;
  enabled: boolean;
  /** The settings without secrets, as the API shows them. */
  config: Record<string, unknown>;
  sealedSecrets: SealedSecrets | null;
  previousValidUntil: Date | null;
  failedVerifications: number;
  lastFailedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, org_id AS "orgId", workflow_id AS "workflowId", type, name, enabled, config, sealed_secrets AS "sealedSecrets",
  previous_valid_until AS "previousValidUntil", failed_verifications::float8 AS "failedVerifications", last_failed_at AS "lastFailedAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface TriggerFields {
  name: string;
  enabled: boolean;
  config: Record<string, unknown>;
  sealedSecrets: SealedSecrets | null;
  previousValidUntil: Date | null;
}

/** Inserts a trigger. Throws pg's unique violation (23505) on a name the workflow already uses. */
export async function insertTrigger(
  q: Queryable,
  t: TriggerFields & { id: string; orgId: string; workflowId: string; type: TriggerRow['type']; createdBy: string },
): Promise<TriggerRow> {
  const { rows } = await q.query<TriggerRow>(
    `INSERT INTO workflow_triggers (id, org_id, workflow_id, type, name, enabled, config, sealed_secrets, previous_valid_until, created_by)
     VALUES ($1::text, $2::uuid, $3::uuid, $4::text, $5::text, $6::boolean, $7::jsonb, $8::jsonb, $9::timestamptz, $10::text)
     RETURNING ${COLUMNS}`,
    [
      t.id,
      t.orgId,
      t.workflowId,
      t.type,
      t.name,
      t.enabled,
      JSON.stringify(t.config),
      t.sealedSecrets ? JSON.stringify(t.sealedSecrets) : null,
      t.previousValidUntil,
      t.createdBy,
    ],
  );
  return rows[0]!;
}

/** Replaces a trigger's fields; null when it does not exist under that workflow. */
export async function updateTrigger(
  q: Queryable,
  orgId: string,
  workflowId: string,
  id: string,
  t: TriggerFields,
): Promise<TriggerRow | null> {
  const { rows } = await q.query<TriggerRow>(
    `UPDATE workflow_triggers SET name = $4::text, enabled = $5::boolean, config = $6::jsonb, sealed_secrets = $7::jsonb,
            previous_valid_until = $8::timestamptz, updated_at = now()
      WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::text
      RETURNING ${COLUMNS}`,
    [
      orgId,
      workflowId,
      id,
      t.name,
      t.enabled,
      JSON.stringify(t.config),
      t.sealedSecrets ? JSON.stringify(t.sealedSecrets) : null,
      t.previousValidUntil,
    ],
  );
  return rows[0] ?? null;
}

/** One trigger of a workflow, or null. */
export async function getTrigger(q: Queryable, orgId: string, workflowId: string, id: string): Promise<TriggerRow | null> {
  const { rows } = await q.query<TriggerRow>(
    `SELECT ${COLUMNS} FROM workflow_triggers WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::text`,
    [orgId, workflowId, id],
  );
  return rows[0] ?? null;
}

/** A trigger by its id alone (its id is its public address), or null. */
export async function getTriggerById(q: Queryable, id: string): Promise<TriggerRow | null> {
  const { rows } = await q.query<TriggerRow>(`SELECT ${COLUMNS} FROM workflow_triggers WHERE id = $1::text`, [id]);
  return rows[0] ?? null;
}

/** The triggers of a workflow, oldest first. */
export async function listTriggers(q: Queryable, orgId: string, workflowId: string): Promise<TriggerRow[]> {
  const { rows } = await q.query<TriggerRow>(
    `SELECT ${COLUMNS} FROM workflow_triggers WHERE org_id = $1::uuid AND workflow_id = $2::uuid ORDER BY created_at, id`,
    [orgId, workflowId],
  );
  return rows;
}

/** Every Service Bus trigger (enabled or not): the worker reconciles its receivers against this list. */
export async function listServiceBusTriggers(q: Queryable): Promise<TriggerRow[]> {
  const { rows } = await q.query<TriggerRow>(`SELECT ${COLUMNS} FROM workflow_triggers WHERE type = 'service-bus' ORDER BY id`);
  return rows;
}

/** Deletes a trigger with its delivery log and lease (runs it started stay). False when absent. */
export async function deleteTrigger(q: Queryable, orgId: string, workflowId: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM workflow_triggers WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND id = $3::text', [
    orgId,
    workflowId,
    id,
  ]);
  return (rowCount ?? 0) > 0;
}

/** Counts failed verifications of triggers (one statement for a batch; ids may repeat). */
export async function countFailedVerifications(q: Queryable, ids: readonly string[]): Promise<void> {
  await q.query(
    `UPDATE workflow_triggers t SET failed_verifications = t.failed_verifications + f.n, last_failed_at = clock_timestamp()
       FROM (SELECT id, count(*) AS n FROM unnest($1::text[]) AS id GROUP BY id) AS f
      WHERE t.id = f.id`,
    [ids],
  );
}

export interface DeliveryRecord {
  triggerId: string;
  orgId: string;
  outcome: 'started' | 'duplicate' | 'filtered' | 'handshake' | 'refused' | 'failed';
  statusCode: number;
  deliveryId: string | null;
  runId: string | null;
  reason: string | null;
}

/** Records deliveries (one statement for a batch). A trigger deleted meanwhile loses its records, nothing else. */
export async function insertDeliveries(q: Queryable, ds: readonly DeliveryRecord[]): Promise<void> {
  await q.query(
    `INSERT INTO trigger_deliveries (trigger_id, org_id, outcome, status_code, delivery_id, run_id, reason)
     SELECT d.trigger_id, d.org_id, d.outcome, d.status_code, d.delivery_id, d.run_id, d.reason
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::uuid[], $7::text[])
            AS d (trigger_id, org_id, outcome, status_code, delivery_id, run_id, reason)
      WHERE EXISTS (SELECT 1 FROM workflow_triggers t WHERE t.id = d.trigger_id)`,
    [
      ds.map((d) => d.triggerId),
      ds.map((d) => d.orgId),
      ds.map((d) => d.outcome),
      ds.map((d) => d.statusCode),
      ds.map((d) => (d.deliveryId === null ? null : d.deliveryId.slice(0, 255))),
      ds.map((d) => d.runId),
      ds.map((d) => d.reason),
    ],
  );
}

export interface DeliveryRow {
  receivedAt: Date;
  outcome: DeliveryRecord['outcome'];
  statusCode: number;
  deliveryId: string | null;
  runId: string | null;
  reason: string | null;
}

/** The latest deliveries of a trigger, newest first. */
export async function listDeliveries(q: Queryable, orgId: string, triggerId: string, limit: number): Promise<DeliveryRow[]> {
  const { rows } = await q.query<DeliveryRow>(
    `SELECT received_at AS "receivedAt", outcome, status_code AS "statusCode", delivery_id AS "deliveryId", run_id AS "runId", reason
       FROM trigger_deliveries WHERE trigger_id = $1::text AND org_id = $2::uuid
      ORDER BY received_at DESC, id DESC LIMIT $3::int`,
    [triggerId, orgId, limit],
  );
  return rows;
}

/** Deletes delivery records older than `days`. */
export async function pruneDeliveries(q: Queryable, days: number): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM trigger_deliveries WHERE received_at < clock_timestamp() - make_interval(days => $1::int)`,
    [days],
  );
  return rowCount ?? 0;
}

/**
 * Takes or renews the receiver lease of a trigger for `holder`: granted when nobody holds it, the
 * holder already does, or the last holder's lease has expired. True when `holder` holds it now.
 */
export async function acquireLease(q: Queryable, triggerId: string, holder: string, ttlMs: number): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO trigger_leases (trigger_id, holder, expires_at)
     SELECT $1::text, $2::text, clock_timestamp() + make_interval(secs => $3::float8 / 1000)
      WHERE EXISTS (SELECT 1 FROM workflow_triggers WHERE id = $1::text)
     ON CONFLICT (trigger_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE trigger_leases.holder = EXCLUDED.holder OR trigger_leases.expires_at < clock_timestamp()`,
    [triggerId, holder, ttlMs],
  );
  return (rowCount ?? 0) > 0;
}

/** Gives a lease up (a stopping worker), so another instance takes the trigger over at once. */
export async function releaseLease(q: Queryable, triggerId: string, holder: string): Promise<void> {
  await q.query('DELETE FROM trigger_leases WHERE trigger_id = $1::text AND holder = $2::text', [triggerId, holder]);
}
