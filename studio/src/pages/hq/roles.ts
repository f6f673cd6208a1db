/** Roles as the control plane ranks them, and what the HQ forms need to know about them. */
import type { Role } from '../../services/api';

/** Lowest to highest, as the server ranks them (shared/domain/principal.ts). */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'editor', 'admin', 'owner'];

/** True when `role` ranks below `than` (no role ranks below every role). */
export function ranksBelow(role: Role | null, than: Role): boolean {
  return (role === null ? -1 : ROLES.indexOf(role)) < ROLES.indexOf(than);
}

/** The actor id the server gives a signed-in person: `{tenantId}/{objectId}`. */
export const memberActorId = (m: { tenantId: string; objectId: string }) => `${m.tenantId}/${m.objectId}`;

/**
 * True when the caller is about to lower their own direct role below the role they act with now.
 * The server allows it (it refuses only grants above your own role, 403 `forbidden`) and keeps no
 * "last admin" rule, so the studio asks first: with no group or app role behind them, the caller
 * loses HQ at their next sign-in.
 */
export function isSelfDemotion(
  me: { actor: { type: string; id: string }; role: Role },
  member: { tenantId: string; objectId: string },
  next: Role | null,
): boolean {
  return me.actor.type === 'user' && me.actor.id === memberActorId(member) && ranksBelow(next, me.role);
}
