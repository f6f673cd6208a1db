/**
 * Where the connector key-encryption key comes from: configuration (CONNECTOR_ENCRYPTION_KEY),
 * Azure Key Vault (a secret holding the base64 key, read once with the managed identity), or, in
 * development mode only, a key generated on first use into the data directory.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import type { SecretClient as SecretClientType } from '@azure/keyvault-secrets';
import { DemitonError } from '../domain/errors';
import type { KeyProvider } from '../store/secret-box';

/** The key-encryption key is missing or malformed. */
export class EncryptionKeyError extends DemitonError {
  readonly code = 'connector_key_unavailable';
  override readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? false;
  }
}

function parseKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new EncryptionKeyError(`${source} must be 32 bytes in base64 (got ${key.length} bytes).`);
  return key;
}

/** A key given directly (from configuration). */
export function staticKey(key: Buffer): KeyProvider {
  if (key.length !== 32) throw new EncryptionKeyError(`The connector encryption key must be 32 bytes (got ${key.length}).`);
  return { key: async () => key };
}

/**
 * Development mode: a key file in the data directory, created (0600) on first use. Losing the
 * file makes stored connector secrets unreadable; production must configure a key instead.
 */
export function devKeyFile(path: string): KeyProvider {
  let cached: Buffer | undefined;
  return {
    async key() {
      if (cached) return cached;
      try {
        cached = parseKey(readFileSync(path, 'utf8'), path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        mkdirSync(dirname(path), { recursive: true });
        try {
          // 'wx': of two processes starting at once, one writes and the other reads its key.
          writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        cached = parseKey(readFileSync(path, 'utf8'), path);
      }
      return cached;
    },
  };
}

type TokenCredential = ConstructorParameters<typeof SecretClientType>[1];

/** How the Key Vault client authenticates and connects; production uses the defaults. */
export interface KeyVaultClientOptions {
  /** Default: DefaultAzureCredential (the Function App's managed identity). */
  credential?: TokenCredential;
  /** Default: Node's global agent. Tests pass one that trusts their loopback server's certificate. */
  agent?: Agent;
}

/** Azure Key Vault: the secret `secretName` holds the base64 key; read once (then cached). */
export function keyVaultKey(vaultUrl: string, secretName: string, options: KeyVaultClientOptions = {}): KeyProvider {
  let pending: Promise<Buffer> | undefined;
  const load = async (): Promise<Buffer> => {
    const { SecretClient } = await import('@azure/keyvault-secrets');
    const credential = options.credential ?? new (await import('@azure/identity')).DefaultAzureCredential();
    const client = new SecretClient(vaultUrl, credential, {
      retryOptions: { maxRetries: 1 },
      ...(options.agent ? { agent: options.agent } : {}),
    });
    let value: string | undefined;
    try {
      value = (await client.getSecret(secretName)).value;
    } catch (err) {
      throw new EncryptionKeyError(`Reading secret '${secretName}' from Key Vault ${vaultUrl} failed: ${(err as Error).message}`, {
        cause: err,
        retryable: true,
      });
    }
    if (!value) throw new EncryptionKeyError(`Key Vault secret '${secretName}' is empty.`);
    return parseKey(value, `Key Vault secret '${secretName}'`);
  };
  return {
    key() {
      // A failed read is not cached: the next call tries the vault again.
      pending ??= load().catch((err) => {
        pending = undefined;
        throw err;
      });
      return pending;
    },
  };
}

/** The connector key settings from `Config`. */
export interface ConnectorKeyConfig {
  encryptionKey: string | undefined;
  keyVault: { url: string; secretName: string } | undefined;
  devKeyFile: string | undefined;
}

/** Picks the key provider for a configuration; throws when none is configured outside development mode. */
export function keyProviderFor(c: ConnectorKeyConfig): KeyProvider {
  if (c.encryptionKey) return staticKey(parseKey(c.encryptionKey, 'CONNECTOR_ENCRYPTION_KEY'));
  if (c.keyVault) return keyVaultKey(c.keyVault.url, c.keyVault.secretName);
  if (c.devKeyFile) return devKeyFile(c.devKeyFile);
  return {
    key: async () => {
      throw new EncryptionKeyError('No connector encryption key: set CONNECTOR_ENCRYPTION_KEY or CONNECTOR_KEY_VAULT_URL.');
    },
  };
}
