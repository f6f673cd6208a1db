// The studio as a Static Web App. It calls the Function App directly (no linked backend: the
// Static Web Apps proxy replaces the Authorization header it forwards and cuts responses at about
// 45 s, so the Entra token would not arrive and run-event and chat streams would break). The
// Function App allows this site's origin by CORS (function-app.bicep, `studioOrigin`); the
// studio's CSP connect-src and /config.json get the Function App's address at deploy time
// (studio/scripts/deploy-config.mjs). Users sign in with Entra ID in the browser (MSAL, the
// studio app registration, a public client with no secret); the studio reads the client id from
// the API's /api/auth/config.
param name string
@description('Static Web Apps run in a few regions only: westus2, centralus, eastus2, westeurope, eastasia.')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param location string
param tags object = {}

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

output name string = site.name
output defaultHostName string = site.properties.defaultHostname
output origin string = 'https://${site.properties.defaultHostname}'
