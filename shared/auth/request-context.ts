/**
 * Per-request facts that the audit log records without every service passing them along: where
 * the request came from. The HTTP layer opens the context; `appendAudit` reads it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** The client address chain as the front end reported it (X-Forwarded-For), or null. */
  source: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current request context. */
export function withRequestContext<T>(ctx: RequestContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(ctx, fn);
}

/** The current request's context, or undefined outside a request (worker, timers). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

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
