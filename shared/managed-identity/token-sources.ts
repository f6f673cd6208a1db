/**
 * One token source per identity and scope in a process: the work queue, the rate limiter and the
 * streaming gate sign in to Redis with the same token, and the pool's connections to PostgreSQL
 * share theirs, so the identity endpoint is asked once per token lifetime, not once per connection.
 */
import type { EntraSignIn } from '../config';
import { createAccessTokenSource, type AccessTokenSource } from './access-token-source';
import { platformCredential } from './credential';

const sources = new Map<string, AccessTokenSource>();

/** The shared token source for `signIn`'s identity and `scope`. */
export function managedIdentityTokens(signIn: EntraSignIn, scope: string, dependency: 'database' | 'queue'): AccessTokenSource {
  const key = `${signIn.clientId ?? '(default credential)'} ${scope}`;
  let source = sources.get(key);
  if (!source) {
    source = createAccessTokenSource({ credential: platformCredential(signIn.clientId), scope, dependency });
    sources.set(key, source);
  }
  return source;
}
