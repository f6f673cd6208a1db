/**
 * Business objects: typed records that workflows read and write. Types carry a JSON Schema and a
 * key field; every write is validated (422 naming the failing path) and audited in the same
 * transaction. Used by the HTTP handlers and, through `BusinessObjectAccess`, by workflows.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import type { BusinessObjectTypeBody, BusinessObjectTypeView, BusinessObjectView } from '../domain/business-objects-api';
import { appendAudit } from '../store/audit';
import { type Actor } from '../domain/principal';
import * as store from '../store/business-objects';
import { resolveProject } from '../store/organisations';
import { checkTypeDefinition, validateRecord } from './record-validator';
import { isUniqueViolation } from '../db/db';

/** Who acts, in which organisation. */
export interface Caller {
  orgId: string;
  actor: Actor;
  /** The request's client address, for the audit log. */
  source?: string | null;
}

function typeView(t: store.BusinessObjectTypeRow): BusinessObjectTypeView {
  return {
    id: t.id,
    name: t.name,
    projectId: t.projectId,
    description: t.description,
    schema: t.schema as BusinessObjectTypeView['schema'],
    keyField: t.keyField,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

function recordView(r: store.BusinessObjectRow): BusinessObjectView {
  return {
    key: r.key,
    data: r.data as BusinessObjectView['data'],
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

async function typeOrThrow(db: Db, orgId: string, projectId: string, name: string): Promise<store.BusinessObjectTypeRow> {
  const t = await store.getTypeByName(db, orgId, projectId, name);
  if (!t) throw new NotFoundError('business object type', name);
  return t;
}

/** Creates a type after checking its schema and key field. */
export async function createType(db: Db, who: Caller, body: BusinessObjectTypeBody): Promise<BusinessObjectTypeView> {
  const projectId = await resolveProject(db, who.orgId, body.projectId);
  const issues = checkTypeDefinition(body.schema, body.keyField);
  if (issues.length) throw new ValidationError('The business object type is invalid.', issues, 'invalid_business_object_type');
  try {
    return await db.tx(async (q) => {
      const row = await store.insertType(q, {
        id: randomUUID(),
        orgId: who.orgId,
        projectId,
        name: body.name,
        description: body.description ?? null,
        schema: body.schema,
        keyField: body.keyField,
      });
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'business_object_type.create',
        targetType: 'business_object_type',
        targetId: row.id,
        diff: { after: typeView(row) },
      });
      return typeView(row);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(
        'business_object_type_name_taken',
        `A business object type named '${body.name}' already exists in this project.`,
      );
    throw err;
  }
}

/**
 * Replaces a type's schema. Existing records are not rewritten; they are validated against the
 * new schema when next written. The key field cannot change (records are stored by it).
 */
export async function updateType(
  db: Db,
  who: Caller,
  name: string,
  projectIdIn: string | undefined,
  body: { description?: string | undefined; schema: Record<string, unknown>; keyField?: string | undefined },
): Promise<BusinessObjectTypeView> {
  const projectId = await resolveProject(db, who.orgId, projectIdIn);
  const existing = await typeOrThrow(db, who.orgId, projectId, name);
  if (body.keyField !== undefined && body.keyField !== existing.keyField) {
    throw new ValidationError(
      'The business object type is invalid.',
      [{ path: 'keyField', message: `the key field is '${existing.keyField}' and cannot change` }],
      'invalid_business_object_type',
    );
  }
  const issues = checkTypeDefinition(body.schema, existing.keyField);
  if (issues.length) throw new ValidationError('The business object type is invalid.', issues, 'invalid_business_object_type');
  return db.tx(async (q) => {
    const row = await store.updateType(q, who.orgId, existing.id, {
      description: body.description ?? existing.description,
      schema: body.schema,
    });
    if (!row) throw new NotFoundError('business object type', name);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'business_object_type.update',
      targetType: 'business_object_type',
      targetId: row.id,
      diff: {
        before: { schema: existing.schema, description: existing.description },
        after: { schema: row.schema, description: row.description },
      },
    });
    return typeView(row);
  });
}

/** One type by name. */
export async function getType(db: Db, who: Caller, name: string, projectId?: string): Promise<BusinessObjectTypeView> {
  return typeView(await typeOrThrow(db, who.orgId, await resolveProject(db, who.orgId, projectId), name));
}

/** The types of a project. */
export async function listTypes(db: Db, who: Caller, projectId?: string): Promise<{ items: BusinessObjectTypeView[] }> {
  return { items: (await store.listTypes(db, who.orgId, await resolveProject(db, who.orgId, projectId))).map(typeView) };
}

/** Creates a record; 409 when its key exists already. */
export async function createRecord(
  db: Db,
  who: Caller,
  typeName: string,
  projectId: string | undefined,
  data: Record<string, unknown>,
): Promise<BusinessObjectView> {
  const type = await typeOrThrow(db, who.orgId, await resolveProject(db, who.orgId, projectId), typeName);
  const key = validateRecord(type, data);
  return db.tx(async (q) => {
    const row = await store.insertRecord(q, who.orgId, type.id, key, data);
    if (!row) throw new ConflictError('business_object_exists', `A ${typeName} with key '${key}' already exists; use PUT to replace it.`);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'business_object.create',
      targetType: `business_object:${typeName}`,
      targetId: key,
      diff: { after: data },
    });
    return recordView(row);
  });
}

