// Service Bus (optional) for event triggers and the `comms` Service Bus adapter. Local (SAS)
// auth is disabled; the identity receives and sends with Entra tokens. Standard tier: topics and
// duplicate detection (the adapter uses the task's idempotency key as message id).
param name string
param location string
param tags object = {}
param principalId string
@description('Queues to create; each starts runs when a trigger names it in SERVICE_BUS_TRIGGERS.')
param queues array = ['demiton-runs']

@description('Log Analytics workspace every diagnostic setting sends to.')
param logAnalyticsWorkspaceId string

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource sbQueues 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = [
  for q in queues: {
    parent: namespace
    name: q
    properties: {
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT1H'
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
    }
  }
]

var roles = {
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for r in items(roles): {
    name: guid(namespace.id, principalId, r.value)
    scope: namespace
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r.value)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource namespaceDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'OperationalLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
