/** /hq members: who signed in, with which role, and direct role grants. */
import type { z } from 'zod';
import type { Principal, Role } from '../domain/principal';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as store from '../store/members';
import type { MemberView } from './api';
import { assertKeyMayGrant, assertMayGrant, grantAction } from './guard-role';

/** What this module uses of the platform (not the whole of it). */
export type MembersDeps = Pick<Platform, 'db'>;

type View = z.infer<typeof MemberView>;

function toView(m: store.MemberRow): View {
  return {
    tenantId: m.tenantId,
    objectId: m.objectId,
    displayName: m.displayName,
    username: m.username,
    role: m.role,
    effectiveRole: m.effectiveRole,
    firstSeenAt: m.firstSeenAt.toISOString(),
    lastSeenAt: m.lastSeenAt.toISOString(),
  };
}

/** Members of the caller's organisation. */
export async function listMembers(p: MembersDeps, who: Principal): Promise<{ items: View[] }> {
  return { items: (await store.listMembers(p.db, who.orgId)).map(toView) };
}

/** Grants (or with null removes) a direct role; the caller may neither grant nor take away more than they hold. */
export async function setMemberRole(p: MembersDeps, who: Principal, tenantId: string, objectId: string, role: Role | null): Promise<View> {
  assertMayGrant(who, role);
  await assertKeyMayGrant(p.db, who);
  return p.db.tx(async (q) => {
    const before = await store.getMember(q, who.orgId, tenantId, objectId);
    assertMayGrant(who, before?.role);
    const after = await store.setMemberRole(q, who.orgId, tenantId, objectId, role);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: grantAction(who, 'member.role.set'),
      targetType: 'member',
      targetId: `${tenantId}/${objectId}`,
      diff: { before: { role: before?.role ?? null }, after: { role } },
    });
    return toView(after);
  });
}
