// Azure Managed Redis (Microsoft.Cache/redisEnterprise). The data is sharded whatever the policy;
// the Enterprise clustering policy puts a proxy in front, so the app uses one endpoint and the
// single-node client (REDIS_CLUSTER=off), and Entra sign-in works. The proxy, like OSS cluster,
// refuses a script or BLMOVE whose keys span hash slots (CROSSSLOT): every key carries the prefix
// as a hash tag (`{demiton}:…`, shared/queue/redis-keys.ts), so each script's keys share a slot.
// The app signs in with Microsoft Entra tokens of the managed identity (REDIS_AUTH=entra, user =
// its object id): the access policy assignment below gives the identity the built-in 'default'
// policy (all data commands), and access keys are disabled, so no Redis key exists in any setting
// or vault.
param name string
param location string
param tags object = {}
@description('Azure Managed Redis SKU, e.g. Balanced_B0 (smallest), Balanced_B1, MemoryOptimized_M10.')
param skuName string = 'Balanced_B0'
param highAvailability bool = false
@description('Object (principal) id of the managed identity that signs in (REDIS_ENTRA_USER).')
param identityPrincipalId string
@description('Enable access keys for the Container Apps worker\'s KEDA scaler only (it has no Entra sign-in); the app never uses a key.')
param accessKeysForScaler bool = false

@description('Log Analytics workspace every diagnostic setting sends to.')
param logAnalyticsWorkspaceId string

resource cluster 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: highAvailability ? 'Enabled' : 'Disabled'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    // The queue must never lose a message to eviction.
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: accessKeysForScaler ? 'Enabled' : 'Disabled'
  }
}

resource appAccess 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-04-01' = {
  parent: database
  name: 'demitonapp' // 1-60 letters and digits
  properties: {
    accessPolicyName: 'default'
    user: { objectId: identityPrincipalId }
  }
}

resource clusterDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: cluster
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource databaseDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: database
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'ConnectionEvents', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = cluster.name
output hostName string = cluster.properties.hostName
// No secret: the app signs in as the identity with a token over TLS.
output redisUrl string = 'rediss://${cluster.properties.hostName}:10000'
output entraUser string = identityPrincipalId
output databaseId string = database.id
output id string = cluster.id
