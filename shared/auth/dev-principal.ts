import type { Principal } from '../domain/principal';
import { DEV_ORG_ID } from '../store/organisations';

/** The built-in administrator of development mode. */
export function devPrincipal(): Principal {
  return { orgId: DEV_ORG_ID, actor: { type: 'user', id: 'dev-admin' }, role: 'owner' };
}
