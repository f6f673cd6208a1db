/**
 * Envelope encryption of connector secrets with AES-256-GCM. Each seal draws a fresh 256-bit data
 * key, encrypts the secrets with it, and wraps the data key with the key-encryption key (KEK) from
 * configuration or Azure Key Vault. The connector's org and id are bound as additional
 * authenticated data, so a sealed value copied onto another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DemitonError } from '../domain/errors';

/** What is stored in `connectors.sealed_secrets`. */
export interface SealedSecrets {
  v: 1;
  alg: 'A256GCM';
  /** Identifies the KEK that wrapped the data key (a hash prefix, not the key). */
  kid: string;
  /** The data key, wrapped: base64 of iv(12) | tag(16) | ciphertext(32). */
  dk: string;
  /** The secrets JSON: base64 of iv(12) | tag(16) | ciphertext. */
  ct: string;
}

/** Secrets could not be decrypted (wrong key, tampered row). Not retryable. */
export class SecretDecryptionError extends DemitonError {
  readonly code = 'connector_secrets_undecryptable';
  constructor(
    readonly connectorId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The secrets of connector ${connectorId} cannot be decrypted: ${reason}.`, options);
  }
}

/** Supplies the key-encryption key. */
export interface KeyProvider {
  /** The 32-byte KEK. */
  key(): Promise<Buffer>;
}

/** The id of a KEK as stored beside sealed values: the first 8 bytes of its SHA-256, hex. */
export function keyId(kek: Buffer): string {
  return createHash('sha256').update(kek).digest('hex').slice(0, 16);
}

function encrypt(key: Buffer, plain: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]);
}

function decrypt(key: Buffer, packed: Buffer, aad: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, packed.subarray(0, 12));
  d.setAAD(aad);
  d.setAuthTag(packed.subarray(12, 28));
  return Buffer.concat([d.update(packed.subarray(28)), d.final()]);
}

const aadFor = (orgId: string, connectorId: string) => Buffer.from(`demiton:connector:${orgId}:${connectorId}`);

/** Seals and opens connector secrets with a KEK from a provider. */
export class SecretBox {
  constructor(private readonly keys: KeyProvider) {}

  /** Encrypts `secrets` for one connector row. */
  async seal(orgId: string, connectorId: string, secrets: Record<string, unknown>): Promise<SealedSecrets> {
    const kek = await this.keys.key();
    const dataKey = randomBytes(32);
    const aad = aadFor(orgId, connectorId);
    try {
      return {
        v: 1,
        alg: 'A256GCM',
        kid: keyId(kek),
        dk: encrypt(kek, dataKey, aad).toString('base64'),
        ct: encrypt(dataKey, Buffer.from(JSON.stringify(secrets)), aad).toString('base64'),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Decrypts the secrets of one connector row. */
  async open(orgId: string, connectorId: string, sealed: SealedSecrets): Promise<Record<string, unknown>> {
    const kek = await this.keys.key();
    if (sealed.v !== 1 || sealed.alg !== 'A256GCM')
      throw new SecretDecryptionError(connectorId, `unknown envelope version ${String(sealed.v)}`);
    if (sealed.kid !== keyId(kek))
      throw new SecretDecryptionError(connectorId, `they were sealed with key ${sealed.kid}, but the configured key is ${keyId(kek)}`);
    const aad = aadFor(orgId, connectorId);
    let dataKey: Buffer | undefined;
    try {
      dataKey = decrypt(kek, Buffer.from(sealed.dk, 'base64'), aad);
      return JSON.parse(decrypt(dataKey, Buffer.from(sealed.ct, 'base64'), aad).toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new SecretDecryptionError(connectorId, 'authentication failed (tampered or moved row)', { cause: err });
    } finally {
      dataKey?.fill(0);
    }
  }
}
