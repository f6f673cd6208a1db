// PostgreSQL Flexible Server. The app signs in with Microsoft Entra tokens (DATABASE_AUTH=entra)
// as its user-assigned managed identity, whose PostgreSQL role is the identity's name.
// Two logins (docs/deploy.md, "Two PostgreSQL logins"): the Entra administrator is the deploying
// principal (azd's AZURE_PRINCIPAL_ID, or the CI service principal), never the app's identity; it
// owns the schema and migrates. The azd `database` hook (scripts/azd-hooks.mjs), signed in as the
// administrator, applies the migrations, creates the app identity's login
// (pgaadauth_create_principal) and grants it `demiton_app` (migration 0004): read/write, read and
// append the audit log, no TRUNCATE, no DDL. Password sign-in is kept for the administrator login
// only (break-glass; its password is in Key Vault, never in an app setting) unless passwordAuth is
// false. privateNetworking puts the server in a delegated subnet with no public endpoint (the hook
// then runs from inside the network); otherwise deployerIp, when set, lets the hook's machine in.
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
@description('Object id of the Entra administrator: the deploying principal, which migrates. Never the app identity.')
param adminPrincipalId string
@description('Name of the administrator (a user\'s UPN, a service principal\'s display name): its PostgreSQL role.')
param adminPrincipalName string
@allowed(['User', 'Group', 'ServicePrincipal'])
param adminPrincipalType string = 'User'
@description('Name of the app\'s managed identity: the PostgreSQL login the app signs in as (DATABASE_ENTRA_USER), member of demiton_app.')
param appIdentityName string
@description('Public IPv4 address the database hook connects from (the deploying machine); empty for none.')
param deployerIp string = ''
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

resource allowDeployer 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (!privateAccess && !empty(deployerIp)) {
  parent: server
  name: 'AllowDeployer'
  properties: { startIpAddress: deployerIp, endIpAddress: deployerIp }
  dependsOn: [allowAzure]
}

resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: adminPrincipalId
  properties: {
    principalType: adminPrincipalType
    principalName: adminPrincipalName
    tenantId: subscription().tenantId
  }
  dependsOn: [database, allowAzure, allowDeployer]
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
output databaseName string = databaseName
// The app's login (created and granted demiton_app by the database hook), not the administrator.
output entraUser string = appIdentityName
output adminUser string = adminPrincipalName
