/**
 * Diagnostic settings: every resource the templates create whose type Azure Monitor can collect
 * from sends its logs and metrics to the Log Analytics workspace (a `diagnosticSettings` resource
 * scoped to it, in the same file). A type new to the templates must be put in one of the two
 * lists below, so it is decided on, not forgotten.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBicep, property, type SyntaxNode } from './bicep-source';

const MODULES = join(resolve(__dirname, '..', '..'), 'bicep', 'modules');

/** Types that offer diagnostic settings. */
const COLLECTED = new Set([
  'Microsoft.Web/serverfarms',
  'Microsoft.Web/sites',
  'Microsoft.KeyVault/vaults',
  'Microsoft.CognitiveServices/accounts',
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.Cache/redisEnterprise',
  'Microsoft.Cache/redisEnterprise/databases',
  'Microsoft.Search/searchServices',
  'Microsoft.ServiceBus/namespaces',
  'Microsoft.Storage/storageAccounts',
  'Microsoft.Storage/storageAccounts/blobServices',
  'Microsoft.Storage/storageAccounts/tableServices',
  'Microsoft.Network/virtualNetworks',
  'Microsoft.OperationalInsights/workspaces',
  'Microsoft.Insights/components',
  'Microsoft.App/managedEnvironments',
  'Microsoft.App/containerApps',
]);

/** Types without diagnostic settings (child objects, assignments, or none offered). */
const NOT_COLLECTED = new Set([
  'Microsoft.Authorization/roleAssignments',
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  'Microsoft.Web/staticSites',
  'Microsoft.KeyVault/vaults/secrets',
  'Microsoft.CognitiveServices/accounts/deployments',
  'Microsoft.DBforPostgreSQL/flexibleServers/databases',
  'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules',
  'Microsoft.DBforPostgreSQL/flexibleServers/administrators',
  'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments',
  'Microsoft.ServiceBus/namespaces/queues',
  'Microsoft.Storage/storageAccounts/blobServices/containers',
  'Microsoft.Storage/storageAccounts/tableServices/tables',
  'Microsoft.Network/privateDnsZones',
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
  'Microsoft.Network/privateEndpoints',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
  'Microsoft.Insights/diagnosticSettings',
]);

function problems(file: string, root: SyntaxNode): string[] {
  const decls = root.namedChildren.filter((n) => n.type === 'resource_declaration');
  const scoped = new Map<string, SyntaxNode>();
  for (const d of decls) {
    if (!d.text.includes("'Microsoft.Insights/diagnosticSettings@")) continue;
    const body = d.namedChildren.find((c) => c.type === 'object') ?? null;
    const scope = property(body, 'scope')?.text;
    if (scope) scoped.set(scope, body!);
  }
  const out: string[] = [];
  for (const d of decls) {
    const symbol = d.namedChildren[0]!.text;
    const type = /'([^'@]+)@/.exec(d.namedChildren[1]!.text)?.[1] ?? '';
    if (/^resource\s+\S+\s+'[^']*'\s+existing\b/.test(d.text)) continue;
    if (NOT_COLLECTED.has(type)) continue;
    if (!COLLECTED.has(type)) {
      out.push(`${file}: ${symbol} (${type}): add the type to COLLECTED or NOT_COLLECTED in tests/bicep/diagnostics.test.ts`);
      continue;
    }
    const setting = scoped.get(symbol);
    if (!setting) out.push(`${file}: ${symbol} (${type}) has no diagnostic setting`);
    else if (!/workspaceId: (logAnalyticsWorkspaceId|workspace\.id)/.test(setting.text))
      out.push(`${file}: ${symbol}'s diagnostic setting does not send to the workspace`);
  }
  return out;
}

describe('diagnostic settings to Log Analytics', () => {
  const files = readdirSync(MODULES).filter((f) => f.endsWith('.bicep'));

  it('every resource that offers them has one, sending to the workspace', () => {
    expect(files.flatMap((f) => problems(f, parseBicep(readFileSync(join(MODULES, f), 'utf8'))))).toEqual([]);
  });

  it('the check fails for a resource without one, and for an undecided type', () => {
    const t = parseBicep(
      "resource v 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'v' }\nresource x 'Contoso.New/things@2024-01-01' = { name: 'x' }",
    );
    const p = problems('x.bicep', t);
    expect(p.join('\n')).toMatch(/v \(Microsoft.KeyVault\/vaults\) has no diagnostic setting/);
    expect(p.join('\n')).toMatch(/Contoso.New\/things\): add the type/);
  });
});