/** Creates or replaces the record with `key`; the key field in the body must match. */
export async function putRecord(
  db: Db,
  who: Caller,
  typeName: string,
  projectId: string | undefined,
  key: string,
  data: Record<string, unknown>,
): Promise<{ record: BusinessObjectView; created: boolean }> {
  const type = await typeOrThrow(db, who.orgId, await resolveProject(db, who.orgId, projectId), typeName);
  const bodyKey = validateRecord(type, data);
  if (bodyKey !== key)
    throw new ValidationError(
      'The record does not match its URL.',
      [{ path: type.keyField, message: `is '${bodyKey}' but the URL names '${key}'` }],
      'invalid_business_object',
    );
  return db.tx(async (q) => {
    const before = await store.getRecord(q, who.orgId, type.id, key, true);
    const [outcome] = await store.upsertRecords(q, who.orgId, type.id, [{ key, data }]);
    const row = (await store.getRecord(q, who.orgId, type.id, key))!;
    if (outcome!.outcome !== 'unchanged') {
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: before ? 'business_object.update' : 'business_object.create',
        targetType: `business_object:${typeName}`,
        targetId: key,
        diff: { ...(before ? { before: before.data } : {}), after: data },
      });
    }
    return { record: recordView(row), created: !before };
  });
}

/** One record by key. */
export async function getRecord(
  db: Db,
  who: Caller,
  typeName: string,
  projectId: string | undefined,
  key: string,
): Promise<BusinessObjectView> {
  const type = await typeOrThrow(db, who.orgId, await resolveProject(db, who.orgId, projectId), typeName);
  const row = await store.getRecord(db, who.orgId, type.id, key);
  if (!row) throw new NotFoundError('business object', `${typeName}/${key}`);
  return recordView(row);
}

/** Deletes a record by key. */
export async function deleteRecord(db: Db, who: Caller, typeName: string, projectId: string | undefined, key: string): Promise<void> {
  const type = await typeOrThrow(db, who.orgId, await resolveProject(db, who.orgId, projectId), typeName);
  await db.tx(async (q) => {
    const row = await store.deleteRecord(q, who.orgId, type.id, key);
    if (!row) throw new NotFoundError('business object', `${typeName}/${key}`);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'business_object.delete',
      targetType: `business_object:${typeName}`,
      targetId: key,
      diff: { before: row.data },
    });
  });
}

const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || encodeCursor(key) !== cursor)
    throw new ValidationError(
      'The cursor is invalid.',
      [{ path: 'cursor', message: 'not a cursor from a previous page' }],
      'invalid_cursor',
    );
  return key;
}

const FILTER_EXAMPLE = '{"status":"open"}';

