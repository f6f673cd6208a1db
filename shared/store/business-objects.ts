/** Business object types (JSON Schema + key field) and their records. Every query filters on org_id. */
import type { Queryable } from '../db/db';

export interface BusinessObjectTypeRow {
  id: string;
  orgId: string;
  projectId: string;
  name: string;
  description: string | null;
  schema: Record<string, unknown>;
  keyField: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface BusinessObjectRow {
  key: string;
  data: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const TYPE_COLUMNS = `id, org_id AS "orgId", project_id AS "projectId", name, description, schema, key_field AS "keyField",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
const RECORD_COLUMNS = `key, data, version, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Inserts a type. Throws pg's unique violation (23505) on a taken name. */
export async function insertType(
  q: Queryable,
  t: { id: string; orgId: string; projectId: string; name: string; description: string | null; schema: unknown; keyField: string },
): Promise<BusinessObjectTypeRow> {
  const { rows } = await q.query<BusinessObjectTypeRow>(
    `INSERT INTO business_object_types (id, org_id, project_id, name, description, schema, key_field)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::jsonb, $7::text) RETURNING ${TYPE_COLUMNS}`,
    [t.id, t.orgId, t.projectId, t.name, t.description, JSON.stringify(t.schema), t.keyField],
  );
  return rows[0]!;
}

/** Replaces a type's schema and description; returns the row, or null when absent. */
export async function updateType(
  q: Queryable,
  orgId: string,
  id: string,
  t: { description: string | null; schema: unknown },
): Promise<BusinessObjectTypeRow | null> {
  const { rows } = await q.query<BusinessObjectTypeRow>(
    `UPDATE business_object_types SET schema = $3::jsonb, description = $4::text, updated_at = clock_timestamp()
      WHERE org_id = $1::uuid AND id = $2::uuid RETURNING ${TYPE_COLUMNS}`,
    [orgId, id, JSON.stringify(t.schema), t.description],
  );
  return rows[0] ?? null;
}

/** A type by name within a project, or null. */
export async function getTypeByName(q: Queryable, orgId: string, projectId: string, name: string): Promise<BusinessObjectTypeRow | null> {
  const { rows } = await q.query<BusinessObjectTypeRow>(
    `SELECT ${TYPE_COLUMNS} FROM business_object_types WHERE org_id = $1::uuid AND project_id = $2::uuid AND name = $3::text`,
    [orgId, projectId, name],
  );
  return rows[0] ?? null;
}

/** The types of a project, by name. */
export async function listTypes(q: Queryable, orgId: string, projectId: string): Promise<BusinessObjectTypeRow[]> {
  const { rows } = await q.query<BusinessObjectTypeRow>(
    `SELECT ${TYPE_COLUMNS} FROM business_object_types WHERE org_id = $1::uuid AND project_id = $2::uuid ORDER BY name`,
    [orgId, projectId],
  );
  return rows;
}

/** Inserts one record; returns null when the key exists already. */
export async function insertRecord(
  q: Queryable,
  orgId: string,
  typeId: string,
  key: string,
  data: unknown,
): Promise<BusinessObjectRow | null> {
  const { rows } = await q.query<BusinessObjectRow>(
    `INSERT INTO business_objects (org_id, type_id, key, data) VALUES ($1::uuid, $2::uuid, $3::text, $4::jsonb)
     ON CONFLICT (org_id, type_id, key) DO NOTHING RETURNING ${RECORD_COLUMNS}`,
    [orgId, typeId, key, JSON.stringify(data)],
  );
  return rows[0] ?? null;
}

/** A record by key, or null. `forUpdate` locks it for the transaction. */
export async function getRecord(
  q: Queryable,
  orgId: string,
  typeId: string,
  key: string,
  forUpdate = false,
): Promise<BusinessObjectRow | null> {
  const { rows } = await q.query<BusinessObjectRow>(
    `SELECT ${RECORD_COLUMNS} FROM business_objects WHERE org_id = $1::uuid AND type_id = $2::uuid AND key = $3::text${forUpdate ? ' FOR UPDATE' : ''}`,
    [orgId, typeId, key],
  );
  return rows[0] ?? null;
}

/** Deletes a record; returns its last state, or null when absent. */
export async function deleteRecord(q: Queryable, orgId: string, typeId: string, key: string): Promise<BusinessObjectRow | null> {
  const { rows } = await q.query<BusinessObjectRow>(
    `DELETE FROM business_objects WHERE org_id = $1::uuid AND type_id = $2::uuid AND key = $3::text RETURNING ${RECORD_COLUMNS}`,
    [orgId, typeId, key],
  );
  return rows[0] ?? null;
}

export interface UpsertOutcome {
  key: string;
  /** `inserted`, `updated`, or `unchanged` when the stored data was equal (the version does not move). */
  outcome: 'inserted' | 'updated' | 'unchanged';
  version: number;
}

/**
 * Inserts or replaces records by key in one statement (jsonb_to_recordset). Writing the same data
 * again changes nothing, so a retried chunk is idempotent on the key.
 */
export async function upsertRecords(
  q: Queryable,
  orgId: string,
  typeId: string,
  records: ReadonlyArray<{ key: string; data: unknown }>,
): Promise<UpsertOutcome[]> {
  if (!records.length) return [];
  const { rows } = await q.query<{ key: string; inserted: boolean; version: number }>(
    `INSERT INTO business_objects AS b (org_id, type_id, key, data)
     SELECT $1::uuid, $2::uuid, r.key, r.data FROM jsonb_to_recordset($3::jsonb) AS r(key text, data jsonb)
     ON CONFLICT (org_id, type_id, key) DO UPDATE
        SET data = EXCLUDED.data, version = b.version + 1, updated_at = clock_timestamp()
      WHERE b.data IS DISTINCT FROM EXCLUDED.data
     RETURNING b.key, (xmax = 0) AS inserted, b.version`,
    [orgId, typeId, JSON.stringify(records)],
  );
  const touched = new Map(rows.map((r) => [r.key, r]));
  const untouched = records.filter((r) => !touched.has(r.key)).map((r) => r.key);
  const versions = new Map<string, number>();
  if (untouched.length) {
    const { rows: current } = await q.query<{ key: string; version: number }>(
      'SELECT key, version FROM business_objects WHERE org_id = $1::uuid AND type_id = $2::uuid AND key = ANY($3::text[])',
      [orgId, typeId, untouched],
    );
    for (const c of current) versions.set(c.key, c.version);
  }
  return records.map((r) => {
    const t = touched.get(r.key);
    if (t) return { key: r.key, outcome: t.inserted ? 'inserted' : 'updated', version: t.version };
    return { key: r.key, outcome: 'unchanged', version: versions.get(r.key) ?? 1 };
  });
}

/**
 * Records of a type in key order, after `afterKey` (keyset paging), whose data contains `filter`
 * (jsonb containment: `{"status":"open"}` matches records with that status; served by a GIN index).
 */
export async function listRecords(
  q: Queryable,
  orgId: string,
  typeId: string,
  opts: { filter: Record<string, unknown> | null; afterKey: string | null; limit: number },
): Promise<BusinessObjectRow[]> {
  const { rows } = await q.query<BusinessObjectRow>(
    `SELECT ${RECORD_COLUMNS} FROM business_objects
      WHERE org_id = $1::uuid AND type_id = $2::uuid
        AND ($3::jsonb IS NULL OR data @> $3::jsonb)
        AND ($4::text IS NULL OR key > $4::text)
      ORDER BY key LIMIT $5::int`,
    [orgId, typeId, opts.filter ? JSON.stringify(opts.filter) : null, opts.afterKey, opts.limit],
  );
  return rows;
}
