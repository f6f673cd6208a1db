import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('replaces secret-named values at any depth and keeps everything else', () => {
    const input = {
      name: 'wf',
      settings: { host: 'db', port: 5432, password: 'p', clientSecret: 's', api_key: 'k', sasToken: 't', maxTokens: 10 },
      secrets: { a: 'x', b: null },
      list: [{ authorization: 'Bearer x', cookie: 'c', value: 1 }],
      credentials: { user: 'u', key: 'v' },
    };
    expect(redactSecrets(input)).toEqual({
      name: 'wf',
      settings: {
        host: 'db',
        port: 5432,
        password: REDACTED,
        clientSecret: REDACTED,
        api_key: REDACTED,
        sasToken: REDACTED,
        maxTokens: 10,
      },
      secrets: REDACTED,
      list: [{ authorization: REDACTED, cookie: REDACTED, value: 1 }],
      credentials: REDACTED,
    });
  });

  it('leaves null secrets as null and does not touch the input', () => {
    const input = { password: null, nested: { token: 'x' } };
    expect(redactSecrets(input)).toEqual({ password: null, nested: { token: REDACTED } });
    expect(input.nested.token).toBe('x');
  });
});
