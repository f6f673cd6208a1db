// Optional (deployWorkerContainerApp): the worker as its own Container App, running the same
// build's worker entry (`node --max-old-space-size=1024 dist/functions/worker-main.js`, what
// `npm run worker` starts) from `image`, scaled by KEDA on the length of the Redis queue list
// `{prefix}:queue`. The Function App then runs with DEMITON_WORKER=off and serves only the API,
// so HTTP requests do not share an event loop with up to WORKER_CONCURRENCY runs per instance.
// Each replica stops within the grace (WORKER_SHUTDOWN_GRACE_SECONDS) on SIGTERM, inside the
// termination grace period set here. KEDA's redis scaler has no Entra sign-in, so it reads the
// list length with the database's access key (kept as a Container Apps secret); the worker itself
// signs in with the managed identity like the Function App.
param name string
param environmentName string
param location string
param tags object = {}
@description('Container image with the built app (see docs/deploy.md: `az acr build` of deploy/worker/Dockerfile).')
param image string
param identityId string
@description('Settings of the worker process (the Function App\'s Demiton settings, shared/config.ts envSchema).')
param settings object
@description('Redis host name (Azure Managed Redis) and port, for the scaler.')
param redisHost string
param redisPort int = 10000
@description('Resource id of the Redis database; its access key is read for the KEDA scaler only.')
param redisDatabaseId string
@description('The queue list: `{REDIS_PREFIX}:queue` (every key carries the prefix as a hash tag).')
param queueListName string
@description('Messages waiting per replica before KEDA adds one (about the worker concurrency).')
param messagesPerReplica int = 128
@minValue(0)
param minReplicas int = 1
@minValue(1)
param maxReplicas int = 10
param logAnalyticsWorkspaceId string
@description('Subnet for the Container Apps environment (VNet integration); empty for none.')
param infrastructureSubnetId string = ''

resource managedEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Logs go through the diagnostic setting below (no workspace key in the template).
    appLogsConfiguration: { destination: 'azure-monitor' }
    vnetConfiguration: empty(infrastructureSubnetId) ? null : { infrastructureSubnetId: infrastructureSubnetId, internal: true }
  }
}

resource environmentDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: managedEnvironment
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'ContainerAppConsoleLogs', enabled: true }
      { category: 'ContainerAppSystemLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource worker 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'worker' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    managedEnvironmentId: managedEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      secrets: [{ name: 'redis-scaler-key', value: listKeys(redisDatabaseId, '2025-04-01').primaryKey }]
    }
    template: {
      // SIGTERM, then this long before SIGKILL: the worker's own grace plus hand-back fits inside.
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'worker'
          image: image
          command: ['node', '--max-old-space-size=1024', 'dist/functions/worker-main.js']
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [for s in items(union(settings, { DEMITON_WORKER: 'on', WORKER_SHUTDOWN_GRACE_SECONDS: '20' })): { name: s.key, value: s.value }]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'queue-length'
            custom: {
              type: 'redis'
              metadata: {
                address: '${redisHost}:${redisPort}'
                listName: queueListName
                listLength: string(messagesPerReplica)
                enableTLS: 'true'
              }
              auth: [{ secretRef: 'redis-scaler-key', triggerParameter: 'password' }]
            }
          }
        ]
      }
    }
  }
}

resource workerDiagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'to-log-analytics'
  scope: worker
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = worker.name
