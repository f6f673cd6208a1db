/** /hq audit: the organisation's audit log, filtered, newest first, keyset-paginated on the entry id. */
import type { z } from 'zod';
import type { Principal } from '../domain/principal';
import { ValidationError } from '../domain/errors';
import type { Platform } from '../platform';
import { listAudit } from '../store/audit-query';
import type { AuditList, AuditQuery } from './api';

/** What this module uses of the platform (not the whole of it). */
export type AuditLogDeps = Pick<Platform, 'db'>;

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,18}$/.test(text))
    throw new ValidationError(
      'The cursor is not valid.',
      [{ path: 'cursor', message: 'not a cursor returned by this API' }],
      'invalid_cursor',
    );
  return text;
}

/** One page of audit entries; `nextCursor` continues after the last one. */
export async function listAuditEntries(p: AuditLogDeps, who: Principal, q: z.infer<typeof AuditQuery>): Promise<z.infer<typeof AuditList>> {
  const rows = await listAudit(p.db, who.orgId, {
    actorId: q.actorId,
    actorType: q.actorType,
    action: q.action,
    actionPrefix: q.actionPrefix,
    targetType: q.targetType,
    targetId: q.targetId,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    beforeId: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: q.limit,
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: { type: r.actorType as 'user' | 'apikey' | 'system', id: r.actorId },
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      source: r.source,
      diff: (r.diff ?? null) as z.infer<typeof AuditList>['items'][number]['diff'],
    })),
    nextCursor: rows.length > q.limit ? Buffer.from(page.at(-1)!.id).toString('base64url') : null,
  };
}
