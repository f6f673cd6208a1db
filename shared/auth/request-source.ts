/** Where a request came from, as the audit log records it (`Principal.source`). */

/**
 * The client address for the audit log. Azure's front end appends the caller's address to
 * X-Forwarded-For, so the chain is kept whole (client-supplied entries come first and are not
 * trusted on their own); capped at 200 characters.
 */
export function sourceFromHeaders(headers: { get(name: string): string | null }): string | null {
  const xff = headers.get('x-forwarded-for')?.trim();
  if (xff) return xff.slice(0, 200);
  return null;
}
