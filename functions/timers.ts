/**
 * Timer-triggered work, declared once: `index.ts` registers each with `app.timer` (NCRONTAB, six
 * fields), and the local host runs the same handlers on an interval.
 */
import { sweepPendingRuns } from '../shared/engine/recovery-sweep';
import type { Platform } from '../shared/platform';

export interface TimerJob {
  name: string;
  /** NCRONTAB schedule for Azure Functions. */
  schedule: string;
  /** The same period for the local host loop. */
  everyMs: number;
  run(platform: Platform): Promise<unknown>;
}

export const timers: readonly TimerJob[] = [
  {
    name: 'recoverySweep',
    schedule: '0 * * * * *',
    everyMs: 60_000,
    run: (p) => sweepPendingRuns(p, 30_000),
  },
];
