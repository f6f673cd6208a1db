import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { devKeyFile, EncryptionKeyError, keyProviderFor, staticKey } from '../connectors/key-provider';
import { keyId, SecretBox, SecretDecryptionError } from './secret-box';

const ORG = '00000000-0000-4000-8000-000000000001';
const ID = '11111111-1111-4111-8111-111111111111';

describe('SecretBox (AES-256-GCM envelope)', () => {
  const kek = randomBytes(32);
  const box = new SecretBox(staticKey(kek));

  it('round-trips secrets and never stores them in clear', async () => {
    const sealed = await box.seal(ORG, ID, { password: 'hunter2-very-secret' });
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect(sealed).toMatchObject({ v: 1, alg: 'A256GCM', kid: keyId(kek) });
    expect(await box.open(ORG, ID, sealed)).toEqual({ password: 'hunter2-very-secret' });
  });

  it('draws a fresh data key per seal', async () => {
    const a = await box.seal(ORG, ID, { p: 'x' });
    const b = await box.seal(ORG, ID, { p: 'x' });
    expect(a.dk).not.toBe(b.dk);
    expect(a.ct).not.toBe(b.ct);
  });

  it('refuses a sealed value moved to another connector or organisation', async () => {
    const sealed = await box.seal(ORG, ID, { p: 'x' });
    await expect(box.open(ORG, '22222222-2222-4222-8222-222222222222', sealed)).rejects.toBeInstanceOf(SecretDecryptionError);
    await expect(box.open('00000000-0000-4000-8000-000000000009', ID, sealed)).rejects.toBeInstanceOf(SecretDecryptionError);
  });

  it('refuses tampered ciphertext', async () => {
    const sealed = await box.seal(ORG, ID, { p: 'x' });
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[ct.length - 1]! ^= 1;
    await expect(box.open(ORG, ID, { ...sealed, ct: ct.toString('base64') })).rejects.toMatchObject({
      code: 'connector_secrets_undecryptable',
    });
  });

  it('names the key mismatch when the configured key changed', async () => {
    const sealed = await box.seal(ORG, ID, { p: 'x' });
    const other = new SecretBox(staticKey(randomBytes(32)));
    await expect(other.open(ORG, ID, sealed)).rejects.toThrow(/sealed with key .* but the configured key is/);
  });
});

describe('key providers', () => {
  it('rejects a configured key that is not 32 bytes', () => {
    expect(() => keyProviderFor({ encryptionKey: randomBytes(16).toString('base64'), keyVault: undefined, devKeyFile: undefined })).toThrow(
      EncryptionKeyError,
    );
  });

  it('development mode generates one key file (0600) and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demiton-key-'));
    try {
      const path = join(dir, 'nested', 'connector-encryption.key');
      const k1 = await devKeyFile(path).key();
      const k2 = await devKeyFile(path).key();
      expect(k1.length).toBe(32);
      expect(k2.equals(k1)).toBe(true);
      expect(Buffer.from(readFileSync(path, 'utf8'), 'base64').equals(k1)).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without any key source, sealing fails with a clear error', async () => {
    const box = new SecretBox(keyProviderFor({ encryptionKey: undefined, keyVault: undefined, devKeyFile: undefined }));
    await expect(box.seal(ORG, ID, { p: 'x' })).rejects.toThrow(/set CONNECTOR_ENCRYPTION_KEY or CONNECTOR_KEY_VAULT_URL/);
  });
});
