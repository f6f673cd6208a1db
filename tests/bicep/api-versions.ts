/**
 * Resource API versions the templates may use: GA versions we have deployed with, one or two per
 * type. A new type or version is added here on purpose, after checking the resource reference
 * (https://learn.microsoft.com/azure/templates/); preview versions are never allowed.
 */
export const API_VERSION_ALLOWLIST: Readonly<Record<string, readonly string[]>> = {
  'Microsoft.Authorization/roleAssignments': ['2022-04-01'],
  'Microsoft.Cache/redisEnterprise': ['2025-04-01', '2024-10-01'],
  'Microsoft.Cache/redisEnterprise/databases': ['2025-04-01', '2024-10-01'],
  'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments': ['2025-04-01'],
  'Microsoft.CognitiveServices/accounts': ['2023-05-01', '2024-10-01'],
  'Microsoft.CognitiveServices/accounts/deployments': ['2023-05-01', '2024-10-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers': ['2024-08-01', '2022-12-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers/administrators': ['2024-08-01', '2022-12-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers/databases': ['2024-08-01', '2022-12-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules': ['2024-08-01', '2022-12-01'],
  'Microsoft.Insights/components': ['2020-02-02'],
  'Microsoft.KeyVault/vaults': ['2023-07-01'],
  'Microsoft.KeyVault/vaults/secrets': ['2023-07-01'],
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['2023-01-31'],
  'Microsoft.Network/privateDnsZones': ['2020-06-01'],
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks': ['2020-06-01'],
  'Microsoft.Network/virtualNetworks': ['2023-09-01', '2024-01-01'],
  'Microsoft.OperationalInsights/workspaces': ['2022-10-01', '2023-09-01'],
  'Microsoft.Search/searchServices': ['2023-11-01'],
  'Microsoft.ServiceBus/namespaces': ['2021-11-01'],
  'Microsoft.ServiceBus/namespaces/queues': ['2021-11-01'],
  'Microsoft.Storage/storageAccounts': ['2023-05-01', '2023-01-01'],
  'Microsoft.Storage/storageAccounts/blobServices': ['2023-05-01', '2023-01-01'],
  'Microsoft.Storage/storageAccounts/blobServices/containers': ['2023-05-01', '2023-01-01'],
  'Microsoft.Storage/storageAccounts/tableServices': ['2023-05-01', '2023-01-01'],
  'Microsoft.Storage/storageAccounts/tableServices/tables': ['2023-05-01', '2023-01-01'],
  'Microsoft.Web/serverfarms': ['2023-12-01', '2024-04-01'],
  'Microsoft.Web/sites': ['2023-12-01', '2024-04-01'],
  'Microsoft.Web/staticSites': ['2023-12-01', '2024-04-01'],
  'Microsoft.Web/staticSites/config': ['2023-12-01', '2024-04-01'],
  'Microsoft.Web/staticSites/linkedBackends': ['2023-12-01', '2024-04-01'],
};
