// The studio as a Static Web App (Standard: linked backends need it). /api/* is proxied to the
// linked Function App. Users sign in with Entra ID in the browser (MSAL, the studio app
// registration, a public client with no secret); the studio reads the client id from
// /api/auth/config, which the Function App serves from ENTRA_SPA_CLIENT_ID.
param name string
@description('Static Web Apps run in a few regions only: westus2, centralus, eastus2, westeurope, eastasia.')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param location string
param tags object = {}
param functionAppId string
param functionAppLocation string

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'studio' })
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Enabled'
  }
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2023-12-01' = {
  parent: site
  name: 'api'
  properties: {
    backendResourceId: functionAppId
    region: functionAppLocation
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostname
