/**
 * The adapter factory: the only way to obtain an adapter. Resolution order:
 * exact system type → system type inferred from connector metadata → generic connection type →
 * a deterministic `AdapterResolutionError` naming what was tried.
 */
import { DemitonError } from '../domain/errors';
import { OutboundPolicy } from '../connectors/network-policy';
import type { Adapter, AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from './adapter';

/** No adapter matched a connector. Not retryable: the same connector will never resolve. */
export class AdapterResolutionError extends DemitonError {
  readonly code = 'adapter_not_found';
  constructor(
    readonly connectorName: string,
    readonly tried: readonly string[],
  ) {
    super(`No adapter for connector '${connectorName}'; tried ${tried.join(', ')}.`);
  }
}

/** Which step of the chain found the adapter. */
export type ResolutionStep = 'system-type' | 'inferred-system-type' | 'connection-type';

export interface Resolution {
  registration: AdapterRegistration;
  step: ResolutionStep;
}

/** A set of adapter registrations; see `registry.ts` for the default one. */
export class AdapterRegistry {
  private readonly bySystemType = new Map<string, AdapterRegistration>();
  private readonly ordered: AdapterRegistration[] = [];

  /** Adapters built by this registry connect under `environment.network` (default: production policy, private ranges denied). */
  constructor(
    registrations: Iterable<AdapterRegistration> = [],
    readonly environment: AdapterEnvironment = { network: new OutboundPolicy({ allowPrivate: false }) },
  ) {
    for (const r of registrations) this.register(r);
  }

  register(r: AdapterRegistration): void {
    if (this.bySystemType.has(r.systemType)) throw new Error(`Adapter system type '${r.systemType}' is registered twice.`);
    this.bySystemType.set(r.systemType, r);
    this.ordered.push(r);
  }

  /** All registrations, in registration order. */
  list(): readonly AdapterRegistration[] {
    return this.ordered;
  }

  /** Resolves a connector to a registration without creating an adapter. */
  resolve(connector: ConnectorDescriptor): Resolution {
    const tried: string[] = [];
    if (connector.systemType) {
      tried.push(`system type '${connector.systemType}'`);
      const r = this.bySystemType.get(connector.systemType);
      if (r) return { registration: r, step: 'system-type' };
    }
    tried.push('system type inferred from connector settings');
    for (const r of this.ordered) {
      if (r.infer?.(connector.settings)) return { registration: r, step: 'inferred-system-type' };
    }
    if (connector.connectionType) {
      tried.push(`connection type '${connector.connectionType}'`);
      const r = this.ordered.find((x) => x.connectionTypes?.includes(connector.connectionType!));
      if (r) return { registration: r, step: 'connection-type' };
    }
    throw new AdapterResolutionError(connector.name, tried);
  }

  /** The factory: resolves and builds the adapter for a connector. */
  getAdapter(connector: ConnectorDescriptor): Adapter {
    const { registration } = this.resolve(connector);
    if (registration.endpoints) this.environment.hosts?.assertAllowed(registration.endpoints(connector));
    return registration.create(connector, this.environment);
  }
}
