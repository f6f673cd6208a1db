/**
 * A `fetch` for model endpoints an organisation chose, under the connectors' outbound network
 * policy (SSRF protection): every socket resolves its host through the policy's `lookup`, so the
 * address connected to is the address checked; IP literals (which sockets never look up) are
 * checked before the request; redirects are refused, because a redirect to an IP literal would
 * skip the lookup. Endpoints from the deployment's own configuration do not use this.
 */
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import type { OutboundPolicy } from '../../adapters/network-policy';
import { demitonCause } from '../../domain/errors';

export interface GuardedFetch {
  fetch: typeof fetch;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

/** A fetch whose connections obey `policy`. */
export function createGuardedFetch(policy: OutboundPolicy): GuardedFetch {
  const agent = new Agent({ connect: { lookup: policy.lookup as never } });
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal)) policy.assertAllowed(url.hostname, literal);
    try {
      return (await undiciFetch(href, { ...(init as object), redirect: 'error', dispatcher: agent } as never)) as unknown as Response;
    } catch (err) {
      // undici wraps connect errors (a refusal by the policy) in `TypeError: fetch failed`.
      throw demitonCause(err) ?? err;
    }
  };
  return {
    fetch: guarded as typeof fetch,
    close: () => agent.close(),
  };
}
