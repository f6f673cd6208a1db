/** Who is calling: an organisation, an actor and a role. Routes declare the role they need. */

/** Who did something, as the audit log records it. */
export interface Actor {
  type: 'user' | 'apikey' | 'system';
  id: string;
}

export const ROLES = ['viewer', 'operator', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  orgId: string;
  actor: Actor;
  role: Role;
  /** For API keys limited to some workflows: their ids. Absent means every workflow. */
  workflowScope?: readonly string[];
  /** A signed-in user's Entra group object ids (who may decide an approval); absent for API keys. */
  groups?: readonly string[];
  /** A signed-in user's display name and user name, recorded with approval decisions. */
  displayName?: string | null;
  username?: string | null;
  /** Where the request came from (the X-Forwarded-For chain), recorded in audit entries; absent outside HTTP. */
  source?: string | null;
}

/** The higher of the roles given, or null when none is. */
export function highestRole(roles: ReadonlyArray<Role | null | undefined>): Role | null {
  let best: Role | null = null;
  for (const r of roles) if (r && (best === null || ROLES.indexOf(r) > ROLES.indexOf(best))) best = r;
  return best;
}

/** True when `role` is at least `needed` (owner > admin > editor > operator > viewer). */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
