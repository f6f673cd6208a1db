import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { AccessTokenUnavailableError } from '../domain/errors';
import { createAccessTokenSource, POSTGRES_TOKEN_SCOPE } from './access-token-source';

/** A credential that hands out `t1`, `t2`, … each living `lifetimeMs` from the fake clock, or fails when told to. */
function fakeCredential(clock: { now: number }, lifetimeMs: number) {
  const state = { calls: 0, fail: false as boolean | 'null', scopes: [] as string[] };
  const credential: TokenCredential = {
    async getToken(scopes): Promise<AccessToken | null> {
      state.calls++;
      state.scopes.push(String(scopes));
      await Promise.resolve();
      if (state.fail === 'null') return null;
      if (state.fail) throw new Error('endpoint down');
      return { token: `t${state.calls}`, expiresOnTimestamp: clock.now + lifetimeMs };
    },
  };
  return { credential, state };
}

describe('access token source', () => {
  const MIN = 60_000;

  it('reuses a token until 5 minutes before it expires, then fetches the next', async () => {
    const clock = { now: 1_000_000 };
    const { credential, state } = fakeCredential(clock, 60 * MIN);
    const tokens = createAccessTokenSource({ credential, scope: POSTGRES_TOKEN_SCOPE, dependency: 'database', now: () => clock.now });
    expect((await tokens.get()).token).toBe('t1');
    expect(tokens.refreshAt()).toBe(1_000_000 + 55 * MIN);
    clock.now += 54 * MIN;
    expect((await tokens.get()).token).toBe('t1');
    clock.now += 1 * MIN + 1;
    expect((await tokens.get()).token).toBe('t2');
    expect(state.calls).toBe(2);
    expect(state.scopes).toEqual([POSTGRES_TOKEN_SCOPE, POSTGRES_TOKEN_SCOPE]);
  });

  it('concurrent callers share one request', async () => {
    const clock = { now: 0 };
    const { credential, state } = fakeCredential(clock, 60 * MIN);
    const tokens = createAccessTokenSource({ credential, scope: 's', dependency: 'queue', now: () => clock.now });
    const got = await Promise.all([tokens.get(), tokens.get(), tokens.get()]);
    expect(got.map((t) => t.token)).toEqual(['t1', 't1', 't1']);
    expect(state.calls).toBe(1);
  });

  it('a failed renewal keeps the token in hand while it is valid, then fails with a typed error', async () => {
    const clock = { now: 0 };
    const { credential, state } = fakeCredential(clock, 60 * MIN);
    const tokens = createAccessTokenSource({
      credential,
      scope: 'https://redis.azure.com/.default',
      dependency: 'queue',
      now: () => clock.now,
    });
    await tokens.get();
    state.fail = true;
    clock.now += 58 * MIN; // inside the margin, not expired
    expect((await tokens.get()).token).toBe('t1');
    clock.now += 2 * MIN; // expired
    const err = await tokens.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessTokenUnavailableError);
    expect(err).toMatchObject({
      code: 'queue_token_unavailable',
      retryable: true,
      scope: 'https://redis.azure.com/.default',
      dependency: 'queue',
    });
    expect((err as Error).message).toMatch(/endpoint down/);
    expect((err as Error).cause).toBeInstanceOf(Error);
    state.fail = false;
    expect((await tokens.get()).token).toMatch(/^t\d+$/);
  });

  it('no token at all (a credential answering null) is the typed error too', async () => {
    const clock = { now: 0 };
    const { credential, state } = fakeCredential(clock, 60 * MIN);
    state.fail = 'null';
    const tokens = createAccessTokenSource({ credential, scope: POSTGRES_TOKEN_SCOPE, dependency: 'database', now: () => clock.now });
    await expect(tokens.get()).rejects.toMatchObject({ code: 'database_token_unavailable' });
  });
});
