/** zod validation issues as the field issues a 422 problem+json lists. */
import type { z } from 'zod';
import type { FieldIssue } from './errors';

/** Formats a zod path as `tasks[2].input.message`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(body)';
}

/** Turns zod issues into field issues (unions report their most specific branch). */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}
