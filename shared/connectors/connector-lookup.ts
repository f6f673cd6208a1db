/**
 * How the engine finds the connector a task names. `platform` is built in and present in every
 * project; other names are looked up in the project's connectors (see the connectors module).
 */
import type { ConnectorDescriptor, Operation } from '../adapters/adapter';
import type { AdapterRegistry } from '../adapters/resolve-adapter';

export const PLATFORM_CONNECTOR: ConnectorDescriptor = {
  id: 'platform',
  name: 'platform',
  systemType: 'platform',
  settings: {},
  secrets: {},
};

/** Looks up connectors by name within a project. */
export interface ConnectorDirectory {
  /** The connector with its decrypted secrets, or null when the project has none of that name. */
  find(orgId: string, projectId: string, name: string): Promise<ConnectorDescriptor | null>;
}

/** A directory that knows only the built-in `platform` connector. */
export const builtInConnectors: ConnectorDirectory = {
  async find(_orgId, _projectId, name) {
    return name === 'platform' ? PLATFORM_CONNECTOR : null;
  },
};

/** The declared operation a task names, or a message saying why there is none. */
export async function findOperation(
  registry: AdapterRegistry,
  directory: ConnectorDirectory,
  orgId: string,
  projectId: string,
  connectorName: string,
  operation: string,
): Promise<{ operation: Operation } | { problem: string }> {
  const connector = await directory.find(orgId, projectId, connectorName);
  if (!connector) return { problem: `unknown connector '${connectorName}'` };
  let reg;
  try {
    reg = registry.resolve(connector).registration;
  } catch (err) {
    return { problem: (err as Error).message };
  }
  const op = reg.operations[operation];
  if (!op) {
    return {
      problem: `connector '${connectorName}' (${reg.systemType}) has no operation '${operation}'; it has ${Object.keys(reg.operations).join(', ')}`,
    };
  }
  return { operation: op };
}
