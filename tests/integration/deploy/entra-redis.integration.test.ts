/**
 * Redis sign-in with Microsoft Entra tokens of the managed identity (REDIS_AUTH=entra), against a
 * real redis-server whose only users are ACL users (the default user is off, as with Azure's
 * access keys disabled) and a loopback managed identity endpoint speaking the App Service
 * protocol to @azure/identity's ManagedIdentityCredential. The user name is the identity's
 * object id and the password its token, as on Azure Managed Redis. Each test uses its own client
 * id, so no token cache carries a token from one test into the next.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter } from '../../../shared/auth/rate-limit';
import { loadConfig } from '../../../shared/config';
import { AccessTokenUnavailableError, DependencyCredentialRejectedError } from '../../../shared/domain/errors';
import { createLogger } from '../../../shared/logger';
import { REDIS_TOKEN_SCOPE } from '../../../shared/managed-identity/access-token-source';
import { createRedisConnection, redisTargetFor, type RedisTarget } from '../../../shared/redis/redis-connection';
import { createRedisQueue } from '../../../shared/queue/redis-queue';
import type { WorkQueue } from '../../../shared/queue/work-queue';
import { waitFor } from '../../helpers/test-platform';
import { startAclRedis, startTokenEndpoint, type AclRedis, type TokenEndpoint } from './managed-identity-kit';

const RESOURCE = REDIS_TOKEN_SCOPE.replace(/\/\.default$/, '');
const OID = '7e57c0de-0b1e-4c7a-9d1e-000000000001';
const clientId = (n: number) => `1000000${n}-aaaa-4bbb-8ccc-dddddddddddd`;

let endpoint: TokenEndpoint;
let restoreEnv: () => void;
let redis: AclRedis;
const closers: Array<() => Promise<unknown> | void> = [];

const target = (n: number): RedisTarget => {
  const config = loadConfig({
    REDIS_URL: redis.url,
    REDIS_AUTH: 'entra',
    REDIS_ENTRA_USER: OID,
    AZURE_CLIENT_ID: clientId(n),
    REDIS_PREFIX: `entra${n}`,
  });
  if (config.queue.kind !== 'redis') throw new Error('expected the Redis queue');
  return redisTargetFor(config.queue);
};
const queueFor = (n: number): WorkQueue => {
  const q = createRedisQueue({ ...target(n), prefix: `entra:${n}:${randomUUID()}` });
  closers.push(() => q.close());
  return q;
};
/** The identity's ACL user accepts exactly these tokens. */
const setPasswords = (...tokens: string[]) =>
  redis.admin.call('ACL', 'SETUSER', OID, 'reset', 'on', ...tokens.map((t) => `>${t}`), '~*', '&*', '+@all');
const requestsOf = (n: number) => endpoint.requests.filter((r) => r.resource === RESOURCE && r.clientId === clientId(n));
const authStats = async () => {
  const info = await redis.admin.info('commandstats');
  const m = /cmdstat_auth:calls=(\d+).*?failed_calls=(\d+)/.exec(info);
  return { calls: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0) };
};
const authFailuresInAclLog = async () =>
  ((await redis.admin.call('ACL', 'LOG')) as unknown[][]).filter((entry) => entry.includes('auth')).length;
const identityConnections = async () =>
  String(await redis.admin.call('CLIENT', 'LIST'))
    .split('\n')
    .filter((l) => l.includes(` user=${OID} `))
    .map((l) => ({ id: /\bid=(\d+)/.exec(l)![1]!, subscriber: /\bsub=[1-9]/.test(l) }));
const message = () => ({ runId: randomUUID(), orgId: randomUUID(), enqueuedAt: Date.now() });
/** Waits until `t` is inside the 5-minute refresh margin (MSAL counts whole seconds, rounded: 1.5 s of slack). */
const untilInsideMargin = (t: { expiresOn: number }) => waitFor(async () => Date.now() > (t.expiresOn - 300 + 1.5) * 1000, 10_000);

async function roundTrip(q: WorkQueue, workerId: string): Promise<void> {
  const m = message();
  await q.enqueue(m);
  const r = await q.reserve(workerId, 1_000);
  expect(r?.message.runId).toBe(m.runId);
  await q.ack(workerId, r!);
}

beforeAll(async () => {
  endpoint = await startTokenEndpoint();
  restoreEnv = endpoint.install();
  redis = await startAclRedis();
});

afterAll(async () => {
  for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
  restoreEnv?.();
  await redis?.destroy();
  await endpoint?.close();
});

