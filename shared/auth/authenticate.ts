/**
 * Request authentication. In development mode (no identity provider configured) every request
 * is the built-in administrator of the built-in organisation; the local host then binds to
 * loopback only.
 */
import { UnauthenticatedError } from '../domain/errors';
import type { Platform } from '../platform';
import { devPrincipal, type Principal } from './principal';

/** The headers authentication reads. */
export interface HeaderSource {
  get(name: string): string | null;
}

/** Resolves the caller of a request, or throws UnauthenticatedError. */
export async function authenticate(p: Platform, _headers: HeaderSource): Promise<Principal> {
  if (p.config.devMode) return devPrincipal();
  throw new UnauthenticatedError('No identity provider is configured for this deployment.');
}
