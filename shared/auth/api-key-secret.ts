/**
 * API key secrets: `dmt_` + 32 random bytes (base64url). Only the SHA-256 of the whole key is
 * stored; a plain hash is enough because the secret has 256 bits of entropy (no dictionary to
 * guess from), and it lets the lookup be one indexed equality.
 */
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'dmt_';
const SHAPE = /^dmt_[A-Za-z0-9_-]{43}$/;

/** A new key: the secret (shown once), its hash and the prefix kept for display. */
export function generateApiKey(): { secret: string; hash: Buffer; prefix: string } {
  const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, 12) };
}

/** SHA-256 of the key as presented. */
export function hashApiKey(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** True when the string has the shape of a Demiton API key (checked before any lookup). */
export function looksLikeApiKey(value: string): boolean {
  return SHAPE.test(value);
}
