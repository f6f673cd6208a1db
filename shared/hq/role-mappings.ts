/** /hq role mappings: which Entra group gives which role in the organisation. */
import type { z } from 'zod';
import type { Principal, Role } from '../domain/principal';
import { NotFoundError } from '../domain/errors';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as store from '../store/role-mappings';
import type { RoleMappingView } from './api';
import { assertKeyMayGrant, assertMayGrant, grantAction } from './guard-role';

/** What this module uses of the platform (not the whole of it). */
export type RoleMappingsDeps = Pick<Platform, 'db'>;

type View = z.infer<typeof RoleMappingView>;

function toView(m: store.RoleMappingRow): View {
  return { groupId: m.groupId, role: m.role, description: m.description, createdBy: m.createdBy, createdAt: m.createdAt.toISOString() };
}

/** Every mapping of the caller's organisation. */
export async function listRoleMappings(p: RoleMappingsDeps, who: Principal): Promise<{ items: View[] }> {
  return { items: (await store.listRoleMappings(p.db, who.orgId)).map(toView) };
}

/** Maps a group to a role (creating or replacing the mapping). */
export async function putRoleMapping(
  p: RoleMappingsDeps,
  who: Principal,
  groupId: string,
  body: { role: Role; description?: string | undefined },
): Promise<{ view: View; created: boolean }> {
  assertMayGrant(who, body.role);
  await assertKeyMayGrant(p.db, who);
  const gid = groupId.toLowerCase();
  return p.db.tx(async (q) => {
    const before = await store.getRoleMapping(q, who.orgId, gid);
    assertMayGrant(who, before?.role);
    const after = await store.putRoleMapping(q, who.orgId, {
      groupId: gid,
      role: body.role,
      description: body.description ?? null,
      createdBy: who.actor.id,
    });
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: grantAction(who, before ? 'role_mapping.update' : 'role_mapping.create'),
      targetType: 'role_mapping',
      targetId: gid,
      diff: {
        before: before ? { role: before.role, description: before.description } : null,
        after: { role: after.role, description: after.description },
      },
    });
    return { view: toView(after), created: !before };
  });
}

/** Removes a group's mapping. */
export async function deleteRoleMapping(p: RoleMappingsDeps, who: Principal, groupId: string): Promise<void> {
  const gid = groupId.toLowerCase();
  await p.db.tx(async (q) => {
    const before = await store.getRoleMapping(q, who.orgId, gid);
    if (!before) throw new NotFoundError('role mapping', gid);
    assertMayGrant(who, before.role);
    await store.deleteRoleMapping(q, who.orgId, gid);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'role_mapping.delete',
      targetType: 'role_mapping',
      targetId: gid,
      diff: { before: { role: before.role, description: before.description }, after: null },
    });
  });
}
