/**
 * Configuration, compiled once at the edge. Entry points pass `process.env` to `loadConfig`;
 * nothing else in the code base reads the environment. Every error names the variable.
 */
import { z } from 'zod';
import { ConfigError, type FieldIssue } from './domain/errors';
import { aiEnvShape, compileAiConfig, type AiConfig } from './ai-config';
import { ServiceBusTriggers, type ServiceBusTrigger } from './domain/service-bus-triggers';
import { isLoopbackHost } from './domain/loopback-host';
import { ENDPOINT_KINDS, type EndpointKind } from './domain/endpoint-hosts';

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
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    )
    .optional();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Identity endpoints must be HTTPS (MSAL refuses anything else); the value is an origin, no path.
const httpsOrigin = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' && (u.pathname === '/' || u.pathname === '') && !u.search;
    } catch {
      return false;
    }
  }, 'expected an https:// origin such as https://login.microsoftonline.com')
  .transform((v) => v.replace(/\/+$/, ''));

/** The environment variables Demiton reads, with defaults. Also the source for docs and Bicep checks. */
export const envSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
    .default('public'),
  DATABASE_POOL_MAX: int(10, 1, 200),
  // Sign-in to PostgreSQL: the password in DATABASE_URL, or a Microsoft Entra token of the managed identity.
  DATABASE_AUTH: z.enum(['password', 'entra'], { message: "expected 'password' or 'entra'" }).default('password'),
  // The PostgreSQL role of the managed identity (with DATABASE_AUTH=entra): the name it was made Entra administrator or role with.
  DATABASE_ENTRA_USER: z.string().min(1).max(63, 'expected at most 63 characters (a PostgreSQL role name)').optional(),
  REDIS_URL: url(['redis:', 'rediss:']),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 : _ -')
    .default('demiton'),
  // Sign-in to Redis: the access key in REDIS_URL, or a Microsoft Entra token of the managed identity.
  REDIS_AUTH: z.enum(['key', 'entra'], { message: "expected 'key' or 'entra'" }).default('key'),
  // The Redis user of the managed identity (with REDIS_AUTH=entra): its object (principal) id.
  REDIS_ENTRA_USER: z.string().regex(GUID, 'expected the object (principal) id of the managed identity (GUID)').optional(),
  // Speak the Redis Cluster protocol (REDIS_URL names one seed node); off for one endpoint, which
  // Azure Managed Redis' Enterprise clustering policy presents. Every key carries the prefix as a
  // hash tag, so the multi-key scripts are valid either way.
  REDIS_CLUSTER: bool('off'),
  // The user-assigned managed identity that signs in with Entra tokens; unset: DefaultAzureCredential.
  AZURE_CLIENT_ID: z.string().regex(GUID, 'expected the client id of the user-assigned managed identity (GUID)').optional(),
  DEMITON_DATA_DIR: z.string().min(1).default('.data'),
  DEMITON_WORKER: bool('on'),
  WORKER_CONCURRENCY: int(128, 1, 1024),
  WORKER_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'expected 1-100 of A-Z a-z 0-9 . _ : -')
    .optional(),
  // Lease on each run a worker executes; heartbeats every third of it. A dead worker's runs resume after it runs out.
  WORKER_LEASE_MS: int(30_000, 1_000, 600_000),
  // Attempts a task may lose to its worker process dying before it fails with `worker_crashed` (a poison task).
  WORKER_MAX_CRASHES: int(3, 1, 100),
  // Run retention (org setting runRetentionDays): seconds one tick of the purge timer may spend, and chunk rows per DELETE.
  RETENTION_TICK_SECONDS: int(120, 1, 1_800),
  RETENTION_CHUNK_BATCH: int(5_000, 100, 100_000),
  // Where people open the studio (its origin, or the path it is served under): approval notices link
  // to its Inbox. Unset, an approval's `notify` is not sent (the Inbox still lists it).
  STUDIO_PUBLIC_URL: url(['https:', 'http:']),
  PORT: int(7071, 0, 65535),
  HOST: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: int(1_048_576, 1024, 64 * 1_048_576),
  STUDIO_DIR: z.string().min(1).optional(),
  // Telemetry (docs/observability.md): 'auto' exports to Application Insights when its connection
  // string is set, else to OTLP when an endpoint is set, else nowhere (the API stays a no-op).
  TELEMETRY_EXPORTER: z
    .enum(['auto', 'none', 'console', 'otlp', 'azure-monitor'], {
      message: "expected 'auto', 'none', 'console', 'otlp' or 'azure-monitor'",
    })
    .default('auto'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .regex(
      /InstrumentationKey=|ConnectionString=|IngestionEndpoint=/i,
      'expected an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…)',
    )
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']),
  // Seconds the worker may spend finishing runs on shutdown before it hands the rest back.
  WORKER_SHUTDOWN_GRACE_SECONDS: int(20, 0, 600),
  // Service Bus event triggers (JSON array; see shared/domain/service-bus-triggers.ts).
  SERVICE_BUS_TRIGGERS: ServiceBusTriggers.optional(),
  // Connectors: the key-encryption key for their secrets (base64, 32 bytes) or an Azure Key Vault secret holding it.
  CONNECTOR_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 bytes in base64 (e.g. `openssl rand -base64 32`)')
    .optional(),
  CONNECTOR_KEY_VAULT_URL: url(['https:']),
  CONNECTOR_KEY_VAULT_SECRET: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,127}$/, 'expected a Key Vault secret name (letters, digits, -)')
    .default('demiton-connector-kek'),
  // Private ranges connectors may reach in production (comma-separated CIDRs, e.g. a peered VNet).
  CONNECTOR_ALLOWED_CIDRS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, 'expected comma-separated CIDRs such as 10.20.0.0/16'),
      ),
    )
    .optional(),
  // Per-kind host lists of Azure connectors (Storage, Service Bus, Entra authorities); unset: on outside development mode.
  CONNECTOR_HOST_ALLOWLIST: z.enum(['on', 'off'], { message: "expected 'on' or 'off'" }).optional(),
  // Hosts added to those lists: comma-separated kind=pattern, e.g. azure-blob=files.contoso.com,azure-service-bus=*.contoso.net.
  CONNECTOR_ALLOWED_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            new RegExp(`^(${ENDPOINT_KINDS.join('|')})=(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$`),
            `expected kind=host or kind=*.domain, kind one of ${ENDPOINT_KINDS.join(', ')}`,
          ),
      ),
    )
    .optional(),
  // Development mode: no identity provider, every request is the built-in owner, loopback only. Off
  // unless asked for (`npm start` asks when no ENTRA_TENANT_ID is set); refused in Azure.
  DEMITON_DEV_MODE: bool('off'),
  // Identity (Microsoft Entra ID).
  ENTRA_TENANT_ID: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(GUID, 'expected a tenant id (GUID) or a comma-separated list of them'))
        .min(1, 'expected at least one tenant id'),
    )
    .optional(),
  ENTRA_API_AUDIENCE: z.string().min(1).optional(),
  ENTRA_AUTHORITY_HOST: httpsOrigin.default('https://login.microsoftonline.com'),
  ENTRA_CLOCK_SKEW_SECONDS: int(60, 0, 300),
  ENTRA_JWKS_REFRESH_COOLDOWN_SECONDS: int(30, 0, 3600),
  ENTRA_CLIENT_ID: z.string().regex(GUID, 'expected an application (client) id (GUID)').optional(),
  ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
  ENTRA_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
  ENTRA_SPA_CLIENT_ID: z.string().regex(GUID, 'expected an application (client) id (GUID)').optional(),
  ENTRA_SPA_SCOPES: z.string().min(1).optional(),
  GRAPH_BASE_URL: httpsOrigin.default('https://graph.microsoft.com'),
  // Abuse limits: requests per window, per caller (user or API key) and per organisation; 0 turns one off.
  RATE_LIMIT_WINDOW_SECONDS: int(60, 1, 3600),
  // Unset: 600 per caller and 3000 per org in Entra mode, off in development mode (loopback, one user).
  RATE_LIMIT_PER_CALLER: z.coerce
    .number({ message: 'expected a whole number' })
    .int('expected a whole number')
    .min(0, 'must be at least 0')
    .max(1_000_000, 'must be at most 1000000')
    .optional(),
  RATE_LIMIT_PER_ORG: z.coerce
    .number({ message: 'expected a whole number' })
    .int('expected a whole number')
    .min(0, 'must be at least 0')
    .max(10_000_000, 'must be at most 10000000')
    .optional(),
  // AI studio: language model, embeddings, conversation and document storage, vector search (see docs/ai.md).
  ...aiEnvShape,
});

