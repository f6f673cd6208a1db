import { getEventListeners } from 'node:events';

/**
 * What a long-lived signal holds on behalf of signals derived from it: its abort listeners, plus
 * the dependants Node's `AbortSignal.any` registers on it (an internal set, found by its symbol;
 * 0 where Node has no such set).
 */
export function heldBy(signal: AbortSignal): number {
  const dependants = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  const set = dependants ? (signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants] : undefined;
  return getEventListeners(signal, 'abort').length + (set?.size ?? 0);
}