describe('Redis with REDIS_AUTH=entra', () => {
  it('the queue signs in as the identity’s object id with its token, asking the endpoint once', async () => {
    const t = endpoint.rotate(RESOURCE, 3600);
    await setPasswords(t.token);
    const q = queueFor(1);
    await roundTrip(q, 'w1');
    expect(await q.ping()).toBeGreaterThanOrEqual(0);
    const conns = await identityConnections();
    expect(conns.length).toBeGreaterThanOrEqual(2); // the command connection and the worker's blocking one
    const asked = requestsOf(1);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toEqual({ resource: RESOURCE, clientId: clientId(1), apiVersion: '2019-08-01', headerOk: true });
    await q.close();
  });

  it('before the token expires every connection signs in again with the next one; after the old is removed it keeps working', async () => {
    const first = endpoint.rotate(RESOURCE, 302);
    await setPasswords(first.token);
    const q = queueFor(2);
    const cancelled: string[] = [];
    q.onCancel((runId) => cancelled.push(runId));
    const limiter = createRedisRateLimiter({
      ...target(2),
      prefix: `entra:rl:${randomUUID()}`,
      limits: { windowSeconds: 60, perCaller: 100, perOrg: 100 },
      logger: createLogger('silent'),
    });
    closers.push(() => limiter.close());
    const principal = { orgId: randomUUID(), actor: { type: 'user', id: 'u1' }, role: 'admin' } as unknown as Parameters<
      typeof limiter.check
    >[0];
    await limiter.check(principal);
    await roundTrip(q, 'w2');
    await waitFor(async () => (await identityConnections()).some((c) => c.subscriber));
    const subscriberBefore = (await identityConnections()).find((c) => c.subscriber)!.id;
    const plain = (await identityConnections()).filter((c) => !c.subscriber).length;
    expect(plain).toBeGreaterThanOrEqual(3); // queue commands, blocking worker, rate limiter

    // Rotation: the server accepts both tokens for a while, as Entra's overlap allows.
    const second = endpoint.rotate(RESOURCE, 3600);
    await setPasswords(first.token, second.token);
    const before = await authStats();
    await untilInsideMargin(first);
    // Each live connection sends AUTH with the new token; the subscriber reconnects (RESP2 allows no AUTH while subscribed).
    await waitFor(async () => (await authStats()).calls - before.calls >= plain, 15_000);
    await waitFor(async () => (await identityConnections()).some((c) => c.subscriber && c.id !== subscriberBefore), 15_000);
    expect((await authStats()).failed).toBe(before.failed);

    // The old token stops signing in; the live connections go on, and reconnects use the new token.
    await setPasswords(second.token);
    await roundTrip(q, 'w2');
    await redis.admin.call('CLIENT', 'KILL', 'USER', OID);
    await waitFor(async () => (await identityConnections()).length >= 2);
    await roundTrip(q, 'w2');
    await limiter.check(principal);
    const runId = randomUUID();
    await waitFor(async () => (await identityConnections()).some((c) => c.subscriber));
    await q.publishCancel([runId]);
    await waitFor(async () => cancelled.includes(runId));
    expect(await authFailuresInAclLog()).toBe(0);
    expect(requestsOf(2).length).toBeGreaterThanOrEqual(2);
    await limiter.close();
    await q.close();
  });

  it('a token Redis does not accept fails commands with queue_credential_rejected naming the user', async () => {
    endpoint.rotate(RESOURCE, 3600); // issued, but not among the ACL user's passwords
    const q = queueFor(3);
    const err = await q.enqueue(message()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DependencyCredentialRejectedError);
    expect(err).toMatchObject({ code: 'queue_credential_rejected', user: OID, retryable: true });
    expect((err as Error).message).toMatch(new RegExp(`Redis refused the sign-in of user '${OID}': WRONGPASS`));
    expect(await authFailuresInAclLog()).toBeGreaterThan(0);
    await q.close();
    await redis.admin.call('ACL', 'LOG', 'RESET');
  });

  it('no token at all: commands fail with queue_token_unavailable, and the connection signs in once the endpoint is back', async () => {
    endpoint.mode = 'error';
    const q = queueFor(4);
    const err = await q.enqueue(message()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AccessTokenUnavailableError);
    expect(err).toMatchObject({ code: 'queue_token_unavailable', scope: REDIS_TOKEN_SCOPE });
    const t = endpoint.rotate(RESOURCE, 3600);
    await setPasswords(t.token);
    endpoint.mode = 'ok';
    await waitFor(
      async () =>
        q.ping().then(
          () => true,
          () => false,
        ),
      20_000,
    );
    await roundTrip(q, 'w4');
    await q.close();
  });

  it('the factory is the only way the platform opens Redis: with key sign-in it is a plain connection', async () => {
    const adminUrl = `redis://admin:${encodeURIComponent(String(redis.admin.options.password))}@127.0.0.1:${redis.port}`;
    const r: Redis = createRedisConnection({ url: adminUrl }, { lazyConnect: true });
    closers.push(() => r.disconnect());
    await r.connect();
    expect(await r.call('ACL', 'WHOAMI')).toBe('admin');
  });
});
