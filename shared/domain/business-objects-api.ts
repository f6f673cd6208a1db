/** Business object API bodies, declared once (validation, types and OpenAPI come from here). */
import { z } from 'zod';

const TypeName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'expected 1-64 of A-Z a-z 0-9 _ - starting with a letter')
  .describe('Type name, unique in the project; used in record URLs.');

export const BusinessObjectTypeBody = z.strictObject({
  name: TypeName,
  projectId: z.uuid().optional().describe('Defaults to the organisation’s default project.'),
  description: z.string().max(2000).optional(),
  schema: z.record(z.string(), z.json()).describe('JSON Schema (draft 2020-12) every record must match.'),
  keyField: z.string().min(1).max(200).describe('The top-level property whose value (string or integer) identifies a record.'),
});
export type BusinessObjectTypeBody = z.infer<typeof BusinessObjectTypeBody>;

export const BusinessObjectTypeUpdateBody = z.strictObject({
  description: z.string().max(2000).optional(),
  schema: z.record(z.string(), z.json()),
  keyField: z.string().min(1).max(200).optional().describe('Must equal the current key field; it cannot change.'),
});

export const BusinessObjectTypeView = z.object({
  id: z.uuid(),
  name: z.string(),
  projectId: z.uuid(),
  description: z.string().nullable(),
  schema: z.record(z.string(), z.json()),
  keyField: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type BusinessObjectTypeView = z.infer<typeof BusinessObjectTypeView>;
export const BusinessObjectTypeList = z.object({ items: z.array(BusinessObjectTypeView) });

export const BusinessObjectView = z.object({
  key: z.string(),
  data: z.record(z.string(), z.json()),
  version: z.number().int().describe('Starts at 1; grows by one on every write that changes the data.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type BusinessObjectView = z.infer<typeof BusinessObjectView>;
export const BusinessObjectList = z.object({ items: z.array(BusinessObjectView), nextCursor: z.string().nullable() });

export const BusinessObjectRecordBody = z
  .record(z.string(), z.json())
  .describe('The record; must match the type’s schema and carry the key field.');

export const BusinessObjectTypeParams = z.object({ type: TypeName });
export const BusinessObjectKeyParams = z.object({ type: TypeName, key: z.string().min(1).max(500) });
export const ProjectQuery = z.strictObject({ projectId: z.uuid().optional() });

export const ListBusinessObjectsQuery = z.strictObject({
  projectId: z.uuid().optional(),
  filter: z
    .string()
    .max(4000)
    .optional()
    .describe(
      'JSON object; records whose data contains it match (e.g. {"status":"open"}). Anything else is 400 `invalid_filter` with an example.',
    ),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1000).optional(),
});
