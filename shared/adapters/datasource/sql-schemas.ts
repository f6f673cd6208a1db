/** Connection settings and operation inputs shared by the SQL adapters (PostgreSQL, MySQL/MariaDB). */
import { z } from 'zod';

/** Connection settings; the password is a secret. */
export const SqlSettings = (defaultPort: number) =>
  z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(defaultPort),
    database: z.string().min(1),
    user: z.string().min(1),
    driver: z.string().optional().describe('Hint for resolution without a system type: pg, postgres, mysql, mariadb.'),
    ssl: z.enum(['disable', 'require', 'verify-full']).default('verify-full').describe('verify-full checks the certificate and host name.'),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    statementTimeoutMs: z.number().int().min(100).max(3_600_000).default(300_000),
  });

export const SqlSecrets = z.object({ password: z.string().optional() });

const Params = z
  .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .default([])
  .describe('Values bound to the placeholders, in order.');

export const executeInput = z.object({
  sql: z.string().min(1).describe('One statement with placeholders for every value.'),
  params: Params,
  maxRows: z.number().int().min(1).max(100_000).default(10_000),
});

export const queryInput = z.object({
  sql: z.string().min(1).describe('A SELECT with placeholders for every value.'),
  params: Params,
  batchSize: z.number().int().min(1).max(10_000).default(500).describe('Rows fetched per round trip.'),
});

/** Output schema of one streamed row: column name → value. */
export const SqlRow = z.record(z.string(), z.unknown()).describe('One row: column name to value.');
