/**
 * An organisation's own Microsoft Entra service principal, as the `TokenCredential` an Azure SDK
 * client (Storage, Service Bus) signs in with. Organisation connectors never sign in with the
 * platform's identity: in Azure that identity owns the platform's storage, reads the Key Vault
 * holding the connector encryption key and administers the database.
 *
 * The credential serves exactly one scope (the service the connector is for) and one tenant.
 * A request for any other scope, another tenant or extra claims (what a `WWW-Authenticate`
 * bearer challenge from the server asks for) is refused without contacting the token endpoint,
 * so a server cannot walk the connector into tokens for another resource. Tokens come from the
 * client-credentials grant at `<authorityHost>/<tenantId>/oauth2/v2.0/token`, through the
 * outbound network policy; plain HTTP only to a loopback authority (tests).
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type { OutboundPolicy } from './network-policy';
import { isLoopbackHost } from '../domain/loopback-host';
import { clientCredentialsToken } from './platform/http-auth';
import { UpstreamError } from './upstream-error';
import { DemitonError } from '../domain/errors';

/** Microsoft Entra's public-cloud authority, the default. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** Settings naming the organisation's tenant and authority (secrets: `clientId`, `clientSecret`). */
export const OrgEntraSettings = {
  tenantId: z
    .string()
    .regex(
      /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/i,
      'expected a tenant id (GUID) or a verified domain',
    )
    .optional()
    .describe(
      "The organisation's Entra tenant, for signing in with its own service principal (secrets.clientId and secrets.clientSecret).",
    ),
  authorityHost: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      `The Entra authority (default ${DEFAULT_AUTHORITY_HOST}; login.microsoftonline.us, login.chinacloudapi.cn for sovereign clouds).`,
    ),
};
export const OrgEntraSecrets = { clientId: z.string().optional(), clientSecret: z.string().optional() };

/** The service principal a connector names, or null when it names none. */
export function orgServicePrincipal(
  settings: Record<string, unknown>,
  secrets: Record<string, unknown>,
): { tenantId: string; clientId: string; clientSecret: string; authorityHost: string } | null {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const tenantId = str(settings['tenantId']);
  const clientId = str(secrets['clientId']);
  const clientSecret = str(secrets['clientSecret']);
  if (!tenantId || !clientId || !clientSecret) return null;
  return {
    tenantId,
    clientId,
    clientSecret,
    authorityHost: (str(settings['authorityHost']) ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, ''),
  };
}

/** A connector with no credential of the organisation's own: refused, never signed with the platform's identity. */
export class ConnectorCredentialsRequiredError extends DemitonError {
  readonly code = 'connector_credentials_required';
  readonly httpStatus = 422;
  constructor(
    readonly connector: string,
    readonly systemType: string,
    what: string,
  ) {
    super(
      `Connector '${connector}' (${systemType}) has no credentials of its own: set ${what}. The platform's identity is not lent to connectors.`,
    );
  }
}

/** A token request the connector's credential does not serve. Not retryable. */
export class TokenScopeRefusedError extends UpstreamError {
  constructor(systemType: string, reason: string) {
    super(
      'azure_token_scope_refused',
      systemType,
      `A token was requested ${reason}; this connector's credential serves only its own service.`,
      { retryable: false },
    );
  }
}

export interface OrgCredentialOptions {
  network: OutboundPolicy;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The one scope served, e.g. `https://storage.azure.com/.default`. */
  scope: string;
  systemType: string;
}

/** The organisation's service principal, pinned to one scope and one tenant. */
export function orgEntraCredential(o: OrgCredentialOptions): TokenCredential {
  const authority = new URL(o.authorityHost);
  const tokenUrl = `${authority.origin}/${encodeURIComponent(o.tenantId)}/oauth2/v2.0/token`;
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const asked = Array.isArray(scopes) ? scopes : [scopes];
      if (asked.length !== 1 || asked[0] !== o.scope)
        throw new TokenScopeRefusedError(o.systemType, `for ${asked.join(' ') || '(no scope)'}`);
      if (options?.tenantId && options.tenantId.toLowerCase() !== o.tenantId.toLowerCase())
        throw new TokenScopeRefusedError(o.systemType, `in tenant ${options.tenantId}`);
      if (options?.claims) throw new TokenScopeRefusedError(o.systemType, 'with extra claims');
      if (authority.protocol !== 'https:' && !isLoopbackHost(authority.hostname))
        throw new TokenScopeRefusedError(o.systemType, `from ${authority.origin} without TLS`);
      const signal = (options?.abortSignal as AbortSignal | undefined) ?? AbortSignal.timeout(30_000);
      const t = await clientCredentialsToken(o.network, tokenUrl, o.scope, o.clientId, o.clientSecret, signal, o.systemType);
      return { token: t.token, expiresOnTimestamp: t.expiresAt, tokenType: 'Bearer' };
    },
  };
}