export type Env = z.input<typeof envSchema>;

/** The compiled configuration every module receives. */
export interface Config {
  database:
    | { kind: 'postgres'; url: string; schema: string; poolMax: number; auth: { kind: 'password' } | EntraSignIn }
    | { kind: 'embedded'; dataDir: string; schema: string };
  queue:
    | { kind: 'redis'; url: string; prefix: string; cluster: boolean; auth: { kind: 'key' } | EntraSignIn }
    | { kind: 'embedded'; prefix: string };
  worker: { enabled: boolean; concurrency: number; id: string | undefined; leaseMs: number; maxCrashes: number };
  http: { port: number; host: string | undefined; maxBodyBytes: number; studioDir: string | undefined };
  /** STUDIO_PUBLIC_URL without its trailing slash: the base of links sent to people (approval notices); null when unset. */
  studioPublicUrl: string | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Development mode (DEMITON_DEV_MODE=on): no identity provider; one built-in organisation and admin, loopback only. */
  devMode: boolean;
  /** Connector secrets and outbound policy (see shared/connectors). */
  connectors: ConnectorsConfig;
  /** Microsoft Entra ID, when ENTRA_TENANT_ID is set (null in development mode). */
  entra: EntraConfig | null;
  /** Sliding-window request limits; a limit of 0 is off. */
  rateLimit: { windowSeconds: number; perCaller: number; perOrg: number };
  /** The AI studio (see shared/ai-config.ts). */
  ai: AiConfig;
  /** Where traces and metrics go (see shared/observability). */
  telemetry: TelemetryConfig;
  /** Service Bus queues and subscriptions that start runs. */
  serviceBus: { triggers: readonly ServiceBusTrigger[] };
  /** Milliseconds a stopping worker may spend finishing runs before it hands the rest back. */
  shutdownGraceMs: number;
  /** The run retention purge: its time budget per tick and chunk rows per statement. */
  retention: { tickBudgetMs: number; chunkBatch: number };
}

