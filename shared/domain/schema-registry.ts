/**
 * Named public schemas. A module that declares an API shape registers it here under a name; the
 * OpenAPI generator (shared/http/openapi.ts) publishes every registered schema as a component and
 * refers to it by `$ref`. Kept in the domain so declaring a shape never depends on the HTTP layer.
 */
import type { z } from 'zod';

/** Registered schemas by name. */
export const NAMED_SCHEMAS: Record<string, z.ZodType> = {};
const names = new Map<z.ZodType, string>();

/** Publishes `schema` under `name` in the OpenAPI components. */
export function registerSchema(name: string, schema: z.ZodType): void {
  NAMED_SCHEMAS[name] = schema;
  names.set(schema, name);
}

/** The name a schema was registered under, if any. */
export function schemaName(schema: z.ZodType): string | undefined {
  return names.get(schema);
}
