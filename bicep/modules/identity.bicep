// The one user-assigned managed identity the Function App runs as. Every data-plane permission
// (storage, Key Vault, Search, OpenAI, Service Bus, App Insights ingestion) is granted to it, so
// no service key has to live in an app setting where the service accepts Entra tokens.
@description('Name of the identity.')
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
