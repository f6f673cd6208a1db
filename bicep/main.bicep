// Demiton on Azure: one resource group holding the Function App (Elastic Premium, Linux, Node 22),
// PostgreSQL Flexible Server, Azure Managed Redis, Storage, Azure AI Search, Key Vault, Log
// Analytics + Application Insights, a user-assigned managed identity, the studio's Static Web
// App and, optionally, Azure OpenAI, Service Bus and a VNet for private access.
// Modules are vendored under ./modules (no registry references). See docs/deploy.md.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(40)
@description('Environment name (azd sets it); prefixes every resource name.')
param environmentName string

@description('Region for everything except the Static Web App.')
param location string = resourceGroup().location

@description('Region of the Static Web App (a short list of regions host them).')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param staticWebAppLocation string = 'westeurope'

// Compute
@allowed(['EP1', 'EP2', 'EP3'])
param functionPlanSku string = 'EP1'
@minValue(1)
param alwaysReadyInstances int = 1
@minValue(1)
param maximumElasticWorkerCount int = 4
@minValue(1)
@maxValue(1024)
param workerConcurrency int = 128
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
param logLevel string = 'info'

// Data
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresTier string = 'Burstable'
param postgresSku string = 'Standard_B1ms'
@minValue(32)
param postgresStorageGb int = 32
param postgresAdminLogin string = 'demiton'
@secure()
@minLength(12)
@description('Password of the PostgreSQL administrator login (break-glass; the app signs in with its managed identity); stored only in Key Vault.')
param postgresAdminPassword string
@description('Keep password sign-in for the PostgreSQL administrator login. False: Entra sign-in only (the app needs no password either way).')
param postgresPasswordAuth bool = true
param redisSku string = 'Balanced_B0'
@description('Zone-redundant PostgreSQL (General Purpose and Memory Optimized tiers only; ignored on Burstable) and replicated Redis.')
param highAvailability bool = false
@allowed(['free', 'basic', 'standard', 'standard2', 'standard3'])
param searchSku string = 'basic'
@description('Put PostgreSQL in a delegated subnet (no public endpoint) and integrate the Function App with the VNet.')
param privateNetworking bool = false
@description('With privateNetworking: private endpoints (and private DNS) for Redis, Storage, Key Vault, Search and OpenAI in the same VNet; public access off on Key Vault, Search and OpenAI.')
param privateEndpoints bool = false

// Workers
@description('Run the worker as a Container App scaled by KEDA on the queue length, and the Function App with DEMITON_WORKER=off (docs/deploy.md, "Where the worker runs").')
param deployWorkerContainerApp bool = false
@description('Worker container image (deploy/worker/Dockerfile); required with deployWorkerContainerApp.')
param workerImage string = ''
@minValue(1)
param workerMaxReplicas int = 10

// Optional services
param deployOpenAi bool = false
param openAiLocation string = location
param deployServiceBus bool = false
@description('JSON array of Service Bus triggers, e.g. [{"name":"orders","queue":"demiton-runs","orgId":"…","workflowId":"…"}].')
param serviceBusTriggers string = ''

// Identity
@description('Entra tenant whose users sign in.')
param entraTenantId string = tenant().tenantId
@minLength(1)
@description('Audience (application id or App ID URI) of the API app registration.')
param entraApiAudience string
@description('Client id of the API app registration (for Microsoft Graph group overage); optional.')
param entraApiClientId string = ''
@secure()
@description('Secret of the API app registration; optional.')
param entraApiClientSecret string = ''
@minLength(1)
@description('Client id of the studio app registration (single-page application, signs users in with MSAL).')
param entraStudioClientId string
@secure()
@minLength(44)
@maxLength(44)
@description('Key-encryption key for connector secrets: 32 random bytes in base64 (openssl rand -base64 32).')
param connectorEncryptionKey string
@description('Object id of a user or group allowed to manage Key Vault secrets; optional.')
param keyVaultAdminPrincipalId string = ''
@minLength(1)
@description('Object id of the PostgreSQL Entra administrator, which migrates: the deploying principal (azd sets AZURE_PRINCIPAL_ID). Never the app identity.')
param databaseAdminPrincipalId string
@minLength(1)
@description('Its name: a user\'s UPN or a service principal\'s display name (the azd preprovision hook fills AZURE_PRINCIPAL_NAME for a user).')
param databaseAdminPrincipalName string
@allowed(['User', 'Group', 'ServicePrincipal'])
param databaseAdminPrincipalType string = 'User'
@description('Public IPv4 address the database hook runs from (azd\'s DEMITON_DEPLOYER_IP); empty for none (private networking, or a runner inside Azure).')
param databaseDeployerIp string = ''
@description('Changes after each teardown (azd sets DEMITON_DEPLOYMENT_ID; its postdown hook clears it) so the Key Vault gets a new name: purge protection keeps a deleted vault, and its name, for 30 days.')
param deploymentId string = ''

