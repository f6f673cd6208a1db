// The Function App: control plane (HTTP triggers), timers, Service Bus triggers and the
// long-running worker, on an Elastic Premium plan (Linux, Node 22). The worker loop is started by
// the app's appStart hook, so every instance drains the queue; always-ready instances keep at
// least one worker up when no HTTP traffic arrives (see docs/worker-on-premium.md).
//
// App settings mirror `envSchema` in shared/config.ts (tests/bicep checks every variable there is
// set here or deliberately left to its default). Secrets are Key Vault references resolved with
// the user-assigned identity; services that accept Entra tokens get the identity instead of keys:
// PostgreSQL and Redis too (DATABASE_AUTH / REDIS_AUTH = entra), so neither URL holds a secret.
param name string
param planName string
param location string
param tags object = {}
@allowed(['EP1', 'EP2', 'EP3'])
param planSku string = 'EP1'
@description('Instances kept running at all times: each runs a worker, so at least 1.')
@minValue(1)
@maxValue(20)
param alwaysReadyInstances int = 1
@description('Upper bound of elastic scale-out.')
@minValue(1)
@maxValue(100)
param maximumElasticWorkerCount int = 4
param identityId string
param identityClientId string
param storageAccountName string
param appInsightsConnectionString string
param keyVaultName string
param keyVaultUri string
@description('PostgreSQL URL without credentials (the app signs in with an Entra token).')
param databaseUrl string
@description('PostgreSQL login of the managed identity (its name), member of demiton_app; not the Entra administrator, which migrates.')
param databaseEntraUser string
@description('Redis URL (rediss://) without credentials.')
param redisUrl string
@description('Redis user of the managed identity: its object (principal) id.')
param redisEntraUser string
param searchEndpoint string
@description('Azure OpenAI endpoint; empty when no Azure OpenAI is deployed.')
param openAiEndpoint string = ''
param openAiChatDeployment string = ''
param openAiEmbeddingDeployment string = ''
@description('Service Bus namespace host name; empty when no Service Bus is deployed.')
param serviceBusNamespace string = ''
@description('JSON array of Service Bus triggers (see docs/deploy.md); empty for none.')
param serviceBusTriggers string = ''
param documentsContainer string
param conversationsTable string
param entraTenantId string
param entraApiAudience string
param entraApiClientId string = ''
@description('Name of the Key Vault secret holding the API app registration secret (Graph group overage); empty for none.')
param entraApiClientSecretName string = ''
param entraSpaClientId string = ''
param connectorKekSecretName string
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
param logLevel string = 'info'
@minValue(1)
@maxValue(1024)
param workerConcurrency int = 128
@minValue(1)
@maxValue(200)
param databasePoolMax int = 10
@description('Subnet for regional VNet integration; empty for none.')
param appSubnetId string = ''
@description('Run the worker in the Function App (appStart). Off when the Container Apps worker (worker-container-app.bicep) drains the queue.')
param workerInFunctionApp bool = true
@description('Origin of the studio (https://<static web app host>), the one origin CORS allows: the studio calls the API directly with its Entra token.')
param studioOrigin string

@description('Log Analytics workspace every diagnostic setting sends to.')
param logAnalyticsWorkspaceId string

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'elastic'
  sku: { name: planSku, tier: 'ElasticPremium', capacity: alwaysReadyInstances }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: maximumElasticWorkerCount
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

func kvRef(vault string, secret string) string => '@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})'

