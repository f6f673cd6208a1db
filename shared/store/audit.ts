/** The append-only audit log. Entries are written in the same transaction as the change. */
import type { Queryable } from '../db/db';
import type { Actor } from '../domain/principal';
import { redactSecrets } from './redact-secrets';

export interface AuditEntry {
  orgId: string;
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string | null;
  /** The client address of the request that made the change (`Principal.source`); null outside HTTP. */
  source: string | null;
  diff?: unknown;
}

/**
 * Appends one entry. Call it with the transaction that makes the change. Secret-named fields of
 * the diff are redacted.
 */
export async function appendAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (org_id, actor_type, actor_id, action, target_type, target_id, source, diff)
     VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::jsonb)`,
    [
      e.orgId,
      e.actor.type,
      e.actor.id,
      e.action,
      e.targetType,
      e.targetId,
      e.source,
      e.diff === undefined ? null : JSON.stringify(redactSecrets(e.diff)),
    ],
  );
}