var tags = { 'azd-env-name': environmentName, application: 'demiton' }
var endpointsOn = privateNetworking && privateEndpoints
var suffix = uniqueString(subscription().id, resourceGroup().id, environmentName)
var vaultSuffix = uniqueString(subscription().id, resourceGroup().id, environmentName, deploymentId)
var env = toLower(environmentName)
var short = replace(env, '-', '')
// Every resource name, within its service's length and character rules for any environment name
// @maxLength(40) allows (tests/bicep/resource-names.test.ts evaluates these for 1 to 40 characters).
// uniqueString() is 13 characters.
var names = {
  identity: 'id-${env}'
  workspace: 'log-${env}'
  appInsights: 'appi-${env}'
  vnet: 'vnet-${env}'
  storage: take('st${short}${suffix}', 24)
  keyVault: 'kv${take(short, 9)}${vaultSuffix}'
  postgres: 'psql-${env}-${suffix}'
  redis: 'redis-${env}-${suffix}'
  search: 'srch-${short}-${suffix}'
  openAi: 'oai-${short}-${suffix}'
  serviceBus: 'sb-${take(short, 30)}-${suffix}'
  functionApp: 'func-${env}-${suffix}'
  plan: 'plan-${env}'
  staticWebApp: 'stapp-${take(env, 20)}-${suffix}'
  containerAppsEnvironment: 'cae-${env}'
  workerApp: 'ca-${take(short, 16)}-worker'
}
var documentsContainer = 'demiton-documents'
var conversationsTable = 'demitonconversations'
var connectorKekSecretName = 'demiton-connector-kek'
var entraApiSecretName = 'entra-api-client-secret'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { name: names.identity, location: location, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: { name: names.vnet, location: location, tags: tags, logAnalyticsWorkspaceId: monitoring.outputs.workspaceId }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.storage
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    containers: [documentsContainer]
    tables: [conversationsTable]
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    publicNetworkAccess: !endpointsOn
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.keyVault
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    adminPrincipalId: keyVaultAdminPrincipalId
    secrets: union(
      {
        '${connectorKekSecretName}': connectorEncryptionKey
        // Kept so `azd provision` reuses it (secretOrRandomPassword in main.parameters.json) and an
        // operator can sign in as the administrator; no app setting refers to it.
        'postgres-admin-password': postgresAdminPassword
      },
      empty(entraApiClientSecret) ? {} : { '${entraApiSecretName}': entraApiClientSecret }
    )
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.postgres
    location: location
    tags: tags
    tier: postgresTier
    skuName: postgresSku
    storageGb: postgresStorageGb
    administratorLogin: postgresAdminLogin
    administratorPassword: postgresAdminPassword
    passwordAuth: postgresPasswordAuth
    adminPrincipalId: databaseAdminPrincipalId
    adminPrincipalName: databaseAdminPrincipalName
    adminPrincipalType: databaseAdminPrincipalType
    appIdentityName: identity.outputs.name
    deployerIp: databaseDeployerIp
    delegatedSubnetId: privateNetworking ? network.outputs.databaseSubnetId : ''
    privateDnsZoneId: privateNetworking ? network.outputs.postgresDnsZoneId : ''
    // Zone-redundant HA exists on General Purpose and Memory Optimized only, not on Burstable.
    highAvailability: highAvailability && postgresTier != 'Burstable'
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.redis
    location: location
    tags: tags
    skuName: redisSku
    highAvailability: highAvailability
    identityPrincipalId: identity.outputs.principalId
    accessKeysForScaler: deployWorkerContainerApp
  }
}

module search 'modules/search.bicep' = {
  name: 'search'
  params: {
    publicNetworkAccess: !endpointsOn
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.search
    location: location
    tags: tags
    sku: searchSku
    principalId: identity.outputs.principalId
  }
}

