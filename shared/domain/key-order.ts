/**
 * The author's key order. Validation rebuilds objects in its schema's key order and jsonb sorts
 * keys (shorter first), yet a definition is read by people — in the editor, and as the order of
 * the fields in the Run form (the input schema's `properties`) — so it is shown as written.
 */

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * `value` with the keys of every object in the order they have in `written` (the same document
 * as the author sent it), keys `written` lacks (defaults filled in) after them. Values are never
 * changed, only reordered. Integer-like keys ("1", "2") come first in any JavaScript object.
 */
export function inWrittenOrder<T>(value: T, written: unknown): T {
  if (Array.isArray(value)) return (Array.isArray(written) ? value.map((v, i) => inWrittenOrder(v, written[i])) : value) as T;
  if (!isPlainObject(value) || !isPlainObject(written)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(written)) if (Object.hasOwn(value, k)) out[k] = inWrittenOrder(value[k], written[k]);
  for (const k of Object.keys(value)) if (!Object.hasOwn(out, k)) out[k] = value[k];
  return out as T;
}
