/**
 * Every Redis connection of the platform comes from here (the work queue, the rate limiter, the
 * studio's streaming gate), signed in one of two ways:
 *
 * - `key`: whatever REDIS_URL carries (an access key as password, or nothing on a local server).
 * - `entra`: the managed identity's object id as user name and a Microsoft Entra access token as
 *   password. Azure closes a connection whose token expires, and ioredis keeps the password it was
 *   given, so each connection renews its own sign-in: before its token is within the refresh
 *   margin of expiry it fetches the next one, stores it as the password for reconnects and sends
 *   `AUTH <user> <token>` on the live connection (a RESP2 subscriber may not send AUTH, so it
 *   reconnects instead and ioredis subscribes again). Every connect and reconnect fetches a
 *   current token first. Without a token the queued commands fail with the typed error and the
 *   connection tries again on the retry schedule.
 *
 * ioredis has no credential-provider hook, so `EntraRedis` extends `Redis` and uses parts that are
 * not public API (`connect()` on every reconnect, `condition`, `flushQueue`, `silentEmit`).
 * package.json pins ioredis to one exact version, and
 * tests/integration/deploy/ioredis-internals.integration.test.ts fails when an upgrade moves them.
 */
import { Cluster, Redis, type Callback, type RedisOptions } from 'ioredis';
import { AccessTokenUnavailableError, DependencyCredentialRejectedError } from '../domain/errors';
import type { EntraSignIn } from '../config';
import { REDIS_TOKEN_SCOPE, type AccessTokenSource } from '../managed-identity/access-token-source';
import { managedIdentityTokens } from '../managed-identity/token-sources';

export type RedisSignIn = { kind: 'key' } | { kind: 'entra'; user: string; tokens: AccessTokenSource };

/** A connection to one Redis server (or a cluster's single proxy endpoint), or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  url: string;
  /** Default: `key`. */
  signIn?: RedisSignIn;
  /**
   * Speak the Redis Cluster protocol (MOVED/ASK redirects, one connection per shard): `url` names
   * one seed node and the others are discovered. Default false: one endpoint, which is also what
   * Azure Managed Redis' Enterprise clustering policy presents.
   */
  cluster?: boolean;
}

/** Opens (or, with `lazyConnect`, prepares) a connection to `target`, signed in as it says. */
export function createRedisConnection(target: RedisTarget & { cluster?: false }, options?: RedisOptions): Redis;
export function createRedisConnection(target: RedisTarget, options?: RedisOptions): RedisClient;
export function createRedisConnection(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const signIn = target.signIn ?? { kind: 'key' };
  if (target.cluster) {
    // shared/config.ts refuses the pair; this guards other callers.
    if (signIn.kind !== 'key')
      throw new Error('Entra sign-in is not available with the Redis Cluster protocol; use one endpoint (Enterprise clustering policy)');
    return clusterConnection(target.url, options);
  }
  if (signIn.kind === 'key') return new Redis(target.url, options);
  return new EntraRedis(target.url, options, signIn.user, signIn.tokens);
}

/**
 * A Redis Cluster client seeded from one node's URL. The URL's user, password and TLS apply to
 * every node; the single-server options map onto their cluster counterparts (`retryStrategy`
 * becomes the cluster's reconnect schedule, the offline queue and lazy connect are cluster-wide).
 */
function clusterConnection(url: string, options: RedisOptions): Cluster {
  const u = new URL(url);
  const {
    retryStrategy,
    enableOfflineQueue,
    lazyConnect,
    host: _host,
    port: _port,
    path: _path,
    sentinels: _sentinels,
    readOnly: _readOnly,
    himportFieldsets: _h,
    ...node
  } = options;
  return new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
    lazyConnect,
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) : undefined,
    redisOptions: {
      ...node,
      username: decodeURIComponent(u.username) || undefined,
      password: decodeURIComponent(u.password) || undefined,
      tls: u.protocol === 'rediss:' ? {} : undefined,
    },
  });
}

/**
 * Every key matching `pattern`, from every primary of a cluster (SCAN on a cluster client would
 * ask one node only) or from the one server.
 */
export async function scanAll(client: RedisClient, pattern: string): Promise<string[]> {
  // A cluster client knows its primaries once it has connected and read the slot map.
  if (client instanceof Cluster && client.status !== 'ready') await client.ping();
  const servers = client instanceof Cluster ? client.nodes('master') : [client];
  const out: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      out.push(...keys);
    } while (cursor !== '0');
  }
  return out;
}

/**
 * Redis refusing a sign-in (WRONGPASS, NOAUTH) as a typed error naming the user, or null for any
 * other error.
 */
export function signInRejection(err: unknown, redis: RedisClient): DependencyCredentialRejectedError | null {
  const message = err instanceof Error ? err.message : '';
  if (!/^(WRONGPASS|NOAUTH)\b/.test(message)) return null;
  const user = (redis instanceof Cluster ? redis.options.redisOptions?.username : redis.options.username) || 'default';
  return new DependencyCredentialRejectedError('queue', user, `Redis refused the sign-in of user '${user}': ${message}`, { cause: err });
}

