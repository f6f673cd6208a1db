/**
 * Whether the PostgreSQL server keeps table statistics by itself. Without autovacuum (or without
 * `track_counts`, which it needs) nothing analyzes the run tables: the engine's prepared
 * statements keep the plans they got while the tables were small, and as the tables grow the
 * batched claims and run ends read all of workflow_runs on every execution (benchmarks: 25.5
 * million rows read for 20,000 runs). The platform says so at start; it does not analyze tables
 * itself, which is the server's job.
 */
import type { Queryable } from './db';

export interface AutovacuumSettings {
  autovacuum: string | null;
  trackCounts: string | null;
}

export async function readAutovacuumSettings(q: Queryable): Promise<AutovacuumSettings> {
  const { rows } = await q.query<AutovacuumSettings>(
    `SELECT current_setting('autovacuum', true) AS autovacuum, current_setting('track_counts', true) AS "trackCounts"`,
  );
  return rows[0] ?? { autovacuum: null, trackCounts: null };
}

/** The warning to log for these settings, or null when the server analyzes tables itself. */
export function autovacuumWarning(s: AutovacuumSettings): string | null {
  const off = [s.autovacuum === 'off' ? 'autovacuum' : null, s.trackCounts === 'off' ? 'track_counts' : null].filter(Boolean);
  if (!off.length) return null;
  return (
    `PostgreSQL runs with ${off.join(' and ')} off: nothing analyzes the run tables, so the worker's ` +
    `statements keep plans made while the tables were small and slow down as they grow. Turn ${off.join(' and ')} on ` +
    `(the default), or analyze workflow_runs, task_runs and chunk_runs regularly.`
  );
}
