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
param highAvailability bool = false
@allowed(['free', 'basic', 'standard', 'standard2', 'standard3'])
param searchSku string = 'basic'
@description('Put PostgreSQL in a delegated subnet (no public endpoint) and integrate the Function App with the VNet.')
param privateNetworking bool = false

// Optional services
param deployOpenAi bool = false
param openAiLocation string = location
param deployServiceBus bool = false
@description('JSON array of Service Bus triggers, e.g. [{"name":"orders","queue":"demiton-runs","orgId":"…","workflowId":"…"}].')
param serviceBusTriggers string = ''

// Identity
@description('Entra tenant whose users sign in.')
param entraTenantId string = tenant().tenantId
@description('Audience (application id or App ID URI) of the API app registration.')
param entraApiAudience string
@description('Client id of the API app registration (for Microsoft Graph group overage); optional.')
param entraApiClientId string = ''
@secure()
@description('Secret of the API app registration; optional.')
param entraApiClientSecret string = ''
@description('Client id of the studio app registration (single-page application, signs users in with MSAL).')
param entraStudioClientId string
@secure()
@minLength(44)
@maxLength(44)
@description('Key-encryption key for connector secrets: 32 random bytes in base64 (openssl rand -base64 32).')
param connectorEncryptionKey string
@description('Object id of a user or group allowed to manage Key Vault secrets; optional.')
param keyVaultAdminPrincipalId string = ''

var tags = { 'azd-env-name': environmentName, application: 'demiton' }
var suffix = uniqueString(subscription().id, resourceGroup().id, environmentName)
var short = toLower(replace(environmentName, '-', ''))
var documentsContainer = 'demiton-documents'
var conversationsTable = 'demitonconversations'
var connectorKekSecretName = 'demiton-connector-kek'
var entraApiSecretName = 'entra-api-client-secret'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { name: 'id-${environmentName}', location: location, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${environmentName}'
    appInsightsName: 'appi-${environmentName}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: { name: 'vnet-${environmentName}', location: location, tags: tags }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('st${short}${suffix}', 24)
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
    name: take('kv-${short}-${suffix}', 24)
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
    name: 'psql-${environmentName}-${suffix}'
    location: location
    tags: tags
    tier: postgresTier
    skuName: postgresSku
    storageGb: postgresStorageGb
    administratorLogin: postgresAdminLogin
    administratorPassword: postgresAdminPassword
    passwordAuth: postgresPasswordAuth
    identityPrincipalId: identity.outputs.principalId
    identityName: identity.outputs.name
    delegatedSubnetId: privateNetworking ? network.outputs.databaseSubnetId : ''
    privateDnsZoneId: privateNetworking ? network.outputs.postgresDnsZoneId : ''
    highAvailability: highAvailability
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    name: 'redis-${environmentName}-${suffix}'
    location: location
    tags: tags
    skuName: redisSku
    highAvailability: highAvailability
    identityPrincipalId: identity.outputs.principalId
  }
}

module search 'modules/search.bicep' = {
  name: 'search'
  params: {
    name: 'srch-${short}-${suffix}'
    location: location
    tags: tags
    sku: searchSku
    principalId: identity.outputs.principalId
  }
}

module openAi 'modules/openai.bicep' = if (deployOpenAi) {
  name: 'openai'
  params: {
    name: 'oai-${short}-${suffix}'
    location: openAiLocation
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = if (deployServiceBus) {
  name: 'servicebus'
  params: {
    name: 'sb-${short}-${suffix}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: 'func-${environmentName}-${suffix}'
    planName: 'plan-${environmentName}'
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
  }
}

module studio 'modules/static-web-app.bicep' = {
  name: 'static-web-app'
  params: {
    name: 'stapp-${environmentName}-${suffix}'
    location: staticWebAppLocation
    tags: tags
    functionAppId: functionApp.outputs.id
    functionAppLocation: location
  }
}

output AZURE_LOCATION string = location
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_STATIC_WEB_APP_NAME string = studio.outputs.name
output AZURE_STUDIO_URL string = 'https://${studio.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_POSTGRES_FQDN string = postgres.outputs.fqdn
output AZURE_REDIS_HOST string = redis.outputs.hostName
output AZURE_SEARCH_ENDPOINT string = search.outputs.endpoint
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
