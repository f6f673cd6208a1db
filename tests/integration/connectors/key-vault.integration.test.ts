/**
 * The connector key-encryption key read from Azure Key Vault by the real SecretClient, against a
 * loopback HTTPS server speaking the Key Vault protocol (bearer challenge, secret bundle, errors).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyVaultKey } from '../../../shared/connectors/key-provider';
import { SecretBox } from '../../../shared/store/secret-box';
import { startKeyVault, type KeyVaultFixture } from '../../servers/key-vault-server';

const KEK = randomBytes(32);
let kv: KeyVaultFixture;
const scopes: string[] = [];
// Stands in for the managed identity: hands out the token the fixture accepts and records the scope asked for.
const credential = {
  async getToken(s: string | string[]) {
    scopes.push(...(Array.isArray(s) ? s : [s]));
    return { token: kv.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

beforeAll(async () => {
  kv = await startKeyVault({ 'demiton-connector-kek': KEK.toString('base64'), 'short-key': randomBytes(16).toString('base64') });
});
afterAll(() => kv?.close());

const agent = () => kv.agent();

describe('key-encryption key from Azure Key Vault', () => {
  it('reads the key through the bearer challenge and seals/opens with it', async () => {
    const provider = keyVaultKey(kv.vaultUrl, 'demiton-connector-kek', { credential, agent: agent() });
    expect((await provider.key()).equals(KEK)).toBe(true);
    expect(scopes).toContain('https://vault.azure.net/.default');
    // First the unauthenticated request that draws the challenge, then the authorised one.
    expect(kv.requests.map((r) => [r.path, r.authorization ? 'bearer' : 'none'])).toEqual([
      ['/secrets/demiton-connector-kek/', 'none'],
      ['/secrets/demiton-connector-kek/', 'bearer'],
    ]);
    const box = new SecretBox(provider);
    const sealed = await box.seal('org', 'conn', { password: 'x' });
    expect(await box.open('org', 'conn', sealed)).toEqual({ password: 'x' });
    // Read once: sealing and opening did not go back to the vault.
    expect(kv.requests).toHaveLength(2);
  });

  it('reports a missing secret with the vault’s error, and retries on the next use', async () => {
    const provider = keyVaultKey(kv.vaultUrl, 'not-there', { credential, agent: agent() });
    const err = await provider.key().catch((e) => e);
    expect(err).toMatchObject({ code: 'connector_key_unavailable', retryable: true });
    expect(err.message).toMatch(/Reading secret 'not-there' from Key Vault .* failed: A secret with \(name\/id\) not-there was not found/);
    kv.secrets.set('not-there', KEK.toString('base64'));
    expect((await provider.key()).equals(KEK)).toBe(true);
  });

  it('refuses a secret that is not a 32-byte key', async () => {
    await expect(keyVaultKey(kv.vaultUrl, 'short-key', { credential, agent: agent() }).key()).rejects.toThrow(
      /must be 32 bytes in base64 \(got 16 bytes\)/,
    );
  });
});
