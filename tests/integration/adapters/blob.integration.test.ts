/** The Azure Blob adapter (@azure/storage-blob, the production SDK) against azurite on a random port. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type AzuriteFixture } from '../../servers/azurite';
import { createDefaultRegistry } from '../../../shared/adapters/registry';
import { OutboundPolicy } from '../../../shared/adapters/network-policy';
import { adapterFor, callOp, devRegistry, prodRegistry } from './adapter-harness';

let azurite: AzuriteFixture;
beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);
afterAll(() => azurite?.close());

const blob = (extra: Record<string, unknown> = {}, secrets: Record<string, string> = { accountKey: AZURITE_KEY }) =>
  adapterFor({
    systemType: 'azure-blob',
    settings: { accountUrl: azurite.accountUrl, accountName: AZURITE_ACCOUNT, container: 'artifacts', createContainer: true, ...extra },
    secrets,
  });

describe('Azure Blob adapter (azurite)', () => {
  it('writes, reads and lists artifacts', async () => {
    const put = await callOp(blob(), 'putArtifact', {
      name: 'runs/r1/summary.json',
      content: '{"orders":42}',
      contentType: 'application/json',
    });
    expect(put).toMatchObject({ name: 'runs/r1/summary.json', size: 13, etag: expect.any(String) });
    await callOp(blob(), 'putArtifact', {
      name: 'runs/r1/raw.bin',
      content: Buffer.from([0, 1, 2, 255]).toString('base64'),
      encoding: 'base64',
    });
    await callOp(blob(), 'putArtifact', { name: 'runs/r2/summary.json', content: '{}' });
    const got = await callOp(blob(), 'getArtifact', { name: 'runs/r1/summary.json' });
    expect(got).toMatchObject({ content: '{"orders":42}', contentType: 'application/json', size: 13 });
    const bin = await callOp(blob(), 'getArtifact', { name: 'runs/r1/raw.bin', encoding: 'base64' });
    expect([...Buffer.from(bin.content, 'base64')]).toEqual([0, 1, 2, 255]);
    const list = await callOp(blob(), 'listArtifacts', { prefix: 'runs/r1/' });
    expect(list.items.map((i: { name: string }) => i.name)).toEqual(['runs/r1/raw.bin', 'runs/r1/summary.json']);
  });

  it('returns null for a missing blob; delete is idempotent', async () => {
    expect(await callOp(blob(), 'getArtifact', { name: 'nope.txt' })).toBeNull();
    await callOp(blob(), 'putArtifact', { name: 'tmp.txt', content: 'x' });
    expect(await callOp(blob(), 'deleteArtifact', { name: 'tmp.txt' })).toEqual({ name: 'tmp.txt', deleted: true });
    expect(await callOp(blob(), 'deleteArtifact', { name: 'tmp.txt' })).toEqual({ name: 'tmp.txt', deleted: false });
  });

  it('reports a wrong account key with the service’s error', async () => {
    const wrong = blob({}, { accountKey: Buffer.alloc(64, 7).toString('base64') });
    const err = await callOp(wrong, 'putArtifact', { name: 'x.txt', content: 'x' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'azure_blob_http_403', status: 403, retryable: false });
    expect(err.message).toMatch(/AuthorizationFailure|Server failed to authenticate/);
  });

  it('tests the connection, and names a missing container', async () => {
    await callOp(blob(), 'putArtifact', { name: 'probe.txt', content: 'x' });
    await expect(blob().testConnection!(new AbortController().signal)).resolves.toMatchObject({
      ok: true,
      detail: "container 'artifacts' reachable",
    });
    await expect(
      blob({ container: 'missing-one', createContainer: false }).testConnection!(new AbortController().signal),
    ).rejects.toMatchObject({ code: 'azure_blob_container_missing' });
  });

  it('is refused by the production policy', async () => {
    const a = prodRegistry.getAdapter({
      id: 'x',
      name: 'b',
      systemType: 'azure-blob',
      settings: { accountUrl: azurite.accountUrl, accountName: AZURITE_ACCOUNT, container: 'artifacts' },
      secrets: { accountKey: AZURITE_KEY },
    });
    await expect(callOp(a, 'listArtifacts', {})).rejects.toMatchObject({ code: 'outbound_address_blocked' });
  });

  it('checks the address the SDK’s socket connects to (a name that turns into 127.0.0.1 is refused)', async () => {
    const port = new URL(azurite.accountUrl).port;
    const rebinding = createDefaultRegistry({
      network: new OutboundPolicy({ allowPrivate: false }, async () => [{ address: '127.0.0.1', family: 4 }]),
    });
    const a = rebinding.getAdapter({
      id: 'x',
      name: 'b',
      systemType: 'azure-blob',
      settings: {
        accountUrl: `http://storage.example.com:${port}/${AZURITE_ACCOUNT}`,
        accountName: AZURITE_ACCOUNT,
        container: 'artifacts',
      },
      secrets: { accountKey: AZURITE_KEY },
    });
    const err = await callOp(a, 'listArtifacts', {}).catch((e) => e);
    expect(err).toMatchObject({ code: 'outbound_address_blocked', retryable: false });
    expect(err.message).toContain("'storage.example.com' (127.0.0.1) is not allowed: loopback");
  });

  it('is inferred from a blob.core.windows.net account URL', () => {
    expect(
      devRegistry.resolve({ id: 'x', name: 'b', settings: { accountUrl: 'https://contoso.blob.core.windows.net' }, secrets: {} })
        .registration.systemType,
    ).toBe('azure-blob');
  });
});