// Floor of the renewal timer: a token issued with less than the margin left is renewed this often.
const MIN_RENEW_DELAY_MS = 1_000;
// A failed renewal is retried this often while the token in hand is still valid.
const RENEW_RETRY_MS = 10_000;

class EntraRedis extends Redis {
  private readonly entraUser: string;
  private readonly tokens: AccessTokenSource;
  private renewTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private signingIn: Promise<void> | null = null;
  private tokenAttempts = 0;
  private stopped = false;

  constructor(url: string, options: RedisOptions, user: string, tokens: AccessTokenSource) {
    // The base constructor connects unless lazy; this class's fields exist only after it returns.
    super(url, { ...options, replyMapping: 'legacy', lazyConnect: true, username: user });
    this.entraUser = user;
    this.tokens = tokens;
    // ioredis sets this in its own connect(); commands queued while the first token is on its way read it.
    this.condition ??= {
      select: this.options.db ?? 0,
      auth: undefined,
      subscriber: false,
      protocol: this.options.protocol ?? 2,
      replyMapping: 'legacy',
      handshake: false,
    };
    this.on('end', () => this.stopTimers());
    if (!options.lazyConnect) this.connect().catch(() => undefined);
  }

  /** Fetches a current token, then connects with it. Used for the first connect and every reconnect. */
  override connect(callback?: Callback<void>): Promise<void> {
    this.stopped = false;
    const ready = this.signInThenConnect();
    if (callback)
      ready.then(
        () => callback(null),
        (err: Error) => callback(err),
      );
    return ready;
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) {
      this.stopped = true;
      this.stopTimers();
    }
    super.disconnect(reconnect);
  }

  private async signInThenConnect(): Promise<void> {
    this.signingIn ??= this.fetchPassword().finally(() => (this.signingIn = null));
    await this.signingIn;
    if (this.stopped) throw new Error('Connection is closed.');
    return super.connect();
  }

  private async fetchPassword(): Promise<void> {
    try {
      const token = await this.tokens.get();
      this.options.password = token.token;
      this.tokenAttempts = 0;
      this.scheduleRenewal();
    } catch (err) {
      // No valid token: fail what waits for this connection now (not after the retry limit) and try again later.
      const error = err instanceof Error ? err : new AccessTokenUnavailableError('queue', this.tokens.scope, String(err));
      (this as unknown as { flushQueue(e: Error): void }).flushQueue(error);
      this.silentEmit('error', error);
      const delay = typeof this.options.retryStrategy === 'function' ? this.options.retryStrategy(++this.tokenAttempts) : null;
      if (typeof delay === 'number' && !this.stopped) {
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(
          () => {
            this.retryTimer = null;
            if (!this.stopped && (this.status === 'wait' || this.status === 'reconnecting' || this.status === 'end'))
              this.connect().catch(() => undefined);
          },
          Math.max(delay, 100),
        );
      }
      throw error;
    }
  }

  private scheduleRenewal(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    const delay = Math.max(this.tokens.refreshAt() - Date.now(), MIN_RENEW_DELAY_MS);
    this.renewTimer = setTimeout(() => void this.renew(), delay);
    this.renewTimer.unref();
  }

  /** Before the token expires: the next token becomes the password, and the live connection signs in again with it. */
  private async renew(): Promise<void> {
    this.renewTimer = null;
    if (this.stopped) return;
    let token: string;
    try {
      token = (await this.tokens.get()).token;
    } catch (err) {
      this.silentEmit('error', err);
      this.renewTimer = setTimeout(() => void this.renew(), RENEW_RETRY_MS);
      this.renewTimer.unref();
      return;
    }
    const changed = token !== this.options.password;
    this.options.password = token;
    this.scheduleRenewal();
    if (!changed || this.status !== 'ready') return;
    if (this.condition?.subscriber) {
      // RESP2 allows no AUTH in subscribed mode: reconnect (signs in with the new token, resubscribes).
      this.disconnect(true);
      return;
    }
    try {
      await this.auth(this.entraUser, token);
    } catch (err) {
      this.silentEmit('error', signInRejection(err, this) ?? err);
    }
  }

  private stopTimers(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.renewTimer = this.retryTimer = null;
  }
}

/** The connection target the configuration describes (`config.queue` when it is Redis). */
export function redisTargetFor(queue: { url: string; cluster?: boolean; auth: { kind: 'key' } | EntraSignIn }): RedisTarget {
  return queue.auth.kind === 'key'
    ? { url: queue.url, cluster: queue.cluster ?? false, signIn: { kind: 'key' } }
    : {
        url: queue.url,
        signIn: { kind: 'entra', user: queue.auth.user, tokens: managedIdentityTokens(queue.auth, REDIS_TOKEN_SCOPE, 'queue') },
      };
}
