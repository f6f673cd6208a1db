// Azure Managed Redis (Microsoft.Cache/redisEnterprise). EnterpriseCluster policy gives one
// endpoint, so the single-node ioredis client and BLMOVE work unchanged. The work queue signs in
// with the access key, kept only in Key Vault: Entra sign-in to Redis needs a token refreshed
// every hour by the client, which the queue client does not do yet.
param name string
param location string
param tags object = {}
@description('Azure Managed Redis SKU, e.g. Balanced_B0 (smallest), Balanced_B1, MemoryOptimized_M10.')
param skuName string = 'Balanced_B0'
param highAvailability bool = false
param keyVaultName string

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
    accessKeysAuthentication: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource redisUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-url'
  properties: {
    value: 'rediss://:${uriComponent(database.listKeys().primaryKey)}@${cluster.properties.hostName}:10000'
  }
}

output name string = cluster.name
output hostName string = cluster.properties.hostName
output redisUrlSecretName string = redisUrl.name
