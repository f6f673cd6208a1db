import { describe, expect, it } from 'vitest';
import { HostAllowList } from './host-allowlist';

describe('per-kind host allow-lists', () => {
  const on = new HostAllowList({ enforce: true, extra: { 'azure-blob': ['files.contoso.com'] } });

  it('matches a wildcard only on a label boundary, never a look-alike', () => {
    expect(on.allows('azure-blob', 'contoso.blob.core.windows.net')).toBe(true);
    expect(on.allows('azure-blob', 'CONTOSO.Blob.Core.Windows.Net.')).toBe(true);
    expect(on.allows('azure-blob', 'blob.core.windows.net')).toBe(false);
    expect(on.allows('azure-blob', 'evilblob.core.windows.net')).toBe(false);
    expect(on.allows('azure-blob', 'contoso.blob.core.windows.net.attacker.example')).toBe(false);
    expect(on.allows('azure-blob', 'contoso.vault.azure.net')).toBe(false);
    expect(on.allows('azure-service-bus', 'contoso.blob.core.windows.net')).toBe(false);
  });

  it('takes operator additions for their kind only, and is open when not enforced', () => {
    expect(on.allows('azure-blob', 'files.contoso.com')).toBe(true);
    expect(on.allows('azure-service-bus', 'files.contoso.com')).toBe(false);
    expect(on.allows('entra-authority', 'login.microsoftonline.us')).toBe(true);
    expect(on.allows('entra-authority', 'login.attacker.example')).toBe(false);
    expect(new HostAllowList({ enforce: false }).allows('azure-blob', '127.0.0.1')).toBe(true);
  });

  it('names the field and host it refuses', () => {
    expect(() => on.assertAllowed([{ kind: 'azure-blob', path: 'settings.accountUrl', host: 'attacker.example' }])).toThrow(
      expect.objectContaining({ code: 'connector_host_not_allowed', path: 'settings.accountUrl', host: 'attacker.example' }),
    );
  });
});
