/**
 * Triggers as the hook endpoint reads them: the row with its secrets opened, kept per process for
 * a few seconds. A busy webhook (GitHub, Event Grid) delivers hundreds of times a minute; reading
 * and decrypting the row each time would cost a round trip and an unwrap per delivery. A change
 * made through this process is seen at once (it forgets the entry); one made through another
 * instance within TTL_MS.
 */
import type { Platform } from '../platform';
import { BoundedCache } from '../domain/bounded-cache';
import { getTriggerById, type TriggerRow } from '../store/triggers';

/** What this module uses of the platform (not the whole of it). */
export type TriggerCacheDeps = Pick<Platform, 'db' | 'secretBox'>;

/** How long an entry is used before the row is read again. */
export const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** The secrets of a trigger as sealed: the current one, and the previous one during a rotation. */
export interface TriggerSecrets {
  current?: string;
  previous?: string;
}

export interface LoadedTrigger {
  row: TriggerRow;
  secrets: TriggerSecrets;
}

const entries = new BoundedCache<string, Promise<LoadedTrigger | null>>(MAX_ENTRIES, TTL_MS);

/** The additional authenticated data a trigger's secrets are sealed under (the row they belong to). */
export function secretScope(triggerId: string): string {
  return `trigger:${triggerId}`;
}

/** Opens the sealed secrets of a trigger row. */
export async function openSecrets(p: TriggerCacheDeps, row: TriggerRow): Promise<TriggerSecrets> {
  if (!row.sealedSecrets) return {};
  return (await p.secretBox.open(row.orgId, secretScope(row.id), row.sealedSecrets)) as TriggerSecrets;
}

/** A trigger with its secrets, from the process cache or the database; null when there is none. */
export function loadTrigger(p: TriggerCacheDeps, id: string): Promise<LoadedTrigger | null> {
  const hit = entries.get(id);
  if (hit) return hit;
  const value = (async () => {
    const row = await getTriggerById(p.db, id);
    return row ? { row, secrets: await openSecrets(p, row) } : null;
  })();
  // A failed read is not kept: the next delivery reads again.
  value.catch(() => entries.get(id) === value && entries.delete(id));
  entries.set(id, value);
  return value;
}

/** Drops a trigger from this process's cache (after it was changed or deleted here). */
export function forgetTrigger(id: string): void {
  entries.delete(id);
}

/** The secrets valid at `now`: the current one, and the previous one until its overlap ends. */
export function validSecrets(t: LoadedTrigger, now = Date.now()): string[] {
  const out: string[] = [];
  if (t.secrets.current) out.push(t.secrets.current);
  if (t.secrets.previous && t.row.previousValidUntil && t.row.previousValidUntil.getTime() > now) out.push(t.secrets.previous);
  return out;
}
