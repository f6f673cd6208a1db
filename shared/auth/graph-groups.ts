/**
 * Group overage: when a user belongs to more groups than fit in a token (200 in JWTs), Entra
 * leaves `groups` out and points at Microsoft Graph instead. This resolves the user's groups
 * (transitively) with `POST /v1.0/directoryObjects/{oid}/getMemberObjects`, calling Graph as the
 * API's own confidential client through `@azure/msal-node` (client credentials).
 *
 * MSAL is given the tenant's authority metadata and cloud-discovery metadata up front, so it never
 * performs instance discovery against the public cloud: the configured authority host is the
 * only identity endpoint it talks to (which is also how tests point it at a loopback issuer).
 *
 * Any failure (no client configured, token refused, Graph down or answering wrongly) throws
 * IdentityUnavailableError: without the groups the role is unknown, so the request is refused.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import type { EntraConfig } from '../config';
import { BoundedCache } from '../domain/bounded-cache';
import type { Logger } from '../logger';
import { IdentityUnavailableError } from './errors';
import type { OpenIdMetadata } from './entra-token';

const FETCH_TIMEOUT_MS = 5_000;
// Group lists change rarely; a few minutes of cache spares Graph a call per request.
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 5_000;
const MAX_PAGES = 50;

export interface GroupResolver {
  /** The object ids of every group the directory object is a (transitive) member of. */
  memberGroups(tenantId: string, objectId: string): Promise<string[]>;
}

function credential(
  client: NonNullable<EntraConfig['client']>,
): Pick<NonNullable<Configuration['auth']>, 'clientSecret' | 'clientCertificate'> {
  if ('secret' in client) return { clientSecret: client.secret };
  // One PEM file holding the private key and the certificate; MSAL signs a client assertion with it.
  const pem = readFileSync(client.certificatePath, 'utf8');
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!certPem) throw new Error(`${client.certificatePath} holds no certificate`);
  const cert = new X509Certificate(certPem);
  return {
    clientCertificate: {
      thumbprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
      privateKey: createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }).toString(),
      x5c: certPem,
    },
  };
}

/** A resolver for the configured tenants; `metadata` supplies each tenant's OpenID metadata. */
export function createGraphGroupResolver(
  cfg: EntraConfig,
  metadata: (tenantId: string) => Promise<OpenIdMetadata>,
  logger: Logger,
): GroupResolver {
  const clients = new Map<string, Promise<ConfidentialClientApplication>>();
  const cache = new BoundedCache<string, string[]>(CACHE_MAX, CACHE_TTL_MS);
  const authorityHostName = new URL(cfg.authorityHost).host;

  const clientFor = (tenantId: string): Promise<ConfidentialClientApplication> => {
    let c = clients.get(tenantId);
    if (!c) {
      c = metadata(tenantId).then((m) => {
        const client = cfg.client!;
        return new ConfidentialClientApplication({
          auth: {
            clientId: client.clientId,
            ...credential(client),
            authority: `${cfg.authorityHost}/${tenantId}`,
            knownAuthorities: [authorityHostName],
            authorityMetadata: JSON.stringify(m),
            cloudDiscoveryMetadata: JSON.stringify({
              tenant_discovery_endpoint: `${cfg.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`,
              'api-version': '1.1',
              metadata: [{ preferred_network: authorityHostName, preferred_cache: authorityHostName, aliases: [authorityHostName] }],
            }),
          },
          system: {
            loggerOptions: {
              piiLoggingEnabled: false,
              logLevel: LogLevel.Warning,
              loggerCallback: (_level, message) => logger.debug({ msal: message }, 'msal'),
            },
          },
        });
      });
      c.catch(() => clients.delete(tenantId));
      clients.set(tenantId, c);
    }
    return c;
  };

  const fail = (message: string, cause?: unknown): never => {
    throw new IdentityUnavailableError('graph', message, cause ? { cause } : undefined);
  };

  return {
    async memberGroups(tenantId, objectId) {
      const key = `${tenantId}/${objectId}`;
      const hit = cache.get(key);
      if (hit) return hit;
      if (!cfg.client)
        fail(
          'This user has too many groups for a token, and no Graph client is configured (ENTRA_CLIENT_ID with ENTRA_CLIENT_SECRET or ENTRA_CLIENT_CERTIFICATE_PATH) to look them up.',
        );

      let accessToken: string;
      try {
        const app = await clientFor(tenantId);
        const result = await app.acquireTokenByClientCredential({ scopes: [`${cfg.graphBaseUrl}/.default`] });
        if (!result?.accessToken) throw new Error('no access token in the response');
        accessToken = result.accessToken;
      } catch (err) {
        if (err instanceof IdentityUnavailableError) throw err;
        return fail('A token for Microsoft Graph could not be obtained, so group membership cannot be checked.', err);
      }

      const groups: string[] = [];
      let url: string | undefined = `${cfg.graphBaseUrl}/v1.0/directoryObjects/${encodeURIComponent(objectId)}/getMemberObjects`;
      let first = true;
      for (let page = 0; url && page < MAX_PAGES; page++) {
        let body: { value?: unknown; '@odata.nextLink'?: unknown };
        try {
          const res: Response = await fetch(url, {
            method: first ? 'POST' : 'GET',
            headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
            ...(first ? { body: JSON.stringify({ securityEnabledOnly: false }) } : {}),
            signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
            redirect: 'error',
          });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          body = (await res.json()) as typeof body;
        } catch (err) {
          return fail('Microsoft Graph could not be asked for group membership.', err);
        }
        if (!Array.isArray(body.value)) return fail('Microsoft Graph answered getMemberObjects without a value list.');
        for (const g of body.value) if (typeof g === 'string') groups.push(g.toLowerCase());
        const next = body['@odata.nextLink'];
        // Follow paging only on the same Graph host: a link elsewhere is not followed with our token.
        url = typeof next === 'string' && next.startsWith(`${cfg.graphBaseUrl}/`) ? next : undefined;
        first = false;
      }

      cache.set(key, groups);
      return groups;
    },
  };
}
