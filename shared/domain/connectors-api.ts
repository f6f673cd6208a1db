/** Connector and adapter-catalog API bodies, declared once. Secrets are write-only. */
import { z } from 'zod';

const ConnectorName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'expected 1-64 of A-Z a-z 0-9 _ - starting with a letter')
  .refine((v) => v !== 'platform', "'platform' is the built-in connector; choose another name")
  .describe('Name used by workflow tasks (`connector`), unique in the project.');

const Secrets = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'expected a secret name of letters, digits and _'),
    z.union([z.string(), z.null()]),
  )
  .describe(
    'Write-only. Sealed with AES-256-GCM envelope encryption; never returned. On update, a name with null removes that secret, absent names are kept.',
  );

const Settings = z
  .record(z.string(), z.json())
  .describe(
    'Connection settings (host, port, url, database…); see GET /api/adapters for each system type’s schema. Never put secrets here.',
  );

export const ConnectorBody = z.strictObject({
  name: ConnectorName,
  projectId: z.uuid().optional().describe('Defaults to the organisation’s default project.'),
  systemType: z.string().min(1).max(100).optional().describe('Exact system type, e.g. `postgres`, `business-central`.'),
  connectionType: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Generic protocol (`sql`, `sftp`, `smtp`, `http`…), used when no system type matches.'),
  settings: Settings.default({}),
  secrets: Secrets.optional(),
});
export type ConnectorBody = z.infer<typeof ConnectorBody>;

export const ConnectorUpdateBody = ConnectorBody.omit({ projectId: true });
export type ConnectorUpdateBody = z.infer<typeof ConnectorUpdateBody>;

export const ConnectorView = z.object({
  id: z.uuid(),
  name: z.string(),
  projectId: z.uuid(),
  systemType: z.string().nullable(),
  connectionType: z.string().nullable(),
  resolvedSystemType: z.string().nullable().describe('The adapter the factory resolves this connector to (null when none does).'),
  settings: z.record(z.string(), z.json()),
  secretNames: z.array(z.string()).describe('Names of the secrets that are set; their values are never returned.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConnectorView = z.infer<typeof ConnectorView>;
export const ConnectorList = z.object({ items: z.array(ConnectorView) });

export const ConnectorTestResult = z.object({
  ok: z.boolean(),
  systemType: z.string().nullable(),
  detail: z.string().optional().describe('What the server said on success (version, greeting…).'),
  error: z.object({ code: z.string(), message: z.string() }).optional().describe('The error the server (or the network policy) gave.'),
});
export type ConnectorTestResult = z.infer<typeof ConnectorTestResult>;

export const AdapterOperationInfo = z.object({
  name: z.string(),
  kind: z.enum(['call', 'generator']),
  description: z.string(),
  inputSchema: z
    .record(z.string(), z.json())
    .describe("JSON Schema (2020-12) of the operation's input, from the schema the adapter validates it with."),
  outputSchema: z
    .record(z.string(), z.json())
    .nullable()
    .describe(
      'JSON Schema (2020-12) of what a call returns, or of each record a generator yields (`steps.<key>` in expressions). Every built-in operation has one; null only for an operation declared without.',
    ),
});

export const AdapterInfo = z.object({
  systemType: z.string(),
  category: z.string(),
  connectionTypes: z.array(z.string()),
  inferable: z.boolean().describe('True when the factory can infer this system type from connector settings.'),
  connectionSchema: z.record(z.string(), z.json()).nullable().describe('JSON Schema of `settings` and `secrets` for the studio’s forms.'),
  operations: z.array(AdapterOperationInfo),
});
export const AdapterCatalog = z.object({ items: z.array(AdapterInfo) });
export type AdapterCatalog = z.infer<typeof AdapterCatalog>;

export const ListConnectorsQuery = z.strictObject({
  projectId: z.uuid().optional(),
  type: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Only connectors that resolve to this adapter (a `systemType` of GET /api/adapters): the connection picker of an operation. An unknown type is a 400 `invalid_query`.',
    ),
});
