/**
 * The engine's view of connectors: the built-in `platform` connector plus the project's stored
 * connectors, with their secrets decrypted for the adapter (never logged, never returned).
 */
import type { ConnectorDescriptor } from '../adapters/adapter';
import type { Db } from '../db/db';
import { PLATFORM_CONNECTOR, type ConnectorDirectory } from './connector-lookup';
import { findConnectorByName } from '../store/connectors';
import type { SecretBox } from '../store/secret-box';
import { openSettings } from './sealed-settings';

/** A `ConnectorDirectory` backed by the `connectors` table. */
export function createConnectorDirectory(db: Db, secretBox: SecretBox): ConnectorDirectory {
  return {
    async find(orgId, projectId, name): Promise<ConnectorDescriptor | null> {
      if (name === PLATFORM_CONNECTOR.name) return PLATFORM_CONNECTOR;
      const row = await findConnectorByName(db, orgId, projectId, name);
      if (!row) return null;
      // Settings that are credentials in all but name come back from the sealed envelope.
      const { settings, secrets } = openSettings(
        row.settings,
        row.sealedSecrets ? await secretBox.open(orgId, row.id, row.sealedSecrets) : {},
      );
      return {
        id: row.id,
        name: row.name,
        systemType: row.systemType ?? undefined,
        connectionType: row.connectionType ?? undefined,
        settings,
        secrets,
      };
    },
  };
}
