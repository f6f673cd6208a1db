/** API keys: stored as SHA-256 hashes, scoped to an organisation, a role and optionally some workflows. */
import type { Role } from '../domain/principal';
import type { Queryable } from '../db/db';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  role: Exclude<Role, 'owner'>;
  workflowIds: string[] | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

/** What authentication needs about a presented key. */
export interface ApiKeyCheck {
  id: string;
  orgId: string;
  role: Exclude<Role, 'owner'>;
  workflowIds: string[] | null;
  revoked: boolean;
  expired: boolean;
  keysEnabled: boolean;
}

const COLUMNS = `id, name, prefix, role, workflow_ids AS "workflowIds", created_by AS "createdBy", created_at AS "createdAt",
  expires_at AS "expiresAt", revoked_at AS "revokedAt", revoked_by AS "revokedBy", last_used_at AS "lastUsedAt"`;

/** Inserts a key (the caller generated the secret and keeps only its hash here). */
export async function insertApiKey(
  q: Queryable,
  k: {
    id: string;
    orgId: string;
    name: string;
    prefix: string;
    hash: Buffer;
    role: ApiKeyRow['role'];
    workflowIds: string[] | null;
    createdBy: string;
    expiresAt: Date | null;
  },
): Promise<ApiKeyRow> {
  const { rows } = await q.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, org_id, name, prefix, key_hash, role, workflow_ids, created_by, expires_at)
     VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::bytea, $6::text, $7::uuid[], $8::text, $9::timestamptz)
     RETURNING ${COLUMNS}`,
    [k.id, k.orgId, k.name, k.prefix, k.hash, k.role, k.workflowIds, k.createdBy, k.expiresAt],
  );
  return rows[0]!;
}

/** Looks a presented key up by its hash. */
export async function findApiKeyByHash(q: Queryable, hash: Buffer): Promise<ApiKeyCheck | null> {
  const { rows } = await q.query<ApiKeyCheck>(
    `SELECT k.id, k.org_id AS "orgId", k.role, k.workflow_ids AS "workflowIds",
            k.revoked_at IS NOT NULL AS revoked,
            COALESCE(k.expires_at <= now(), false) AS expired,
            COALESCE((s.settings ->> 'apiKeysEnabled')::boolean, true) AS "keysEnabled"
       FROM api_keys k LEFT JOIN org_settings s ON s.org_id = k.org_id
      WHERE k.key_hash = $1::bytea`,
    [hash],
  );
  return rows[0] ?? null;
}

/** Records use; rewritten at most once a minute per key so busy keys do not write on every call. */
export async function touchApiKey(q: Queryable, orgId: string, id: string): Promise<void> {
  await q.query(
    `UPDATE api_keys SET last_used_at = now()
      WHERE org_id = $1::uuid AND id = $2::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
    [orgId, id],
  );
}

/** Keys of the organisation, newest first (revoked ones included, marked). */
export async function listApiKeys(q: Queryable, orgId: string): Promise<ApiKeyRow[]> {
  const { rows } = await q.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE org_id = $1::uuid ORDER BY created_at DESC, id DESC`, [
    orgId,
  ]);
  return rows;
}

/** One key, or null. */
export async function getApiKey(q: Queryable, orgId: string, id: string): Promise<ApiKeyRow | null> {
  const { rows } = await q.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE org_id = $1::uuid AND id = $2::uuid`, [orgId, id]);
  return rows[0] ?? null;
}

/** Revokes a key; returns the key, or null when it does not exist. Revoking twice keeps the first time. */
export async function revokeApiKey(q: Queryable, orgId: string, id: string, by: string): Promise<ApiKeyRow | null> {
  const { rows } = await q.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $3::text)
      WHERE org_id = $1::uuid AND id = $2::uuid RETURNING ${COLUMNS}`,
    [orgId, id, by],
  );
  return rows[0] ?? null;
}

/** The ids among `ids` that are workflows of the organisation. */
export async function existingWorkflowIds(q: Queryable, orgId: string, ids: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM workflows WHERE org_id = $1::uuid AND id = ANY($2::uuid[])', [orgId, ids]);
  return rows.map((r) => r.id);
}
