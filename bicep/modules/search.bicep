// Azure AI Search with Entra (RBAC) access only: the identity gets index data and service
// contributor roles, no admin key reaches the app.
param name string
param location string
param tags object = {}
@allowed(['free', 'basic', 'standard', 'standard2', 'standard3'])
param sku string = 'basic'
param replicaCount int = 1
param partitionCount int = 1
param principalId string

@description('Log Analytics workspace every diagnostic setting sends to.')
param logAnalyticsWorkspaceId string

@description('False once a private endpoint serves the app (privateEndpoints).')
param publicNetworkAccess bool = true

resource search 'Microsoft.Search/searchServices@2023-11-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: sku }
  properties: {
    replicaCount: replicaCount
    partitionCount: partitionCount
    hostingMode: 'default'
    publicNetworkAccess: publicNetworkAccess ? 'enabled' : 'disabled'
    disableLocalAuth: true
  }
}

var roles = {
  searchIndexDataContributor: '8ebe5a00-799e-43f5-93ac-243d3dce84a7'
  searchServiceContributor: '7ca78c08-252a-4471-8644-bb5ff32d4ba0'
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for r in items(roles): {
    name: guid(search.id, principalId, r.value)
    scope: search
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r.value)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource searchDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: search
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'OperationLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = search.name
output endpoint string = 'https://${search.name}.search.windows.net'
output id string = search.id