/**
 * Sign-in with a Microsoft Entra access token of the managed identity instead of a secret:
 * `user` is the PostgreSQL role or the Redis ACL user (object id); `clientId` picks the
 * user-assigned identity (undefined: DefaultAzureCredential).
 */
export interface EntraSignIn {
  kind: 'entra';
  user: string;
  clientId: string | undefined;
}

/** How tokens are verified and group overage is resolved. */
export interface EntraConfig {
  tenants: readonly string[];
  audience: string;
  authorityHost: string;
  clockSkewSeconds: number;
  jwksCooldownSeconds: number;
  graphBaseUrl: string;
  /** The API's confidential client, for Microsoft Graph (group overage); null when not configured. */
  client: { clientId: string; secret: string } | { clientId: string; certificatePath: string } | null;
  /** What the studio needs to sign in (MSAL browser); null when no SPA client id is set. */
  spa: { clientId: string; scopes: readonly string[] } | null;
}

/**
 * Variables the Azure hosts set (App Service / Functions, Container Apps): their presence means the
 * process runs in Azure, where development mode is refused.
 */
export const AZURE_MARKERS = ['WEBSITE_INSTANCE_ID', 'WEBSITE_OWNER_NAME', 'CONTAINER_APP_NAME', 'CONTAINER_APP_REPLICA_NAME'] as const;

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
  const signInIssues = signInProblems(e);
  if (signInIssues.length) throw new ConfigError(signInIssues);
  const entraIssues: FieldIssue[] = [];
  if (e.ENTRA_TENANT_ID && !e.ENTRA_API_AUDIENCE)
    entraIssues.push({
      path: 'ENTRA_API_AUDIENCE',
      message: 'required when ENTRA_TENANT_ID is set (the application id or App ID URI of this API)',
    });
  if ((e.ENTRA_CLIENT_SECRET || e.ENTRA_CLIENT_CERTIFICATE_PATH) && !e.ENTRA_CLIENT_ID)
    entraIssues.push({ path: 'ENTRA_CLIENT_ID', message: 'required when ENTRA_CLIENT_SECRET or ENTRA_CLIENT_CERTIFICATE_PATH is set' });
  if (e.ENTRA_CLIENT_SECRET && e.ENTRA_CLIENT_CERTIFICATE_PATH)
    entraIssues.push({ path: 'ENTRA_CLIENT_SECRET', message: 'set ENTRA_CLIENT_SECRET or ENTRA_CLIENT_CERTIFICATE_PATH, not both' });
  if (e.DEMITON_DEV_MODE && e.ENTRA_TENANT_ID)
    entraIssues.push({
      path: 'DEMITON_DEV_MODE',
      message: 'is on but ENTRA_TENANT_ID is set: development mode has no identity provider; turn one of them off',
    });
  const azure = AZURE_MARKERS.find((k) => env[k]);
  if (e.DEMITON_DEV_MODE && azure)
    entraIssues.push({
      path: 'DEMITON_DEV_MODE',
      message: `is refused in Azure (${azure} is set): development mode lets every request act as the owner`,
    });
  if (entraIssues.length) throw new ConfigError(entraIssues);
  const entra: EntraConfig | null =
    e.ENTRA_TENANT_ID && e.ENTRA_API_AUDIENCE
      ? {
          tenants: e.ENTRA_TENANT_ID,
          audience: e.ENTRA_API_AUDIENCE,
          authorityHost: e.ENTRA_AUTHORITY_HOST,
          clockSkewSeconds: e.ENTRA_CLOCK_SKEW_SECONDS,
          jwksCooldownSeconds: e.ENTRA_JWKS_REFRESH_COOLDOWN_SECONDS,
          graphBaseUrl: e.GRAPH_BASE_URL,
          client: !e.ENTRA_CLIENT_ID
            ? null
            : e.ENTRA_CLIENT_CERTIFICATE_PATH
              ? { clientId: e.ENTRA_CLIENT_ID, certificatePath: e.ENTRA_CLIENT_CERTIFICATE_PATH }
              : e.ENTRA_CLIENT_SECRET
                ? { clientId: e.ENTRA_CLIENT_ID, secret: e.ENTRA_CLIENT_SECRET }
                : null,
          spa: e.ENTRA_SPA_CLIENT_ID
            ? {
                clientId: e.ENTRA_SPA_CLIENT_ID,
                scopes: (
                  e.ENTRA_SPA_SCOPES ??
                  `${e.ENTRA_API_AUDIENCE.startsWith('api://') ? e.ENTRA_API_AUDIENCE : `api://${e.ENTRA_API_AUDIENCE}`}/.default`
                )
                  .split(/[ ,]+/)
                  .filter(Boolean),
              }
            : null,
        }
      : null;
  return {
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          schema: e.DATABASE_SCHEMA,
          poolMax: e.DATABASE_POOL_MAX,
          auth:
            e.DATABASE_AUTH === 'entra'
              ? { kind: 'entra', user: e.DATABASE_ENTRA_USER!, clientId: e.AZURE_CLIENT_ID }
              : { kind: 'password' },
        }
      : { kind: 'embedded', dataDir: e.DEMITON_DATA_DIR, schema: e.DATABASE_SCHEMA },
    queue: e.REDIS_URL
      ? {
          kind: 'redis',
          url: e.REDIS_URL,
          prefix: e.REDIS_PREFIX,
          cluster: e.REDIS_CLUSTER,
          auth: e.REDIS_AUTH === 'entra' ? { kind: 'entra', user: e.REDIS_ENTRA_USER!, clientId: e.AZURE_CLIENT_ID } : { kind: 'key' },
        }
      : { kind: 'embedded', prefix: e.REDIS_PREFIX },
    worker: {
      enabled: e.DEMITON_WORKER,
      concurrency: e.WORKER_CONCURRENCY,
      id: e.WORKER_ID,
      leaseMs: e.WORKER_LEASE_MS,
      maxCrashes: e.WORKER_MAX_CRASHES,
    },
    http: { port: e.PORT, host: e.HOST, maxBodyBytes: e.MAX_BODY_BYTES, studioDir: e.STUDIO_DIR },
    studioPublicUrl: e.STUDIO_PUBLIC_URL ? e.STUDIO_PUBLIC_URL.replace(/\/+$/, '') : null,
    logLevel: e.LOG_LEVEL,
    devMode: e.DEMITON_DEV_MODE,
    connectors: connectorsConfig(e, e.DEMITON_DEV_MODE),
    entra,
    rateLimit: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      perCaller: e.RATE_LIMIT_PER_CALLER ?? (e.DEMITON_DEV_MODE ? 0 : 600),
      perOrg: e.RATE_LIMIT_PER_ORG ?? (e.DEMITON_DEV_MODE ? 0 : 3000),
    },
    ai: compileAiConfig(e, e.DEMITON_DATA_DIR),
    telemetry: telemetryConfig(e),
    serviceBus: { triggers: e.SERVICE_BUS_TRIGGERS ?? [] },
    shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    retention: { tickBudgetMs: e.RETENTION_TICK_SECONDS * 1000, chunkBatch: e.RETENTION_CHUNK_BATCH },
  };
}