module openAi 'modules/openai.bicep' = if (deployOpenAi) {
  name: 'openai'
  params: {
    publicNetworkAccess: !endpointsOn
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.openAi
    location: openAiLocation
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = if (deployServiceBus) {
  name: 'servicebus'
  params: {
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.serviceBus
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

// Private endpoints (privateEndpoints): one per service sub-resource, with its private DNS zone.
var storageSuffix = environment().suffixes.storage
var privateTargets = concat(
  [
    { name: 'redis', id: redis.outputs.id, group: 'redisEnterprise', zone: 'privatelink.redis.azure.net' }
    { name: 'blob', id: storage.outputs.id, group: 'blob', zone: 'privatelink.blob.${storageSuffix}' }
    { name: 'table', id: storage.outputs.id, group: 'table', zone: 'privatelink.table.${storageSuffix}' }
    { name: 'queue', id: storage.outputs.id, group: 'queue', zone: 'privatelink.queue.${storageSuffix}' }
    { name: 'file', id: storage.outputs.id, group: 'file', zone: 'privatelink.file.${storageSuffix}' }
    { name: 'vault', id: keyVault.outputs.id, group: 'vault', zone: 'privatelink.vaultcore.azure.net' }
    { name: 'search', id: search.outputs.id, group: 'searchService', zone: 'privatelink.search.windows.net' }
  ],
  deployOpenAi ? [{ name: 'openai', id: openAi.outputs.id, group: 'account', zone: 'privatelink.openai.azure.com' }] : []
)

module privateEndpointsFor 'modules/private-endpoint.bicep' = [
  for t in privateTargets: if (endpointsOn) {
    name: 'pe-${t.name}'
    params: {
      name: 'pe-${t.name}-${env}'
      location: location
      tags: tags
      subnetId: network.outputs.endpointSubnetId
      vnetId: network.outputs.vnetId
      targetId: t.id
      groupId: t.group
      dnsZoneName: t.zone
    }
  }
]

// The studio calls the Function App directly; the Function App allows its origin (CORS).
module studio 'modules/static-web-app.bicep' = {
  name: 'static-web-app'
  params: {
    name: names.staticWebApp
    location: staticWebAppLocation
    tags: tags
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    planSku: functionPlanSku
    alwaysReadyInstances: alwaysReadyInstances
    maximumElasticWorkerCount: maximumElasticWorkerCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: keyVault.outputs.name
    keyVaultUri: keyVault.outputs.uri
    databaseUrl: postgres.outputs.databaseUrl
    databaseEntraUser: postgres.outputs.entraUser
    redisUrl: redis.outputs.redisUrl
    redisEntraUser: redis.outputs.entraUser
    searchEndpoint: search.outputs.endpoint
    openAiEndpoint: deployOpenAi ? openAi.outputs.endpoint : ''
    openAiChatDeployment: deployOpenAi ? openAi.outputs.chatDeployment : ''
    openAiEmbeddingDeployment: deployOpenAi ? openAi.outputs.embeddingDeployment : ''
    serviceBusNamespace: deployServiceBus ? serviceBus.outputs.fullyQualifiedNamespace : ''
    serviceBusTriggers: serviceBusTriggers
    documentsContainer: documentsContainer
    conversationsTable: conversationsTable
    entraTenantId: entraTenantId
    entraApiAudience: entraApiAudience
    entraApiClientId: entraApiClientId
    entraApiClientSecretName: empty(entraApiClientSecret) ? '' : entraApiSecretName
    entraSpaClientId: entraStudioClientId
    connectorKekSecretName: connectorKekSecretName
    logLevel: logLevel
    workerConcurrency: workerConcurrency
    appSubnetId: privateNetworking ? network.outputs.appSubnetId : ''
    studioOrigin: studio.outputs.origin
    workerInFunctionApp: !deployWorkerContainerApp
  }
}

module workerApp 'modules/worker-container-app.bicep' = if (deployWorkerContainerApp) {
  name: 'worker-container-app'
  params: {
    name: names.workerApp
    environmentName: names.containerAppsEnvironment
    location: location
    tags: tags
    image: workerImage
    identityId: identity.outputs.id
    settings: functionApp.outputs.workerSettings
    redisHost: redis.outputs.hostName
    redisDatabaseId: redis.outputs.databaseId
    queueListName: '{demiton}:queue'
    messagesPerReplica: workerConcurrency
    maxReplicas: workerMaxReplicas
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

output AZURE_LOCATION string = location
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_STATIC_WEB_APP_NAME string = studio.outputs.name
output AZURE_STUDIO_URL string = 'https://${studio.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_POSTGRES_FQDN string = postgres.outputs.fqdn
// Read by the database hook (scripts/azd-hooks.mjs): where to migrate, as whom, and the login to grant.
output AZURE_POSTGRES_DATABASE string = postgres.outputs.databaseName
output AZURE_POSTGRES_ADMIN_USER string = postgres.outputs.adminUser
output AZURE_POSTGRES_APP_USER string = postgres.outputs.entraUser
output AZURE_REDIS_HOST string = redis.outputs.hostName
output AZURE_SEARCH_ENDPOINT string = search.outputs.endpoint
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
