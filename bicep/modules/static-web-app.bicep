// The studio as a Static Web App (Standard: linked backends and custom Entra sign-in need it).
// /api/* is proxied to the linked Function App; sign-in uses the Entra app registration named in
// staticwebapp.config.json through the AZURE_CLIENT_ID / AZURE_CLIENT_SECRET settings below.
param name string
@description('Static Web Apps run in a few regions only: westus2, centralus, eastus2, westeurope, eastasia.')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param location string
param tags object = {}
param functionAppId string
param functionAppLocation string
param entraTenantId string
@description('Application (client) id of the studio sign-in app registration.')
param entraClientId string
@secure()
param entraClientSecret string

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

resource settings 'Microsoft.Web/staticSites/config@2023-12-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AZURE_CLIENT_ID: entraClientId
    AZURE_CLIENT_SECRET: entraClientSecret
    ENTRA_TENANT_ID: entraTenantId
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostname
