/**
 * Request authentication: who is calling, in which organisation, with which role.
 *
 * - `X-Api-Key`: a Demiton API key (both modes). Its organisation, role and workflow list come
 *   from the key; revoked, expired or unknown keys are refused.
 * - `Authorization: Bearer <token>`: an Entra ID access token (when ENTRA_TENANT_ID is set),
 *   verified by entra-token.ts. The tenant picks the organisation; the role is the highest of the
 *   org's group mappings for the user's groups (from the token, or from Microsoft Graph on
 *   overage), the app roles in the token (`Demiton.Owner` … `Demiton.Viewer`) and a direct grant.
 * - Development mode (DEMITON_DEV_MODE=on: no identity provider, loopback only): a request without
 *   an API key is the built-in owner of the built-in organisation.
 */
import type { Db } from '../db/db';
import { findApiKeyByHash, touchApiKey } from '../store/api-keys';
import { signInFacts, touchMember } from '../store/members';
import { hashApiKey, looksLikeApiKey } from './api-key-secret';
import type { VerifiedToken } from './entra-token';
import { CredentialRejectedError, NoRoleError, TenantNotOnboardedError } from './errors';
import { devPrincipal } from './dev-principal';
import { highestRole, ROLES, type Principal, type Role } from '../domain/principal';
import type { Identity } from './identity';

/** What authentication reads: the database, the token verifiers and whether development mode is on. */
export interface AuthDeps {
  db: Db;
  identity: Identity;
  config: { devMode: boolean };
}

/** The headers authentication reads. */
export interface HeaderSource {
  get(name: string): string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** App roles defined on the API's app registration, and the role each gives. */
export const APP_ROLES: Readonly<Record<string, Role>> = {
  'Demiton.Owner': 'owner',
  'Demiton.Admin': 'admin',
  'Demiton.Editor': 'editor',
  'Demiton.Operator': 'operator',
  'Demiton.Viewer': 'viewer',
};

/** The actor id of a user: tenant id and object id (never an e-mail address). */
export function userActorId(tenantId: string, objectId: string): string {
  return `${tenantId}/${objectId}`;
}

/** Resolves the caller of a request, or throws (401 CredentialRejectedError, 403 NoRoleError, 503 IdentityUnavailableError). */
export async function authenticate(p: AuthDeps, headers: HeaderSource): Promise<Principal> {
  const authorization = headers.get('authorization');
  const apiKey = headers.get('x-api-key');
  if (authorization && apiKey)
    throw new CredentialRejectedError('ambiguous_credentials', 'Send either an Authorization header or an X-Api-Key header, not both.');
  if (apiKey !== null) return authenticateApiKey(p, apiKey.trim());
  if (p.config.devMode) return devPrincipal();
  if (!p.identity.tokens)
    throw new CredentialRejectedError(
      'missing_credentials',
      'No identity provider is configured and development mode is off: only API keys (X-Api-Key) are accepted.',
    );
  if (!authorization)
    throw new CredentialRejectedError(
      'missing_credentials',
      'This API needs an Entra ID access token (Authorization: Bearer …) or an API key (X-Api-Key).',
    );
  const m = /^Bearer[ ]+([A-Za-z0-9_.~+/=-]+)$/i.exec(authorization.trim());
  if (!m) throw new CredentialRejectedError('malformed_token', "The Authorization header must be 'Bearer <access token>'.");
  const token = await p.identity.tokens.verify(m[1]!);
  return principalFromToken(p, token);
}

/** The principal of a verified token: its tenant's organisation and the highest role it earns there. */
export async function principalFromToken(p: AuthDeps, t: VerifiedToken): Promise<Principal> {
  let groups = t.groups;
  if (t.groupsOverage) groups = await p.identity.groups!.memberGroups(t.tenantId, t.objectId);
  const facts = await signInFacts(
    p.db,
    t.tenantId,
    t.objectId,
    groups.filter((g) => GUID.test(g)),
  );
  if (!facts) throw new TenantNotOnboardedError(t.tenantId);
  const appRoles = t.appRoles.map((r) => APP_ROLES[r]).filter((r): r is Role => !!r);
  const role = highestRole([...facts.groupRoles.filter((r) => ROLES.includes(r)), ...appRoles, facts.directRole]);
  if (!role) throw new NoRoleError(facts.orgId);
  if (!facts.known || facts.stale || facts.effectiveRole !== role) {
    await touchMember(p.db, facts.orgId, {
      tenantId: t.tenantId,
      objectId: t.objectId,
      displayName: t.displayName,
      username: t.username,
      effectiveRole: role,
    });
  }
  return {
    orgId: facts.orgId,
    actor: { type: 'user', id: userActorId(t.tenantId, t.objectId) },
    role,
    groups: groups.filter((g) => GUID.test(g)),
    displayName: t.displayName ?? null,
    username: t.username ?? null,
  };
}

async function authenticateApiKey(p: AuthDeps, presented: string): Promise<Principal> {
  if (!looksLikeApiKey(presented)) throw new CredentialRejectedError('invalid_api_key', 'The API key is not valid.');
  const key = await findApiKeyByHash(p.db, hashApiKey(presented));
  if (!key) throw new CredentialRejectedError('invalid_api_key', 'The API key is not valid.');
  if (key.revoked) throw new CredentialRejectedError('revoked_api_key', 'The API key has been revoked.');
  if (key.expired) throw new CredentialRejectedError('expired_api_key', 'The API key has expired.');
  if (!key.keysEnabled) throw new CredentialRejectedError('invalid_api_key', 'API keys are turned off for this organisation.');
  await touchApiKey(p.db, key.orgId, key.id);
  return {
    orgId: key.orgId,
    actor: { type: 'apikey', id: key.id },
    role: key.role,
    ...(key.workflowIds ? { workflowScope: key.workflowIds.map((w) => w.toLowerCase()) } : {}),
  };
}
