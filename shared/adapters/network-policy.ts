/**
 * Outbound network policy for connectors (SSRF protection). A connector's host is resolved and
 * every address is checked when the adapter connects, not only when the connector is saved: a
 * name that resolved to a public address at save time may resolve to 127.0.0.1 later (DNS
 * rebinding). Adapters connect to the checked address, never re-resolve the name.
 *
 * Production denies loopback, link-local, private, CGNAT, multicast and reserved ranges unless an
 * operator allows a CIDR (CONNECTOR_ALLOWED_CIDRS, e.g. an ERP on a peered VNet). Development mode
 * allows everything, so tests and local servers on loopback work.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { DemitonError } from '../domain/errors';

/** A connection was refused by the outbound policy. Not retryable: the same address stays denied. */
export class OutboundBlockedError extends DemitonError {
  readonly code = 'outbound_address_blocked';
  readonly httpStatus = 422;
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`Outbound connection to '${host}' (${address}) is not allowed: ${reason}.`);
  }
}

/** A host name could not be resolved. Retryable: DNS may recover. */
export class HostResolutionError extends DemitonError {
  readonly code = 'host_unresolvable';
  override readonly retryable = true;
  constructor(
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super(`Host '${host}' could not be resolved.`, options);
  }
}

export interface OutboundPolicyOptions {
  /** True in development mode: every address is allowed. */
  allowPrivate: boolean;
  /** CIDRs allowed even though they are in a denied range, e.g. `10.20.0.0/16`. */
  allowedCidrs?: readonly string[];
}

/** Resolves a host to all its addresses (the `dns.lookup` shape, so /etc/hosts counts too). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

// Ranges that never belong to a company's public endpoint (RFC 6890 special-purpose registries).
const DENIED_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private range'],
  ['100.64.0.0', 10, 'carrier-grade NAT range'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata lives here)'],
  ['172.16.0.0', 12, 'private range'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private range'],
  ['198.18.0.0', 15, 'benchmarking range'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const DENIED_V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique local (private) range'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
  ['64:ff9b::', 96, 'NAT64 (may reach private IPv4)'],
];

/** Decides, for every outbound connection of an adapter, whether the address may be reached. */
export class OutboundPolicy {
  private readonly denied: Array<{ list: BlockList; reason: string }> = [];
  private readonly allowed = new BlockList();
  readonly allowPrivate: boolean;

  constructor(
    options: OutboundPolicyOptions,
    private readonly resolver: Resolver = systemResolver,
  ) {
    this.allowPrivate = options.allowPrivate;
    for (const [net, prefix, reason] of DENIED_V4) {
      const list = new BlockList();
      list.addSubnet(net, prefix, 'ipv4');
      this.denied.push({ list, reason });
    }
    for (const [net, prefix, reason] of DENIED_V6) {
      const list = new BlockList();
      list.addSubnet(net, prefix, 'ipv6');
      this.denied.push({ list, reason });
    }
    for (const cidr of options.allowedCidrs ?? []) {
      const [net, bits] = cidr.split('/');
      const family = isIP(net ?? '') === 6 ? 'ipv6' : 'ipv4';
      this.allowed.addSubnet(net!, Number(bits ?? (family === 'ipv6' ? 128 : 32)), family);
    }
  }

  /** Why an address is denied, or null when it may be reached. */
  denialReason(address: string): string | null {
    if (this.allowPrivate) return null;
    const family = isIP(address);
    if (family === 0) return 'not an IP address';
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) is checked as the IPv4 address it carries.
    const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
    const addr = mapped ?? address;
    const type = mapped || family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(addr, type)) return null;
    for (const d of this.denied) if (d.list.check(addr, type)) return d.reason;
    return null;
  }

  /** Throws `OutboundBlockedError` when the address is denied. */
  assertAllowed(host: string, address: string): void {
    const reason = this.denialReason(address);
    if (reason) throw new OutboundBlockedError(host, address, reason);
  }

  /**
   * Resolves `host` now and returns the first address, after checking every address it resolves
   * to (a name with one public and one private address is denied). Adapters connect to the result.
   */
  async resolve(host: string): Promise<string> {
    const bare = host.replace(/^\[|\]$/g, '');
    if (isIP(bare)) {
      this.assertAllowed(host, bare);
      return bare;
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolver(bare);
    } catch (err) {
      throw new HostResolutionError(host, { cause: err });
    }
    if (!addresses.length) throw new HostResolutionError(host);
    for (const a of addresses) this.assertAllowed(host, a.address);
    return addresses[0]!.address;
  }

  /**
   * A `lookup` for `http.request`/`net.connect`: the socket's own resolution goes through the
   * policy, so the check happens on the address actually connected to.
   */
  readonly lookup = (
    hostname: string,
    options: unknown,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    this.resolve(hostname).then(
      (address) => {
        const family = isIP(address);
        if (all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, all ? [] : '', 4),
    );
  };
}

/** Host names a connector's settings point at (`host`, and the host of every `*Url` setting). */
export function hostsOf(settings: Record<string, unknown>): Array<{ path: string; host: string }> {
  const out: Array<{ path: string; host: string }> = [];
  for (const [k, v] of Object.entries(settings)) {
    if (typeof v !== 'string' || !v) continue;
    if (k === 'host') out.push({ path: `settings.${k}`, host: v });
    else if (/url$/i.test(k)) {
      try {
        out.push({ path: `settings.${k}`, host: new URL(v).hostname });
      } catch {
        // Not a URL: the adapter's connection schema reports it.
      }
    }
  }
  return out;
}
