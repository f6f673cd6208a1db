/** Nobody hands out more than they hold: the rule for every role grant made through /hq. */
import { ForbiddenError } from '../domain/errors';
import { hasRole, type Principal, type Role } from '../auth/principal';
import { KeyGrantsDisabledError } from '../auth/errors';
import type { Queryable } from '../db/db';
import { effectiveSettings } from './org-settings';

/** Throws ForbiddenError when `who` may not grant (or take away) `role`. */
export function assertMayGrant(who: Principal, role: Role | null | undefined): void {
  if (role && !hasRole(who.role, role)) {
    throw new ForbiddenError(role, `Granting or changing the '${role}' role needs the '${role}' role yourself.`);
  }
}

/**
 * An API key handing out access (a key, a role mapping, a member role) is refused when the
 * organisation turned that off in /hq; people are never refused here.
 */
export async function assertKeyMayGrant(q: Queryable, who: Principal): Promise<void> {
  if (who.actor.type !== 'apikey') return;
  if (!(await effectiveSettings(q, who.orgId)).settings.apiKeysMayGrantAccess) throw new KeyGrantsDisabledError();
}

/** The audit action of a grant: `<action>.by_api_key` when a key made it, so such grants are found by action. */
export function grantAction(who: Principal, action: string): string {
  return who.actor.type === 'apikey' ? `${action}.by_api_key` : action;
}
