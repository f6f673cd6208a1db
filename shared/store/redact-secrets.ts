/**
 * Redaction for audit diffs: values under keys that name secrets (password, secret, api key,
 * connection string, private key, credential(s), authorization, cookie, or any key ending in
 * `token`) are replaced at any depth before the diff is stored, and everything beneath such a
 * key too. References such as `{{ secrets.db }}` under such a key are hidden as well: the audit
 * log errs on hiding.
 */
const SECRET_KEY = /password|passphrase|secret|api[-_]?key|connection[-_]?string|private[-_]?key|credential|authorization|cookie|token$/i;

/** The replacement text for a redacted value. */
export const REDACTED = '[redacted]';

/** True when a field of this name holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A copy of `value` with secret-named fields replaced by `[redacted]`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 64) return REDACTED; // nothing legitimate nests this deep; do not walk further
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined ? REDACTED : redactSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}
