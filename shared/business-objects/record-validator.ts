/**
 * Business object schemas: checks a type's JSON Schema (draft 2020-12) when it is saved and
 * validates records against it, reporting each failing path (`lines[0].qty`).
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { ajvLinearRegExp } from '../domain/linear-regex';
import { BoundedCache } from '../domain/bounded-cache';

// `pattern`s are the user's regular expressions, checked on every record written: they run on RE2 (linear time).
const ajv = new Ajv2020({ allErrors: true, strict: false, code: { regExp: ajvLinearRegExp } });
// Compiled validators by type id + updated_at: a schema change gets a new entry.
const compiled = new BoundedCache<string, ValidateFunction>(500);

/** Problems with a type definition (schema compiles, key field declared), or an empty list. */
export function checkTypeDefinition(schema: unknown, keyField: string): FieldIssue[] {
  try {
    ajv.compile(schema as object);
  } catch (err) {
    return [{ path: 'schema', message: `invalid JSON Schema: ${(err as Error).message}` }];
  }
  const s = schema as { type?: unknown; properties?: Record<string, unknown> };
  const issues: FieldIssue[] = [];
  if (s.type !== undefined && s.type !== 'object')
    issues.push({ path: 'schema.type', message: "a business object schema describes an object: expected 'object'" });
  if (!s.properties || !(keyField in s.properties))
    issues.push({ path: 'keyField', message: `'${keyField}' is not among the schema's properties` });
  return issues;
}

function pathOf(instancePath: string, missing?: unknown): string {
  const base = instancePath
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
  if (typeof missing === 'string') return base ? `${base}.${missing}` : missing;
  return base || '(record)';
}

/** Validates a record and returns its key; throws `ValidationError` (422) naming every failing path. */
export function validateRecord(
  type: { id: string; updatedAt: Date; schema: Record<string, unknown>; keyField: string },
  data: unknown,
  pathPrefix = '',
): string {
  const cacheKey = `${type.id}@${type.updatedAt.getTime()}`;
  let validate = compiled.get(cacheKey);
  if (!validate) {
    validate = ajv.compile(type.schema);
    compiled.set(cacheKey, validate);
  }
  const prefix = (p: string) => (pathPrefix ? (p === '(record)' ? pathPrefix : `${pathPrefix}${p.startsWith('[') ? '' : '.'}${p}`) : p);
  if (!validate(data)) {
    const issues = (validate.errors ?? []).map((e) => ({
      path: prefix(pathOf(e.instancePath, e.params?.['missingProperty'])),
      message: e.message ?? 'is invalid',
    }));
    throw new ValidationError('The record does not match the business object schema.', issues, 'invalid_business_object');
  }
  const key = (data as Record<string, unknown>)[type.keyField];
  if (typeof key === 'string' && key.length > 0 && key.length <= 500) return key;
  if (typeof key === 'number' && Number.isSafeInteger(key)) return String(key);
  throw new ValidationError(
    'The record does not match the business object schema.',
    [{ path: prefix(type.keyField), message: 'the key field must be a non-empty string (at most 500 characters) or an integer' }],
    'invalid_business_object',
  );
}
