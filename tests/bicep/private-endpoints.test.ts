/**
 * The private endpoints option: with privateNetworking and privateEndpoints, Redis, the storage
 * sub-resources the app and the Functions host use, Key Vault, Search and OpenAI get an endpoint
 * in the VNet the Function App is integrated with, each with its private DNS zone; Key Vault,
 * Search and OpenAI then refuse public access.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BICEP = join(resolve(__dirname, '..', '..'), 'bicep');
const main = readFileSync(join(BICEP, 'main.bicep'), 'utf8');

describe('private endpoints option', () => {
  it('needs the VNet and covers every data service the app reaches', () => {
    expect(main).toMatch(/var endpointsOn = privateNetworking && privateEndpoints/);
    const groups = [...main.matchAll(/group: '([^']+)', zone: '([^']+)'/g)].map((m) => [m[1], m[2]]);
    expect(groups).toEqual([
      ['redisEnterprise', 'privatelink.redis.azure.net'],
      ['blob', 'privatelink.blob.${storageSuffix}'],
      ['table', 'privatelink.table.${storageSuffix}'],
      ['queue', 'privatelink.queue.${storageSuffix}'],
      ['file', 'privatelink.file.${storageSuffix}'],
      ['vault', 'privatelink.vaultcore.azure.net'],
      ['searchService', 'privatelink.search.windows.net'],
      ['account', 'privatelink.openai.azure.com'],
    ]);
    expect(main).toMatch(/for t in privateTargets: if \(endpointsOn\)/);
    expect(main).toMatch(/subnetId: network\.outputs\.endpointSubnetId/);
    expect(main).toMatch(/vnetId: network\.outputs\.vnetId/);
  });

  it('turns public access off where the app then goes through the endpoint', () => {
    for (const mod of ['keyVault', 'search', 'openAi'])
      expect(new RegExp(`module ${mod} '[^']+'[^]*?publicNetworkAccess: !endpointsOn`).test(main), mod).toBe(true);
    for (const f of ['keyvault.bicep', 'search.bicep', 'openai.bicep'])
      expect(readFileSync(join(BICEP, 'modules', f), 'utf8')).toMatch(/publicNetworkAccess: publicNetworkAccess \?/);
  });
});
