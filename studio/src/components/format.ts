/** Formatting of times and durations for people. */

export function duration(from: string | null | undefined, to: string | null | undefined, now = Date.now()): string {
  if (!from) return '—';
  const ms = (to ? Date.parse(to) : now) - Date.parse(from);
  return ms < 0 ? '—' : formatMs(ms);
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  // Round to whole seconds first, so 59 min 59.6 s reads "60 min 0 s", never "59 min 60 s".
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A time with its zone named: in `timeZone` (an IANA name) when given, else in the browser's zone. */
export function when(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'long', ...(timeZone ? { timeZone } : {}) };
  try {
    return new Date(iso).toLocaleString(undefined, opts);
  } catch {
    // An unknown zone name: show the instant in the browser's zone rather than nothing.
    return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
  }
}

/** The browser's IANA time zone. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
