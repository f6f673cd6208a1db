import { describe, expect, it } from 'vitest';
import { destinationChanges, destinationOf, isCredentialUrl, openSettings, sealSettings } from './sealed-settings';

describe('settings that are credentials in all but name', () => {
  it('recognises URLs with userinfo or credential-looking query parameters', () => {
    expect(isCredentialUrl('https://user:pw@erp.example.com/')).toBe(true);
    expect(isCredentialUrl('https://acct.blob.core.windows.net/c?sv=2024&sig=abc')).toBe(true);
    expect(
      isCredentialUrl('https://prod.logic.azure.com/workflows/x/triggers/manual/paths/invoke?api-version=2016&sp=%2F&sv=1.0&sig=abc'),
    ).toBe(true);
    expect(isCredentialUrl('https://hooks.example.com/x?access_token=abc')).toBe(true);
    expect(isCredentialUrl('https://erp.example.com/api/v2.0?company=contoso')).toBe(false);
    expect(isCredentialUrl('not a url')).toBe(false);
  });

  it('seals them (with a declared webhook URL and header values) and puts them back', () => {
    const reg = { sensitiveSettings: ['url'] } as never;
    const settings = {
      url: 'https://hooks.slack.com/services/T/B/X',
      headers: { 'X-Token': 'h' },
      auth: { type: 'oauth2-client-credentials', tokenUrl: 'https://idp.example.com/token?code=c' },
      timeoutMs: 5,
    };
    const { visible, sealed } = sealSettings(reg, settings);
    expect(visible).toEqual({
      url: 'https://hooks.slack.com/[sealed]',
      headers: { 'X-Token': '[sealed]' },
      auth: { type: 'oauth2-client-credentials', tokenUrl: 'https://idp.example.com/[sealed]' },
      timeoutMs: 5,
    });
    expect(Object.keys(sealed).sort()).toEqual(['settings.auth.tokenUrl', 'settings.headers', 'settings.url']);
    expect(openSettings(visible, { ...sealed, token: 't' })).toEqual({ settings, secrets: { token: 't' } });
  });
});

describe('where secrets go', () => {
  const before = destinationOf({
    systemType: 'http',
    settings: { baseUrl: 'https://erp.example.com/api', auth: { type: 'bearer', tokenUrl: 'https://idp.example.com/t' }, timeoutMs: 5 },
  });

  it('changes with a URL origin, nested token URL, host, port, tenant or type, not with a path or timeout', () => {
    const same = destinationOf({
      systemType: 'http',
      settings: {
        baseUrl: 'https://ERP.example.com/other',
        auth: { type: 'bearer', tokenUrl: 'https://idp.example.com/t2' },
        timeoutMs: 9,
      },
    });
    expect(destinationChanges(before, same)).toEqual([]);
    expect(
      destinationChanges(
        before,
        destinationOf({
          systemType: 'http',
          settings: { baseUrl: 'https://erp.example.com:8443/api', auth: { type: 'bearer', tokenUrl: 'https://idp.example.com/t' } },
        }),
      ),
    ).toEqual(['baseUrl']);
    expect(
      destinationChanges(
        before,
        destinationOf({
          systemType: 'http',
          settings: { baseUrl: 'https://erp.example.com/api', auth: { type: 'bearer', tokenUrl: 'https://attacker.example/t' } },
        }),
      ),
    ).toEqual(['auth.tokenUrl']);
    expect(
      destinationChanges(destinationOf({ settings: { host: 'a', port: 1 } }), destinationOf({ settings: { host: 'a', port: 2 } })),
    ).toEqual(['port']);
    expect(destinationChanges(destinationOf({ settings: { tenantId: 'x' } }), destinationOf({ settings: { tenantId: 'y' } }))).toEqual([
      'tenantId',
    ]);
    expect(
      destinationChanges(destinationOf({ systemType: 'smtp', settings: {} }), destinationOf({ systemType: 'http', settings: {} })),
    ).toEqual(['systemType']);
  });
});