/** `status=open&region=eu` or `status:open`, as people first type a filter, written as the JSON filter it means. */
function asJsonFilter(text: string): string | null {
  const pairs = text.split(/[&,]/).map((p) => /^\s*([A-Za-z_][\w.-]*)\s*[=:]\s*(.*?)\s*$/.exec(p));
  if (!pairs.length || pairs.some((m) => !m || m[2] === '')) return null;
  const value = (v: string): unknown => (/^(true|false|null|-?\d+(\.\d+)?)$/.test(v) ? JSON.parse(v) : v.replace(/^["']|["']$/g, ''));
  return JSON.stringify(Object.fromEntries(pairs.map((m) => [m![1]!, value(m![2]!)])));
}

function invalidFilter(message: string, suggestion?: string): ValidationError {
  const example = suggestion ?? FILTER_EXAMPLE;
  return new ValidationError(
    `The filter must be a JSON object of field values that matching records contain, for example ${example} (in a URL: filter=${encodeURIComponent(example)}).`,
    [{ path: 'filter', message }],
    'invalid_filter',
  );
}

/**
 * Parses the `filter` query parameter: a JSON object matched by containment. A bad filter is 400
 * `invalid_filter` saying what is expected, with an example (the JSON form of what was typed,
 * when it reads as `field=value`).
 */
export function parseFilter(filter: string | undefined): Record<string, unknown> | null {
  if (filter === undefined || filter === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(filter);
  } catch (err) {
    const meant = asJsonFilter(filter);
    if (meant) throw invalidFilter(`not valid JSON; write ${filter} as ${meant}`, meant);
    throw invalidFilter(`not valid JSON (${(err as Error).message}); write it as a JSON object such as ${FILTER_EXAMPLE}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw invalidFilter(`expected a JSON object such as ${FILTER_EXAMPLE}, got ${got}`);
  }
  return value as Record<string, unknown>;
}

/** Records in key order, filtered by containment, one keyset page at a time. */
export async function listRecords(
  db: Db,
  who: Caller,
  typeName: string,
  opts: { projectId?: string | undefined; filter: Record<string, unknown> | null; limit: number; cursor?: string | undefined },
): Promise<{ items: BusinessObjectView[]; nextCursor: string | null }> {
  const type = await typeOrThrow(db, who.orgId, await resolveProject(db, who.orgId, opts.projectId), typeName);
  const rows = await store.listRecords(db, who.orgId, type.id, {
    filter: opts.filter,
    afterKey: opts.cursor ? decodeCursor(opts.cursor) : null,
    limit: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  return { items: page.map(recordView), nextCursor: rows.length > opts.limit ? encodeCursor(page.at(-1)!.key) : null };
}

/** The most records one upsert call writes (a chunk's worth; larger batches belong in a chunked task). */
export const MAX_UPSERT_BATCH = 1000;

/**
 * Validates and upserts records by key in one transaction; writing equal data again changes
 * nothing, so a retried task or chunk is idempotent. Later duplicates of a key in one batch win.
 */
export async function upsertRecords(
  db: Db,
  who: Caller,
  typeName: string,
  projectId: string,
  records: ReadonlyArray<Record<string, unknown>>,
  /** How error paths name a record: `records[i]` by default, `record` for a single one. */
  pathOf: (index: number) => string = (i) => `records[${i}]`,
): Promise<{ inserted: number; updated: number; unchanged: number; keys: string[] }> {
  if (records.length > MAX_UPSERT_BATCH) {
    throw new ValidationError(
      'Too many records.',
      [{ path: 'records', message: `at most ${MAX_UPSERT_BATCH} records per call (got ${records.length})` }],
      'invalid_business_object',
    );
  }
  const type = await typeOrThrow(db, who.orgId, projectId, typeName);
  const byKey = new Map<string, Record<string, unknown>>();
  records.forEach((data, i) => byKey.set(validateRecord(type, data, pathOf(i)), data));
  const batch = [...byKey].map(([key, data]) => ({ key, data }));
  const outcomes = await db.tx(async (q) => {
    const out = await store.upsertRecords(q, who.orgId, type.id, batch);
    const changed = out.filter((o) => o.outcome !== 'unchanged').map((o) => o.key);
    if (changed.length) {
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'business_object.upsert',
        targetType: `business_object:${typeName}`,
        targetId: null,
        diff: { keys: changed },
      });
    }
    return out;
  });
  return {
    inserted: outcomes.filter((o) => o.outcome === 'inserted').length,
    updated: outcomes.filter((o) => o.outcome === 'updated').length,
    unchanged: outcomes.filter((o) => o.outcome === 'unchanged').length,
    keys: batch.map((b) => b.key),
  };
}