/**
 * Entra sign-in to PostgreSQL and Redis: the user is required, the URL carries no secret (the
 * token is the password), and the token travels over TLS except to a loopback host (tests).
 */
function signInProblems(e: z.infer<typeof envSchema>): FieldIssue[] {
  const out: FieldIssue[] = [];
  const urlUser = (v: string) => decodeURIComponent(new URL(v).username);
  if (e.DATABASE_AUTH === 'entra') {
    if (!e.DATABASE_URL)
      out.push({ path: 'DATABASE_AUTH', message: "'entra' needs DATABASE_URL (the embedded database has no Entra sign-in)" });
    if (!e.DATABASE_ENTRA_USER)
      out.push({
        path: 'DATABASE_ENTRA_USER',
        message:
          "required when DATABASE_AUTH is 'entra' (the PostgreSQL role of the managed identity, e.g. its name when it is the Entra administrator)",
      });
    if (e.DATABASE_URL) {
      const u = new URL(e.DATABASE_URL);
      const sslmode = u.searchParams.get('sslmode');
      if (u.password)
        out.push({
          path: 'DATABASE_URL',
          message:
            "must not contain a password when DATABASE_AUTH is 'entra' (the password is an access token fetched for each new connection)",
        });
      if (u.username && e.DATABASE_ENTRA_USER && urlUser(e.DATABASE_URL) !== e.DATABASE_ENTRA_USER)
        out.push({
          path: 'DATABASE_URL',
          message: `names user '${urlUser(e.DATABASE_URL)}', but DATABASE_AUTH=entra signs in as DATABASE_ENTRA_USER '${e.DATABASE_ENTRA_USER}'; leave the user out of the URL`,
        });
      if (sslmode && ['disable', 'allow', 'prefer'].includes(sslmode) && !isLoopbackHost(u.hostname))
        out.push({
          path: 'DATABASE_URL',
          message: `sslmode=${sslmode}: Entra sign-in sends an access token as the password, so it needs TLS (sslmode=require or verify-full, or no sslmode); only a loopback host may go without`,
        });
    }
  } else if (e.DATABASE_ENTRA_USER) {
    out.push({
      path: 'DATABASE_ENTRA_USER',
      message: "is set but DATABASE_AUTH is 'password'; set DATABASE_AUTH=entra to sign in with the managed identity, or remove it",
    });
  }
  if (e.REDIS_AUTH === 'entra') {
    if (!e.REDIS_URL) out.push({ path: 'REDIS_AUTH', message: "'entra' needs REDIS_URL (the embedded queue has no sign-in)" });
    if (!e.REDIS_ENTRA_USER)
      out.push({
        path: 'REDIS_ENTRA_USER',
        message: "required when REDIS_AUTH is 'entra' (the object id of the managed identity, its Redis user name)",
      });
    if (e.REDIS_URL) {
      const u = new URL(e.REDIS_URL);
      if (u.password)
        out.push({
          path: 'REDIS_URL',
          message: "must not contain an access key when REDIS_AUTH is 'entra' (the password is an access token, renewed before it expires)",
        });
      if (u.username && e.REDIS_ENTRA_USER && urlUser(e.REDIS_URL).toLowerCase() !== e.REDIS_ENTRA_USER.toLowerCase())
        out.push({
          path: 'REDIS_URL',
          message: `names user '${urlUser(e.REDIS_URL)}', but REDIS_AUTH=entra signs in as REDIS_ENTRA_USER '${e.REDIS_ENTRA_USER}'; leave the user out of the URL`,
        });
      if (u.protocol === 'redis:' && !isLoopbackHost(u.hostname))
        out.push({
          path: 'REDIS_URL',
          message: 'Entra sign-in sends an access token, so it needs TLS: use rediss:// (redis:// is accepted only for a loopback host)',
        });
    }
  } else if (e.REDIS_ENTRA_USER) {
    out.push({
      path: 'REDIS_ENTRA_USER',
      message: "is set but REDIS_AUTH is 'key'; set REDIS_AUTH=entra to sign in with the managed identity, or remove it",
    });
  }
  if (e.REDIS_CLUSTER && !e.REDIS_URL) out.push({ path: 'REDIS_CLUSTER', message: "'on' needs REDIS_URL (a seed node of the cluster)" });
  if (e.REDIS_CLUSTER && e.REDIS_AUTH === 'entra')
    out.push({
      path: 'REDIS_CLUSTER',
      message:
        'Entra sign-in works over one endpoint only: deploy Azure Managed Redis with the Enterprise clustering policy and leave REDIS_CLUSTER off',
    });
  return out;
}

