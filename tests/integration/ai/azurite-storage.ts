/**
 * azurite (npm, pure JS) with its Blob and Table services on random loopback ports, in memory,
 * with the well-known development account; returns a connection string for the Azure SDKs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../servers/azurite';

export interface AzuriteStorage {
  connectionString: string;
  blobUrl: string;
  tableUrl: string;
  close(): Promise<void>;
}

/** Starts azurite with blob and table services; resolves with their URLs once both listen. */
export async function startAzuriteStorage(): Promise<AzuriteStorage> {
  const require = createRequire(__filename);
  const bin = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
  // azurite writes a debug/extent folder in its working directory even in memory mode: keep it out of the repo.
  const cwd = mkdtempSync(join(tmpdir(), 'azurite-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      bin,
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      '0',
      '--queueHost',
      '127.0.0.1',
      '--queuePort',
      '0',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const ports = await new Promise<{ blob: string; table: string }>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const blob = /Blob service is successfully listening at (http:\/\/[\d.:]+)/.exec(out)?.[1];
      const table = /Table service is successfully listening at (http:\/\/[\d.:]+)/.exec(out)?.[1];
      if (blob && table) resolve({ blob, table });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`azurite exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`azurite did not start in 30 s: ${out}`)), 30_000).unref();
  });
  const blobUrl = `${ports.blob}/${AZURITE_ACCOUNT}`;
  const tableUrl = `${ports.table}/${AZURITE_ACCOUNT}`;
  return {
    blobUrl,
    tableUrl,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobUrl};TableEndpoint=${tableUrl};`,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
