/** Run inputs are checked against the workflow's optional JSON Schema (draft 2020-12). */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { ajvLinearRegExp } from '../domain/linear-regex';
import { BoundedCache } from '../domain/bounded-cache';

// `pattern`s are the user's regular expressions, checked on every trigger: they run on RE2 (linear time).
const ajv = new Ajv2020({ allErrors: true, strict: false, code: { regExp: ajvLinearRegExp } });
// One validator per workflow version that was triggered; bounded like the definition cache.
const compiled = new BoundedCache<string, ValidateFunction>(1_000);

/** Returns a problem with the schema itself, or null when ajv accepts it. */
export function checkInputSchema(schema: unknown): FieldIssue | null {
  try {
    ajv.compile(schema as object);
    return null;
  } catch (err) {
    return { path: 'inputSchema', message: `invalid JSON Schema: ${(err as Error).message}` };
  }
}

/** Validates a run input; `cacheKey` names the immutable workflow version the schema belongs to. */
export function validateRunInput(schema: Record<string, unknown> | undefined, input: unknown, cacheKey: string): void {
  if (!schema) return;
  let validate = compiled.get(cacheKey);
  if (!validate) {
    // A version saved before patterns ran on RE2 may hold one RE2 refuses: the trigger is refused, not answered 500.
    const bad = checkInputSchema(schema);
    if (bad) throw new ValidationError('The workflow input schema cannot be used.', [bad], 'invalid_input_schema');
    validate = ajv.compile(schema);
    compiled.set(cacheKey, validate);
  }
  if (!validate(input)) {
    const issues = (validate.errors ?? []).map((e) => ({
      path: `input${e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`,
      message: e.message ?? 'is invalid',
    }));
    throw new ValidationError('The run input does not match the workflow input schema.', issues, 'invalid_run_input');
  }
}
