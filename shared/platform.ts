/**
 * The composition root: builds the database, queue, adapter registry and logger from a `Config`
 * and hands them to the control plane and the worker as one `Platform` value.
 */
import type { Config } from './config';
import { createDb, type Db } from './db/db';
import { startEmbeddedPostgres } from './db/embedded-postgres';
import { autovacuumWarning, readAutovacuumSettings } from './db/autovacuum-check';
import { migrate } from './db/migrate';
import { createDefaultRegistry } from './adapters/registry';
import type { AdapterRegistry } from './adapters/resolve-adapter';
import { type ConnectorDirectory } from './connectors/connector-lookup';
import { createConnectorDirectory } from './connectors/connector-directory';
import { keyProviderFor } from './connectors/key-provider';
import { OutboundPolicy } from './adapters/network-policy';
import { HostAllowList } from './adapters/host-allowlist';
import { SecretBox } from './store/secret-box';
import { createLogger, type Logger } from './logger';
import { observeQueueDepth } from './observability/metrics';
import { createMemoryQueue } from './queue/memory-queue';
import { createRedisQueue } from './queue/redis-queue';
import { redisTargetFor } from './redis/redis-connection';
import { POSTGRES_TOKEN_SCOPE } from './managed-identity/access-token-source';
import { managedIdentityTokens } from './managed-identity/token-sources';
import type { WorkQueue } from './queue/work-queue';
import { createAiServices, describeAi, type AiOverrides, type AiServices } from './ai/ai-services';
import { DEV_ORG_ID, DEV_PROJECT_ID, ensureOrganisation } from './store/organisations';
import { createIdentity, type Identity } from './auth/identity';
import { ensureTenantOrganisations } from './store/org-tenants';

export interface Platform {
  config: Config;
  db: Db;
  queue: WorkQueue;
  registry: AdapterRegistry;
  connectors: ConnectorDirectory;
  /** Seals and opens connector secrets (AES-256-GCM envelope encryption). */
  secretBox: SecretBox;
  /** The outbound network policy every adapter connects under. */
  network: OutboundPolicy;
  logger: Logger;
  /** Token verification, Graph group lookup and rate limits (shared/auth/identity.ts). */
  identity: Identity;
  /** The AI studio: chat model, embeddings, document search, conversations, streaming gate (shared/ai). */
  ai: AiServices;
  close(): Promise<void>;
}

export interface PlatformOverrides {
  db?: Db;
  queue?: WorkQueue;
  logger?: Logger;
  registry?: AdapterRegistry;
  connectors?: ConnectorDirectory;
  ai?: AiOverrides;
  identity?: Identity;
}

/** Opens connections, applies migrations and, in development mode, ensures the built-in organisation. */
export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const logger = overrides.logger ?? createLogger(config.logLevel, { service: 'demiton' });
  const db =
    overrides.db ??
    (config.database.kind === 'postgres'
      ? createDb({
          connectionString: config.database.url,
          schema: config.database.schema,
          max: config.database.poolMax,
          backend: 'postgres',
          entra:
            config.database.auth.kind === 'entra'
              ? { user: config.database.auth.user, tokens: managedIdentityTokens(config.database.auth, POSTGRES_TOKEN_SCOPE, 'database') }
              : undefined,
        })
      : await startEmbeddedPostgres(config.database.dataDir, config.database.schema));
  const queue =
    overrides.queue ??
    (config.queue.kind === 'redis'
      ? createRedisQueue({ ...redisTargetFor(config.queue), prefix: config.queue.prefix })
      : createMemoryQueue());
  const identity = overrides.identity ?? createIdentity(config, logger);
  const network = new OutboundPolicy({
    allowPrivate: config.connectors.allowPrivateNetworks,
    allowedCidrs: config.connectors.allowedCidrs,
  });
  const secretBox = new SecretBox(keyProviderFor(config.connectors));
  try {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, 'database migrations applied');
    if (db.backend === 'postgres') {
      // Advice only: a server that cannot answer this still serves (the next query will say why).
      const warning = await readAutovacuumSettings(db).then(autovacuumWarning, () => null);
      if (warning) logger.warn({ code: 'autovacuum_off' }, warning);
    }
    if (config.devMode) await ensureOrganisation(db, { id: DEV_ORG_ID, name: 'Development', defaultProjectId: DEV_PROJECT_ID });
    if (config.entra) await ensureTenantOrganisations(db, config.entra.tenants);
  } catch (err) {
    await identity.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
  const ai = await createAiServices(config, db, logger, overrides.ai, { secretBox, network });
  const stopObservingQueue = observeQueueDepth(queue, queue.backend);
  return {
    config,
    db,
    queue,
    ai,
    registry: overrides.registry ?? createDefaultRegistry({ network, hosts: new HostAllowList(config.connectors.hostAllowList) }),
    connectors: overrides.connectors ?? createConnectorDirectory(db, secretBox),
    secretBox,
    network,
    logger,
    identity,
    async close() {
      stopObservingQueue();
      await identity.close();
      await ai.close();
      await queue.close();
      await db.close();
    },
  };
}

/** A one-line description of the backends in use, printed at start. */
export function describeBackends(p: Platform): string {
  const d = p.config.database;
  const q = p.config.queue;
  const as = (auth: { kind: string; user?: string }) => (auth.kind === 'entra' ? `, Entra sign-in as ${auth.user}` : '');
  const db =
    d.kind === 'postgres'
      ? `PostgreSQL (${redact(d.url)}, schema ${p.db.schema}${as(d.auth)})`
      : `embedded PostgreSQL (PGlite, ${d.dataDir})`;
  const queue = q.kind === 'redis' ? `Redis (${redact(q.url)}, prefix ${q.prefix}${as(q.auth)})` : 'embedded in-process queue';
  return `database: ${db}; queue: ${queue}; ${describeAi(p.config)}`;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
