/**
 * Authentication for HTTP-based adapters: none, basic, bearer, API key header, or OAuth 2.0
 * client credentials (Microsoft Entra ID for Business Central and Dynamics 365 Finance). Tokens
 * are cached per (token URL, client, scope) until a minute before they expire.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { OutboundPolicy } from '../network-policy';
import { BoundedCache } from '../../domain/bounded-cache';
import { UpstreamError } from '../upstream-error';
import { errorMessageOf, httpRequest, jsonOf } from './http-client';

export const HttpAuthSettings = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('basic') }).describe('secrets.username and secrets.password'),
    z.object({ type: z.literal('bearer') }).describe('secrets.token'),
    z.object({ type: z.literal('api-key'), header: z.string().min(1).default('X-Api-Key') }).describe('secrets.apiKey sent in `header`'),
    z
      .object({ type: z.literal('oauth2-client-credentials'), tokenUrl: z.url().optional(), scope: z.string().min(1).optional() })
      .describe('secrets.clientId and secrets.clientSecret; tokenUrl and scope default per system'),
  ])
  .default({ type: 'none' });
export type HttpAuthSettings = z.infer<typeof HttpAuthSettings>;

export const HttpAuthSecrets = z.object({
  username: z.string().optional(),
  password: z.string().optional(),
  token: z.string().optional(),
  apiKey: z.string().optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
});

/** Secrets each auth type needs, for save-time checks. */
export function missingAuthSecrets(auth: HttpAuthSettings, secrets: Record<string, unknown>): string[] {
  const need: Record<HttpAuthSettings['type'], string[]> = {
    none: [],
    basic: ['username', 'password'],
    bearer: ['token'],
    'api-key': ['apiKey'],
    'oauth2-client-credentials': ['clientId', 'clientSecret'],
  };
  return need[auth.type].filter((n) => typeof secrets[n] !== 'string' || !secrets[n]);
}

const tokenCache = new BoundedCache<string, ClientCredentialsToken>(1_000);

/** An OAuth 2.0 client-credentials access token and when it stops being used (a minute before it expires). */
export interface ClientCredentialsToken {
  token: string;
  expiresAt: number;
}

/**
 * Fetches (or reuses from the cache) a client-credentials token from `tokenUrl` for `scope`,
 * through the outbound policy.
 */
export async function clientCredentialsToken(
  policy: OutboundPolicy,
  tokenUrl: string,
  scope: string,
  clientId: string,
  clientSecret: string,
  signal: AbortSignal,
  systemType: string,
): Promise<ClientCredentialsToken> {
  const cacheKey = createHash('sha256').update(`${tokenUrl}\n${scope}\n${clientId}\n${clientSecret}`).digest('hex');
  const hit = tokenCache.get(cacheKey);
  if (hit) return hit;
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope,
  }).toString();
  const res = await httpRequest(
    policy,
    {
      method: 'POST',
      url: tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal,
    },
    systemType,
  );
  if (res.status !== 200) {
    throw new UpstreamError(
      'oauth_token_failed',
      systemType,
      `Getting an access token from ${new URL(tokenUrl).host} failed with HTTP ${res.status}: ${errorMessageOf(res.body)}`,
      {
        retryable: res.status >= 500 || res.status === 429,
        status: res.status,
      },
    );
  }
  const j = jsonOf(res, 'token response', systemType) as { access_token?: unknown; expires_in?: unknown };
  if (typeof j?.access_token !== 'string')
    throw new UpstreamError('oauth_token_failed', systemType, 'The token endpoint answered without an access_token.');
  const ttl = Number(j.expires_in ?? 300);
  // Refresh a minute early so a token never expires mid-request.
  const lifeMs = Math.max(0, ttl - 60) * 1000;
  const fresh = { token: j.access_token, expiresAt: Date.now() + lifeMs };
  tokenCache.set(cacheKey, fresh, lifeMs);
  return fresh;
}

/** Builds the authorisation headers for one request. */
export async function authHeaders(
  policy: OutboundPolicy,
  auth: HttpAuthSettings,
  secrets: Record<string, unknown>,
  defaults: { tokenUrl?: string | undefined; scope?: string | undefined },
  signal: AbortSignal,
  systemType: string,
): Promise<Record<string, string>> {
  const s = (k: string) => (typeof secrets[k] === 'string' ? (secrets[k] as string) : '');
  switch (auth.type) {
    case 'none':
      return {};
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${s('username')}:${s('password')}`).toString('base64')}` };
    case 'bearer':
      return { authorization: `Bearer ${s('token')}` };
    case 'api-key':
      return { [auth.header.toLowerCase()]: s('apiKey') };
    case 'oauth2-client-credentials': {
      const tokenUrl = auth.tokenUrl ?? defaults.tokenUrl;
      const scope = auth.scope ?? defaults.scope;
      if (!tokenUrl || !scope)
        throw new UpstreamError(
          'oauth_misconfigured',
          systemType,
          'OAuth client credentials need settings.auth.tokenUrl and settings.auth.scope.',
        );
      return {
        authorization: `Bearer ${(await clientCredentialsToken(policy, tokenUrl, scope, s('clientId'), s('clientSecret'), signal, systemType)).token}`,
      };
    }
  }
}

/** The global Microsoft Entra ID authority. */
export const ENTRA_PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';

/** A connector's Entra authority: the sovereign cloud's login host (US Government, China). */
export const EntraAuthority = z
  .url({ protocol: /^https?$/ })
  .optional()
  .describe(
    'Microsoft Entra authority host, e.g. https://login.microsoftonline.us (US Government) or https://login.chinacloudapi.cn (China); default https://login.microsoftonline.com.',
  );

/** The Microsoft Entra ID v2 token endpoint of a tenant at `authority` (client credentials); undefined without a tenant. */
export function entraTokenUrl(tenantId: string | undefined, authority: string = ENTRA_PUBLIC_AUTHORITY): string | undefined {
  return tenantId ? `${authority.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token` : undefined;
}