// Settings the Functions host reads.
var hostSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'node'
  // Node arguments of the host's worker process, which runs Demiton's worker: a 1 GiB heap cap makes
  // V8 grow the heap in smaller steps (fan-out of 1M chunks: peak RSS 170 MiB instead of 283).
  // The same flag as `npm run worker` and the bench (docs/benchmarks.md).
  languageWorkers__node__arguments: '--max-old-space-size=1024'
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Azure Files (the Premium content share) has no identity-based mount; this is the one key.
  WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  WEBSITE_CONTENTSHARE: toLower(name)
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Settings Demiton reads (envSchema in shared/config.ts).
var demitonSettings = {
  // Tokens of this identity sign in to PostgreSQL and Redis; DefaultAzureCredential (Storage, Search, OpenAI, Key Vault) picks it by this id too.
  AZURE_CLIENT_ID: identityClientId
  DATABASE_URL: databaseUrl
  DATABASE_AUTH: 'entra'
  DATABASE_ENTRA_USER: databaseEntraUser
  DATABASE_SCHEMA: 'public'
  DATABASE_POOL_MAX: string(databasePoolMax)
  REDIS_URL: redisUrl
  REDIS_AUTH: 'entra'
  REDIS_ENTRA_USER: redisEntraUser
  REDIS_PREFIX: 'demiton'
  // The Enterprise clustering policy (redis.bicep) is one endpoint behind a proxy: no cluster protocol.
  REDIS_CLUSTER: 'off'
  DEMITON_WORKER: workerInFunctionApp ? 'on' : 'off'
  // The host gives the language worker about 5 s on terminate: 3 s for runs in hand counted from
  // the stop, then the rest are handed back (tests/integration/deploy/graceful-shutdown…).
  WORKER_SHUTDOWN_GRACE_SECONDS: '3'
  WORKER_CONCURRENCY: string(workerConcurrency)
  LOG_LEVEL: logLevel
  MAX_BODY_BYTES: '1048576'
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  TELEMETRY_EXPORTER: 'azure-monitor'
  CONNECTOR_KEY_VAULT_URL: keyVaultUri
  CONNECTOR_KEY_VAULT_SECRET: connectorKekSecretName
  ENTRA_TENANT_ID: entraTenantId
  ENTRA_API_AUDIENCE: entraApiAudience
  // Approval notices link to the studio's Inbox (the worker sends them, so the Container Apps worker gets it too).
  STUDIO_PUBLIC_URL: studioOrigin
  AZURE_STORAGE_ACCOUNT_NAME: storageAccountName
  AZURE_STORAGE_TABLE_NAME: conversationsTable
  AZURE_STORAGE_DOCUMENTS_CONTAINER: documentsContainer
  AZURE_SEARCH_ENDPOINT: searchEndpoint
  AZURE_SEARCH_INDEX: 'demiton-chunks'
  LLM_PROVIDER: empty(openAiEndpoint) ? 'none' : 'azure-openai'
}

var openAiSettings = empty(openAiEndpoint)
  ? {}
  : {
      AZURE_OPENAI_ENDPOINT: openAiEndpoint
      AZURE_OPENAI_DEPLOYMENT: openAiChatDeployment
      AZURE_OPENAI_EMBEDDING_DEPLOYMENT: openAiEmbeddingDeployment
      EMBEDDING_PROVIDER: 'azure-openai'
    }

// The host's Service Bus extension connects with the identity (connection name ServiceBusConnection).
var serviceBusSettings = empty(serviceBusNamespace)
  ? {}
  : {
      ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identityClientId
      SERVICE_BUS_TRIGGERS: serviceBusTriggers
    }

var entraClientSettings = union(
  empty(entraApiClientId) ? {} : { ENTRA_CLIENT_ID: entraApiClientId },
  empty(entraApiClientSecretName) ? {} : { ENTRA_CLIENT_SECRET: kvRef(keyVaultName, entraApiClientSecretName) },
  empty(entraSpaClientId) ? {} : { ENTRA_SPA_CLIENT_ID: entraSpaClientId }
)

var appSettings = union(hostSettings, demitonSettings, openAiSettings, serviceBusSettings, entraClientSettings)

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    vnetRouteAllEnabled: !empty(appSubnetId)
    siteConfig: {
      linuxFxVersion: 'Node|22'
      alwaysOn: false // not used on Elastic Premium; always-ready instances do this job
      minimumElasticInstanceCount: alwaysReadyInstances
      preWarmedInstanceCount: 1
      functionAppScaleLimit: maximumElasticWorkerCount
      // Lets the scale controller see Service Bus depth when the namespace is VNet-restricted.
      functionsRuntimeScaleMonitoringEnabled: true
      healthCheckPath: '/api/health'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // The studio (another origin) calls the API with `Authorization: Bearer`; no cookies, so no credentials mode.
      cors: {
        allowedOrigins: [studioOrigin]
        supportCredentials: false
      }
      appSettings: [for s in items(appSettings): { name: s.key, value: s.value }]
    }
  }
}

resource planDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: plan
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'FunctionAppLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = site.name
// What a worker process outside the Function App needs (worker-container-app.bicep).
output workerSettings object = union(demitonSettings, openAiSettings)
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
