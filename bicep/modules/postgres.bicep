// PostgreSQL Flexible Server. Entra authentication is on and the managed identity is an Entra
// administrator, so the app can move to token sign-in; password sign-in stays on because the
// database pool reads one DATABASE_URL today (the password lives only in Key Vault).
// privateNetworking puts the server in a delegated subnet with no public endpoint.
param name string
param location string
param tags object = {}
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param tier string = 'Burstable'
param skuName string = 'Standard_B1ms'
@minValue(32)
param storageGb int = 32
@allowed(['16', '17'])
param version string = '16'
param administratorLogin string = 'demiton'
@secure()
param administratorPassword string
param databaseName string = 'demiton'
@description('Managed identity made Entra administrator of the server.')
param identityPrincipalId string
param identityName string
@description('Delegated subnet id; empty for public access with the Azure-services firewall rule.')
param delegatedSubnetId string = ''
param privateDnsZoneId string = ''
param keyVaultName string
param highAvailability bool = false

var privateAccess = !empty(delegatedSubnetId)

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName, tier: tier }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    storage: { storageSizeGB: storageGb, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: highAvailability ? 'ZoneRedundant' : 'Disabled' }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Enabled'
      tenantId: subscription().tenantId
    }
    network: privateAccess
      ? {
          delegatedSubnetResourceId: delegatedSubnetId
          privateDnsZoneArmResourceId: privateDnsZoneId
          publicNetworkAccess: 'Disabled'
        }
      : { publicNetworkAccess: 'Enabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// 0.0.0.0–0.0.0.0 is Azure's "allow Azure services" rule; only without private networking.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (!privateAccess) {
  parent: server
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: identityPrincipalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: identityName
    tenantId: subscription().tenantId
  }
  dependsOn: [database, allowAzure]
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource databaseUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgresql://${administratorLogin}:${uriComponent(administratorPassword)}@${server.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
  }
}

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
output databaseUrlSecretName string = databaseUrl.name
