// A private endpoint for one sub-resource (groupId) of a service, in the VNet's endpoint subnet,
// with the service's private DNS zone linked to the VNet so the usual host name resolves to the
// private address from the Function App (VNet-integrated, all traffic routed through the VNet).
param name string
param location string
param tags object = {}
param subnetId string
param vnetId string
@description('Resource id of the service (Redis, Storage account, Key Vault, Search, OpenAI).')
param targetId string
@description('The sub-resource: redisEnterprise, blob, table, queue, file, vault, searchService, account.')
param groupId string
@description('The private DNS zone of that sub-resource, e.g. privatelink.vaultcore.azure.net.')
param dnsZoneName string

resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: dnsZoneName
  location: 'global'
  tags: tags
}

resource zoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: zone
  name: 'vnet'
  location: 'global'
  properties: {
    virtualNetwork: { id: vnetId }
    registrationEnabled: false
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [{ name: name, properties: { privateLinkServiceId: targetId, groupIds: [groupId] } }]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-09-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [{ name: replace(dnsZoneName, '.', '-'), properties: { privateDnsZoneId: zone.id } }]
  }
}