/** Connector secrets encryption and the outbound network policy. */
export interface ConnectorsConfig {
  /** Base64 KEK from CONNECTOR_ENCRYPTION_KEY. */
  encryptionKey: string | undefined;
  keyVault: { url: string; secretName: string } | undefined;
  /** Development mode without a configured key: a key generated into the data directory on first use. */
  devKeyFile: string | undefined;
  /** True in development mode: connectors may reach loopback and private addresses. */
  allowPrivateNetworks: boolean;
  allowedCidrs: readonly string[];
  /** Per-kind host lists (shared/adapters/host-allowlist.ts): enforced outside development mode unless turned off. */
  hostAllowList: { enforce: boolean; extra: Partial<Record<EndpointKind, string[]>> };
}

function connectorsConfig(e: z.infer<typeof envSchema>, devMode: boolean): ConnectorsConfig {
  // Outside development mode a missing key is reported when a secret is first sealed or opened
  // (connector_key_unavailable), so a deployment without connectors still starts.
  return {
    encryptionKey: e.CONNECTOR_ENCRYPTION_KEY,
    keyVault: e.CONNECTOR_KEY_VAULT_URL ? { url: e.CONNECTOR_KEY_VAULT_URL, secretName: e.CONNECTOR_KEY_VAULT_SECRET } : undefined,
    devKeyFile:
      devMode && !e.CONNECTOR_ENCRYPTION_KEY && !e.CONNECTOR_KEY_VAULT_URL ? `${e.DEMITON_DATA_DIR}/connector-encryption.key` : undefined,
    allowPrivateNetworks: devMode,
    allowedCidrs: e.CONNECTOR_ALLOWED_CIDRS ?? [],
    hostAllowList: {
      enforce: e.CONNECTOR_HOST_ALLOWLIST ? e.CONNECTOR_HOST_ALLOWLIST === 'on' : !devMode,
      extra: (e.CONNECTOR_ALLOWED_HOSTS ?? []).reduce<Partial<Record<EndpointKind, string[]>>>((acc, entry) => {
        const [kind, pattern] = entry.split('=') as [EndpointKind, string];
        (acc[kind] ??= []).push(pattern);
        return acc;
      }, {}),
    },
  };
}

