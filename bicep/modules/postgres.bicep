// PostgreSQL Flexible Server. The app signs in with Microsoft Entra tokens (DATABASE_AUTH=entra):
// the user-assigned managed identity is the server's Entra administrator, so its PostgreSQL role
// is the identity's name and no role has to be created by hand. Password sign-in is kept for the
// administrator login only (break-glass and bootstrap; its password is in Key Vault, never in an
// app setting) unless passwordAuth is false. privateNetworking puts the server in a delegated
// subnet with no public endpoint.
// Two logins (docs/deploy.md, "Two PostgreSQL logins"): the owner migrates (the Entra
// administrator below, or the password administrator), and the app runs as a login that is a
// member of `demiton_app` (migration 0004): read/write, read and append the audit log, no
// TRUNCATE, no DDL. The identity starts as the owner so the first start can migrate; switch
// DATABASE_ENTRA_USER to the app login afterwards.
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
@description('Keep password sign-in for the administrator login (the app never uses it). False: Entra sign-in only.')
param passwordAuth bool = true
param databaseName string = 'demiton'
@description('Managed identity made Entra administrator of the server.')
param identityPrincipalId string
@description('Name of that identity: the PostgreSQL role it signs in as (DATABASE_ENTRA_USER).')
param identityName string
@description('Delegated subnet id; empty for public access with the Azure-services firewall rule.')
param delegatedSubnetId string = ''
param privateDnsZoneId string = ''
param highAvailability bool = false

@description('Log Analytics workspace every diagnostic setting sends to.')
param logAnalyticsWorkspaceId string

var privateAccess = !empty(delegatedSubnetId)

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName, tier: tier }
  properties: {
    version: version
    administratorLogin: passwordAuth ? administratorLogin : null
    administratorLoginPassword: passwordAuth ? administratorPassword : null
    storage: { storageSizeGB: storageGb, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: highAvailability ? 'ZoneRedundant' : 'Disabled' }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: passwordAuth ? 'Enabled' : 'Disabled'
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

resource serverDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: server
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'PostgreSQLLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
// No secret: the app signs in as `entraUser` with a token (TLS verified: sslmode=require is verify-full in node-postgres 8).
output databaseUrl string = 'postgresql://${server.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
output entraUser string = identityName
