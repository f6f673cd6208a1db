import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { type ConfigError } from '../domain/errors';
import { OutboundPolicy } from '../adapters/network-policy';

const production = { ENTRA_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47', ENTRA_API_AUDIENCE: 'api://demiton' };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('connector configuration', () => {
  it('development mode allows private networks and generates a key file in the data directory', () => {
    const c = loadConfig({ DEMITON_DEV_MODE: 'on', DEMITON_DATA_DIR: '/var/lib/demiton' }).connectors;
    expect(c).toEqual({
      encryptionKey: undefined,
      keyVault: undefined,
      devKeyFile: '/var/lib/demiton/connector-encryption.key',
      allowPrivateNetworks: true,
      allowedCidrs: [],
      hostAllowList: { enforce: false, extra: {} },
    });
  });

  it('enforces the per-kind host lists outside development mode, with operator additions', () => {
    expect(loadConfig(production).connectors.hostAllowList).toEqual({ enforce: true, extra: {} });
    expect(loadConfig({ ...production, CONNECTOR_HOST_ALLOWLIST: 'off' }).connectors.hostAllowList.enforce).toBe(false);
    expect(loadConfig({ CONNECTOR_HOST_ALLOWLIST: 'on' }).connectors.hostAllowList.enforce).toBe(true);
    expect(
      loadConfig({
        ...production,
        CONNECTOR_ALLOWED_HOSTS: 'azure-blob=files.contoso.com, azure-service-bus=*.contoso.net,azure-blob=*.blob.contoso.com',
      }).connectors.hostAllowList.extra,
    ).toEqual({
      'azure-blob': ['files.contoso.com', '*.blob.contoso.com'],
      'azure-service-bus': ['*.contoso.net'],
    });
    expect(configError({ CONNECTOR_ALLOWED_HOSTS: 'ftp=files.contoso.com' }).issues[0]!.path).toBe('CONNECTOR_ALLOWED_HOSTS');
    expect(configError({ CONNECTOR_ALLOWED_HOSTS: 'azure-blob=*' }).issues[0]!.path).toBe('CONNECTOR_ALLOWED_HOSTS');
  });

  it('production denies private networks and never generates a key', () => {
    const c = loadConfig(production).connectors;
    expect(c.allowPrivateNetworks).toBe(false);
    expect(c.devKeyFile).toBeUndefined();
    const policy = new OutboundPolicy({ allowPrivate: c.allowPrivateNetworks, allowedCidrs: c.allowedCidrs });
    expect(policy.denialReason('127.0.0.1')).toBe('loopback');
  });

  it('takes a configured key, a Key Vault, and allowed CIDRs', () => {
    const key = randomBytes(32).toString('base64');
    expect(loadConfig({ ...production, CONNECTOR_ENCRYPTION_KEY: key }).connectors.encryptionKey).toBe(key);
    expect(loadConfig({ ...production, CONNECTOR_KEY_VAULT_URL: 'https://demiton-kv.vault.azure.net' }).connectors.keyVault).toEqual({
      url: 'https://demiton-kv.vault.azure.net',
      secretName: 'demiton-connector-kek',
    });
    expect(loadConfig({ ...production, CONNECTOR_ALLOWED_CIDRS: '10.20.0.0/16, fd12:3456::/48' }).connectors.allowedCidrs).toEqual([
      '10.20.0.0/16',
      'fd12:3456::/48',
    ]);
  });

  it('names the variable of a bad key, vault URL or CIDR', () => {
    expect(configError({ CONNECTOR_ENCRYPTION_KEY: randomBytes(16).toString('base64') }).issues).toEqual([
      { path: 'CONNECTOR_ENCRYPTION_KEY', message: expect.stringMatching(/32 bytes in base64/) },
    ]);
    expect(configError({ CONNECTOR_KEY_VAULT_URL: 'http://kv.example.com' }).issues[0]!.path).toBe('CONNECTOR_KEY_VAULT_URL');
    expect(configError({ CONNECTOR_ALLOWED_CIDRS: '10.0.0.0' }).issues[0]).toEqual({
      path: 'CONNECTOR_ALLOWED_CIDRS',
      message: expect.stringMatching(/CIDRs/),
    });
  });
});
