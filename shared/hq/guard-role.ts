/** Nobody hands out more than they hold: the rule for every role grant made through /hq. */
import { ForbiddenError } from '../domain/errors';
import { hasRole, type Principal, type Role } from '../domain/principal';

/** Throws ForbiddenError when `who` may not grant (or take away) `role`. */
export function assertMayGrant(who: Principal, role: Role | null | undefined): void {
  if (role && !hasRole(who.role, role)) {
    throw new ForbiddenError(role, `Granting or changing the '${role}' role needs the '${role}' role yourself.`);
  }
}
