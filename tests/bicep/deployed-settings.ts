/**
 * How each variable of `envSchema` (shared/config.ts) is treated by the Azure deployment. The
 * Bicep check fails for a variable that is neither set by bicep/modules/function-app.bicep nor
 * listed here with the reason it is left to its default: a variable added to the schema must be
 * decided on, not forgotten.
 */
export const LEFT_TO_DEFAULT: Readonly<Record<string, string>> = {
  DEMITON_DATA_DIR: 'embedded database and dev key files only; Azure uses PostgreSQL and Key Vault',
  DEMITON_DEV_MODE: 'off by default, and refused in Azure (WEBSITE_INSTANCE_ID is set there)',
  WORKER_ID: 'must be unique per process; each instance generates one',
  PORT: 'local host only; the Functions host owns the port',
  HOST: 'local host only',
  STUDIO_DIR: 'local host only; the studio is served by the Static Web App',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'Azure exports to Application Insights',
  WORKER_MAX_CRASHES: 'default (3) interrupted attempts before a task fails with worker_crashed',
  RETENTION_TICK_SECONDS: 'default (120 s of purging per hourly tick)',
  RETENTION_CHUNK_BATCH: 'default (5,000 chunk rows per statement)',
  WORKER_LEASE_MS: 'default lease; the recovery sweep reclaims runs of a worker that stopped renewing',
  CONNECTOR_ENCRYPTION_KEY: 'the key is read from Key Vault with the identity (CONNECTOR_KEY_VAULT_URL)',
  CONNECTOR_ALLOWED_CIDRS: 'none by default; add ranges of a peered network through the portal or a parameter',
  CONNECTOR_HOST_ALLOWLIST: 'on by default outside development mode',
  CONNECTOR_ALLOWED_HOSTS: 'none by default; add custom Storage domains through the portal or a parameter',
  ENTRA_AUTHORITY_HOST: 'public cloud default; sovereign clouds override it',
  ENTRA_CLOCK_SKEW_SECONDS: 'default',
  ENTRA_JWKS_REFRESH_COOLDOWN_SECONDS: 'default',
  ENTRA_CLIENT_CERTIFICATE_PATH: 'the deployment uses a client secret, not a certificate file',
  ENTRA_SPA_SCOPES: 'derived from ENTRA_API_AUDIENCE',
  GRAPH_BASE_URL: 'public cloud default',
  RATE_LIMIT_WINDOW_SECONDS: 'default',
  RATE_LIMIT_PER_CALLER: 'default',
  RATE_LIMIT_PER_ORG: 'default',
  LLM_BASE_URL: 'only for openai-compatible providers; Azure uses AZURE_OPENAI_ENDPOINT',
  LLM_MODEL: 'Azure OpenAI uses the deployment name',
  LLM_API_KEY: 'Azure OpenAI is reached with the identity',
  LLM_MAX_OUTPUT_TOKENS: 'default',
  LLM_CONTEXT_BUDGET_TOKENS: 'default',
  EMBEDDING_MODEL: 'Azure OpenAI uses the deployment name',
  EMBEDDING_BASE_URL: 'only for openai-compatible providers',
  EMBEDDING_DIMENSIONS: 'default',
  AZURE_OPENAI_API_KEY: 'Azure OpenAI is reached with the identity (local auth is disabled)',
  AZURE_OPENAI_API_VERSION: 'default',
  AZURE_STORAGE_CONNECTION_STRING: 'storage is reached with the identity (AZURE_STORAGE_ACCOUNT_NAME)',
  AZURE_SEARCH_API_KEY: 'Azure AI Search is reached with the identity (local auth is disabled)',
  STUDIO_STREAMS_PER_USER: 'default',
  STUDIO_STREAMS_PER_ORG: 'default',
  STUDIO_STREAM_LEASE_SECONDS: 'default',
  DOCUMENT_MAX_BYTES: 'default',
};

/** Settings the Functions host or the Azure SDKs read themselves (not part of envSchema). */
export const HOST_SETTINGS: ReadonlySet<string> = new Set([
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME',
  'languageWorkers__node__arguments',
  'AzureWebJobsStorage',
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'ServiceBusConnection',
  'ServiceBusConnection__fullyQualifiedNamespace',
  'ServiceBusConnection__credential',
  'ServiceBusConnection__clientId',
]);

/**
 * Sample values for settings the Bicep computes (Key Vault references, outputs of other modules),
 * used to check that the deployed settings load as a production configuration.
 */
export const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  AZURE_CLIENT_ID: '66666666-6666-4666-8666-666666666666',
  DATABASE_URL: 'postgresql://psql-demiton.postgres.database.azure.com:5432/demiton?sslmode=require',
  DATABASE_ENTRA_USER: 'id-demiton',
  DATABASE_POOL_MAX: '10',
  REDIS_URL: 'rediss://redis-demiton.westeurope.redis.azure.net:10000',
  REDIS_ENTRA_USER: '77777777-7777-4777-8777-777777777777',
  WORKER_CONCURRENCY: '128',
  DEMITON_WORKER: 'on',
  LOG_LEVEL: 'info',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
  CONNECTOR_KEY_VAULT_URL: 'https://kv-demiton.vault.azure.net/',
  CONNECTOR_KEY_VAULT_SECRET: 'demiton-connector-kek',
  ENTRA_TENANT_ID: '11111111-1111-1111-1111-111111111111',
  ENTRA_API_AUDIENCE: 'api://demiton',
  ENTRA_CLIENT_ID: '55555555-5555-5555-5555-555555555555',
  ENTRA_CLIENT_SECRET: 'resolved-from-key-vault',
  ENTRA_SPA_CLIENT_ID: '22222222-2222-2222-2222-222222222222',
  AZURE_STORAGE_ACCOUNT_NAME: 'stdemiton123',
  AZURE_STORAGE_TABLE_NAME: 'demitonconversations',
  AZURE_STORAGE_DOCUMENTS_CONTAINER: 'demiton-documents',
  AZURE_SEARCH_ENDPOINT: 'https://srch-demiton.search.windows.net',
  AZURE_OPENAI_ENDPOINT: 'https://oai-demiton.openai.azure.com/',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
  AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'text-embedding-3-small',
  LLM_PROVIDER: 'azure-openai',
  STUDIO_PUBLIC_URL: 'https://nice-sea-0a1b2c3d4.5.azurestaticapps.net',
  SERVICE_BUS_TRIGGERS:
    '[{"name":"orders","queue":"demiton-runs","orgId":"33333333-3333-4333-8333-333333333333","workflowId":"44444444-4444-4444-8444-444444444444"}]',
};
