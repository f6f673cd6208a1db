/**
 * Configuration, compiled once at the edge. Entry points pass `process.env` to `loadConfig`;
 * nothing else in the code base reads the environment. Every error names the variable.
 */
import { z } from 'zod';
import { ConfigError, type FieldIssue } from './domain/errors';

const bool = (def: 'on' | 'off') =>
  z
    .enum(['on', 'off', 'true', 'false', '1', '0'], { message: "expected 'on' or 'off'" })
    .default(def)
    .transform((v) => v === 'on' || v === 'true' || v === '1');

const int = (def: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(def);

const url = (protocols: string[]) =>
  z
    .string()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`)
    .optional();

/** The environment variables Demiton reads, with defaults. Also the source for docs and Bicep checks. */
export const envSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
    .default('public'),
  DATABASE_POOL_MAX: int(10, 1, 200),
  REDIS_URL: url(['redis:', 'rediss:']),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 : _ -').default('demiton'),
  DEMITON_DATA_DIR: z.string().min(1).default('.data'),
  DEMITON_WORKER: bool('on'),
  WORKER_CONCURRENCY: int(16, 1, 1024),
  WORKER_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'expected 1-100 of A-Z a-z 0-9 . _ : -').optional(),
  // Lease on each run a worker executes; heartbeats every third of it. A dead worker's runs resume after it runs out.
  WORKER_LEASE_MS: int(30_000, 1_000, 600_000),
  PORT: int(7071, 0, 65535),
  HOST: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: int(1_048_576, 1024, 64 * 1_048_576),
  STUDIO_DIR: z.string().min(1).optional(),
});

export type Env = z.input<typeof envSchema>;

/** The compiled configuration every module receives. */
export interface Config {
  database:
    | { kind: 'postgres'; url: string; schema: string; poolMax: number }
    | { kind: 'embedded'; dataDir: string; schema: string };
  queue: { kind: 'redis'; url: string; prefix: string } | { kind: 'embedded'; prefix: string };
  worker: { enabled: boolean; concurrency: number; id: string | undefined; leaseMs: number };
  http: { port: number; host: string | undefined; maxBodyBytes: number; studioDir: string | undefined };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Development mode: no identity provider; one built-in organisation and admin, loopback only. */
  devMode: boolean;
}

/** Validates the environment and compiles it into a `Config`; throws `ConfigError` naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as they do in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((i) => ({
      path: String(i.path[0] ?? '(environment)'),
      message: i.message,
    }));
    throw new ConfigError(issues);
  }
  const e = parsed.data;
  return {
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA, poolMax: e.DATABASE_POOL_MAX }
      : { kind: 'embedded', dataDir: e.DEMITON_DATA_DIR, schema: e.DATABASE_SCHEMA },
    queue: e.REDIS_URL ? { kind: 'redis', url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : { kind: 'embedded', prefix: e.REDIS_PREFIX },
    worker: { enabled: e.DEMITON_WORKER, concurrency: e.WORKER_CONCURRENCY, id: e.WORKER_ID, leaseMs: e.WORKER_LEASE_MS },
    http: { port: e.PORT, host: e.HOST, maxBodyBytes: e.MAX_BODY_BYTES, studioDir: e.STUDIO_DIR },
    logLevel: e.LOG_LEVEL,
    devMode: true,
  };
}