/** Telemetry export: Application Insights, OTLP, the console, or none. */
export interface TelemetryConfig {
  exporter: 'none' | 'console' | 'otlp' | 'azure-monitor';
  appInsightsConnectionString: string | undefined;
  otlpEndpoint: string | undefined;
}

function telemetryConfig(e: z.infer<typeof envSchema>): TelemetryConfig {
  const exporter =
    e.TELEMETRY_EXPORTER !== 'auto'
      ? e.TELEMETRY_EXPORTER
      : e.APPLICATIONINSIGHTS_CONNECTION_STRING
        ? 'azure-monitor'
        : e.OTEL_EXPORTER_OTLP_ENDPOINT
          ? 'otlp'
          : 'none';
  const missing =
    exporter === 'azure-monitor' && !e.APPLICATIONINSIGHTS_CONNECTION_STRING
      ? { path: 'APPLICATIONINSIGHTS_CONNECTION_STRING', message: "required when TELEMETRY_EXPORTER is 'azure-monitor'" }
      : exporter === 'otlp' && !e.OTEL_EXPORTER_OTLP_ENDPOINT
        ? { path: 'OTEL_EXPORTER_OTLP_ENDPOINT', message: "required when TELEMETRY_EXPORTER is 'otlp'" }
        : null;
  if (missing) throw new ConfigError([missing]);
  return { exporter, appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING, otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT };
}
