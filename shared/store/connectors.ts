/** Connectors of a project: settings in clear, secrets sealed. Every query filters on org_id. */
import type { Queryable } from '../db/db';
import type { SealedSecrets } from './secret-box';

export interface ConnectorRow {
  id: string;
  orgId: string;
  projectId: string;
  name: string;
  systemType: string | null;
  connectionType: string | null;
  settings: Record<string, unknown>;
  sealedSecrets: SealedSecrets | null;
  secretNames: string[];
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, org_id AS "orgId", project_id AS "projectId", name, system_type AS "systemType",
  connection_type AS "connectionType", settings, sealed_secrets AS "sealedSecrets", secret_names AS "secretNames",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** What a write stores. */
export interface ConnectorWrite {
  name: string;
  systemType: string | null;
  connectionType: string | null;
  settings: Record<string, unknown>;
  sealedSecrets: SealedSecrets | null;
  secretNames: readonly string[];
}

/** Inserts a connector. Throws pg's unique violation (23505) on a taken name. */
export async function insertConnector(
  q: Queryable,
  c: ConnectorWrite & { id: string; orgId: string; projectId: string },
): Promise<ConnectorRow> {
  const { rows } = await q.query<ConnectorRow>(
    `INSERT INTO connectors (id, org_id, project_id, name, system_type, connection_type, settings, sealed_secrets, secret_names)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::text, $7::jsonb, $8::jsonb, $9::text[]) RETURNING ${COLUMNS}`,
    [
      c.id,
      c.orgId,
      c.projectId,
      c.name,
      c.systemType,
      c.connectionType,
      JSON.stringify(c.settings),
      c.sealedSecrets ? JSON.stringify(c.sealedSecrets) : null,
      c.secretNames,
    ],
  );
  return rows[0]!;
}

/** Replaces a connector's fields; returns the row, or null when absent. */
export async function updateConnector(q: Queryable, orgId: string, id: string, c: ConnectorWrite): Promise<ConnectorRow | null> {
  const { rows } = await q.query<ConnectorRow>(
    `UPDATE connectors SET name = $3::text, system_type = $4::text, connection_type = $5::text, settings = $6::jsonb,
            sealed_secrets = $7::jsonb, secret_names = $8::text[], updated_at = clock_timestamp()
      WHERE org_id = $1::uuid AND id = $2::uuid RETURNING ${COLUMNS}`,
    [
      orgId,
      id,
      c.name,
      c.systemType,
      c.connectionType,
      JSON.stringify(c.settings),
      c.sealedSecrets ? JSON.stringify(c.sealedSecrets) : null,
      c.secretNames,
    ],
  );
  return rows[0] ?? null;
}

/** A connector by id, or null. `forUpdate` locks the row for the transaction. */
export async function getConnector(q: Queryable, orgId: string, id: string, forUpdate = false): Promise<ConnectorRow | null> {
  const { rows } = await q.query<ConnectorRow>(
    `SELECT ${COLUMNS} FROM connectors WHERE org_id = $1::uuid AND id = $2::uuid${forUpdate ? ' FOR UPDATE' : ''}`,
    [orgId, id],
  );
  return rows[0] ?? null;
}

/** A connector by name within a project, or null. */
export async function findConnectorByName(q: Queryable, orgId: string, projectId: string, name: string): Promise<ConnectorRow | null> {
  const { rows } = await q.query<ConnectorRow>(
    `SELECT ${COLUMNS} FROM connectors WHERE org_id = $1::uuid AND project_id = $2::uuid AND name = $3::text`,
    [orgId, projectId, name],
  );
  return rows[0] ?? null;
}

/** Connectors of an organisation (optionally one project), by name. */
export async function listConnectors(q: Queryable, orgId: string, projectId: string | null): Promise<ConnectorRow[]> {
  const { rows } = await q.query<ConnectorRow>(
    `SELECT ${COLUMNS} FROM connectors WHERE org_id = $1::uuid AND ($2::uuid IS NULL OR project_id = $2::uuid) ORDER BY name, id`,
    [orgId, projectId],
  );
  return rows;
}

/** Deletes a connector; returns the deleted row, or null. */
export async function deleteConnector(q: Queryable, orgId: string, id: string): Promise<ConnectorRow | null> {
  const { rows } = await q.query<ConnectorRow>(`DELETE FROM connectors WHERE org_id = $1::uuid AND id = $2::uuid RETURNING ${COLUMNS}`, [
    orgId,
    id,
  ]);
  return rows[0] ?? null;
}
