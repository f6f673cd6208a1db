/**
 * Which hosts a connector of a given kind may point at. An Azure Storage connector talks to
 * `*.blob.core.windows.net`, a Service Bus connector to `*.servicebus.windows.net`, and an
 * organisation's service principal signs in at a Microsoft Entra authority: a connector whose
 * URL names anything else is refused on save and when the adapter is built, so a stored secret
 * or a token is never sent to a host the connector type has no business with.
 *
 * On outside development mode (CONNECTOR_HOST_ALLOWLIST); an operator adds hosts per kind with
 * CONNECTOR_ALLOWED_HOSTS (`azure-blob=files.contoso.com,azure-service-bus=*.contoso.net`), e.g.
 * a storage custom domain. Loopback test servers run with the lists off.
 */
import { DemitonError } from '../domain/errors';
import { DEFAULT_ALLOWED_HOSTS, type EndpointKind } from '../domain/endpoint-hosts';

/** One host a connector's settings or secrets send it to, with where it was written. */
export interface ConnectorEndpoint {
  kind: EndpointKind;
  /** The field that names it, e.g. `settings.accountUrl`, `secrets.connectionString`. */
  path: string;
  host: string;
}

/** A connector names a host its type may not reach. Not retryable: the same setting stays refused. */
export class ConnectorHostNotAllowedError extends DemitonError {
  readonly code = 'connector_host_not_allowed';
  readonly httpStatus = 422;
  constructor(
    readonly kind: EndpointKind,
    readonly path: string,
    readonly host: string,
  ) {
    super(
      `${path}: '${host}' is not a ${kind} host this platform connects to (allowed: ${DEFAULT_ALLOWED_HOSTS[kind].join(', ')} and any CONNECTOR_ALLOWED_HOSTS).`,
    );
  }
}

export interface HostAllowListOptions {
  /** False turns every list off (development mode, loopback test servers). */
  enforce: boolean;
  /** Extra host patterns per kind (`*.contoso.net` or an exact host). */
  extra?: Partial<Record<EndpointKind, readonly string[]>>;
}

function matches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

/** The per-kind host lists every connector save and every adapter build checks. */
export class HostAllowList {
  readonly enforce: boolean;
  private readonly lists: Record<EndpointKind, readonly string[]>;

  constructor(options: HostAllowListOptions) {
    this.enforce = options.enforce;
    const list = (k: EndpointKind) => [...DEFAULT_ALLOWED_HOSTS[k], ...(options.extra?.[k] ?? []).map((p) => p.toLowerCase())];
    this.lists = {
      'azure-blob': list('azure-blob'),
      'azure-service-bus': list('azure-service-bus'),
      'entra-authority': list('entra-authority'),
    };
  }

  /** True when `host` may be reached by an endpoint of `kind`. */
  allows(kind: EndpointKind, host: string): boolean {
    if (!this.enforce) return true;
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.lists[kind].some((p) => matches(p, h));
  }

  /** Throws `ConnectorHostNotAllowedError` for the first endpoint outside its list. */
  assertAllowed(endpoints: readonly ConnectorEndpoint[]): void {
    for (const e of endpoints) if (!this.allows(e.kind, e.host)) throw new ConnectorHostNotAllowedError(e.kind, e.path, e.host);
  }
}

/** The host of a URL-valued setting, or null when it is absent or not a URL. */
export function urlHost(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    return new URL(value).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}
