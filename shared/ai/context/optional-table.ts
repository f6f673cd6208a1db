/**
 * Reads from tables another part of the platform may not have created yet (digital workers,
 * connectors): a missing table or column means "nothing to say", not a failed answer.
 */
import type { Queryable } from '../../db/db';

// 42P01 undefined_table, 42703 undefined_column.
const ABSENT = new Set(['42P01', '42703']);

/** Runs `sql`; returns no rows when the table or a column it names does not exist. */
export async function queryOptional<R extends Record<string, unknown>>(q: Queryable, sql: string, values: unknown[]): Promise<R[]> {
  try {
    return (await q.query<R>(sql, values)).rows;
  } catch (err) {
    if (ABSENT.has(String((err as { code?: unknown }).code))) return [];
    throw err;
  }
}

/** Keys that may hold credentials; such fields are never copied into model context. */
export const SECRET_KEY = /secret|password|passwd|token|credential|api[_-]?key|private|connection[_-]?string|cert/i;

/** A shallow copy of a row with secret-looking fields and large values dropped. */
export function publicFields(row: Record<string, unknown>, keep: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keep) {
    if (SECRET_KEY.test(k) || !(k in row)) continue;
    const v = row[k];
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = typeof v === 'string' ? v.slice(0, 500) : v;
  }
  return out;
}
