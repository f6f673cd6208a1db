/** The default adapter registry: every adapter the platform ships, in resolution order. */
import { AdapterRegistry } from './resolve-adapter';
import { platformAdapter } from './platform/platform-adapter';

/** Builds the registry of built-in adapters. */
export function createDefaultRegistry(): AdapterRegistry {
  return new AdapterRegistry([platformAdapter]);
}
