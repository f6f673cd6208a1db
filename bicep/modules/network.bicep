// Private networking (optional): a VNet with a subnet the Function App integrates with and a
// subnet delegated to PostgreSQL, plus the private DNS zone the server registers in, and a subnet
// for the other services' private endpoints.
param name string
param location string
param tags object = {}
param addressPrefix string = '10.40.0.0/16'
param appSubnetPrefix string = '10.40.1.0/24'
param databaseSubnetPrefix string = '10.40.2.0/24'
param endpointSubnetPrefix string = '10.40.3.0/24'

@description('Log Analytics workspace every diagnostic setting sends to.')
param logAnalyticsWorkspaceId string

resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [{ name: 'web', properties: { serviceName: 'Microsoft.Web/serverFarms' } }]
        }
      }
      {
        name: 'database'
        properties: {
          addressPrefix: databaseSubnetPrefix
          delegations: [{ name: 'postgres', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } }]
        }
      }
      {
        // Private endpoints of Redis, Storage, Key Vault, Search and OpenAI (privateEndpoints=true).
        name: 'endpoints'
        properties: { addressPrefix: endpointSubnetPrefix }
      }
    ]
  }
}

resource dnsZone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: '${name}.private.postgres.database.azure.com'
  location: 'global'
  tags: tags
}

resource dnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: dnsZone
  name: 'vnet'
  location: 'global'
  properties: {
    virtualNetwork: { id: vnet.id }
    registrationEnabled: false
  }
}

resource vnetDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: vnet
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output appSubnetId string = vnet.properties.subnets[0].id
output databaseSubnetId string = vnet.properties.subnets[1].id
output postgresDnsZoneId string = dnsZone.id
output vnetId string = vnet.id
output endpointSubnetId string = '${vnet.id}/subnets/endpoints'
