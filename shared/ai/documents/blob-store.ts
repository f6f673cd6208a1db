/**
 * Where uploaded files are kept: Azure Blob Storage (azurite locally) or, when no storage account
 * is configured, files under the data directory. Keys are `{orgId}/{documentId}/{fileName}`.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import type { StorageAccount } from '../../ai-config';
import { toAiServiceError } from '../ai-errors';

export interface BlobStore {
  readonly kind: 'blob' | 'files';
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

/** A blob service client from a connection string or an account name with a token credential. */
export function blobServiceClient(account: StorageAccount, credential: () => TokenCredential): BlobServiceClient {
  return account.kind === 'connection-string'
    ? BlobServiceClient.fromConnectionString(account.connectionString)
    : new BlobServiceClient(`https://${account.accountName}.blob.core.windows.net`, credential());
}

/** Blobs in one container, created on first use. */
export function createAzureBlobStore(service: BlobServiceClient, containerName: string): BlobStore {
  const container = service.getContainerClient(containerName);
  let ready: Promise<unknown> | null = null;
  const ensure = () =>
    (ready ??= container.createIfNotExists().catch((err) => {
      ready = null;
      throw err;
    }));
  const wrap = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      await ensure();
      return await fn();
    } catch (err) {
      throw toAiServiceError(err, 'azure-blob-storage', 'storage');
    }
  };
  return {
    kind: 'blob',
    put: (key, bytes, contentType) =>
      wrap(
        async () => void (await container.getBlockBlobClient(key).uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } })),
      ),
    get: (key) => wrap(() => container.getBlockBlobClient(key).downloadToBuffer()),
    delete: (key) => wrap(async () => void (await container.getBlockBlobClient(key).deleteIfExists())),
  };
}

/** Files under `dir` (development without Azure Storage). */
export function createFileBlobStore(dir: string): BlobStore {
  const root = resolve(dir);
  const path = (key: string) => {
    const p = resolve(join(root, key));
    // Keys are built from uuids and a sanitised file name; refuse anything that escapes the root anyway.
    if (!p.startsWith(root + '/')) throw new Error(`blob key escapes the documents directory: ${key}`);
    return p;
  };
  return {
    kind: 'files',
    async put(key, bytes) {
      const p = path(key);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, bytes);
    },
    get: (key) => readFile(path(key)),
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}
