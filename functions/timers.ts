/**
 * Timer-triggered work, declared once: `index.ts` registers each with `app.timer` (NCRONTAB, six
 * fields), and the local host runs the same handlers on an interval.
 */
import { resumeBulkActions } from '../shared/engine/bulk-retry';
import { recoverRuns } from '../shared/engine/recovery-sweep';
import { purgeExpiredRuns } from '../shared/engine/retention';
import { resumeDueWaits } from '../shared/engine/waits-service';
import { fireDueSchedules } from '../shared/schedules/fire-schedules';
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
    // With the default 30 s lease a dead worker's runs resume within about a minute. The sweep is a
    // few indexed queries and one SCAN of processing lists, cheap enough to run this often.
    name: 'recoverySweep',
    schedule: '*/30 * * * * *',
    everyMs: 15_000,
    run: (p) => recoverRuns(p, { pendingOlderThanMs: 30_000 }),
  },
  {
    // Every minute in Azure (cron resolution); every 15 s locally so a due fire starts promptly.
    // Several instances may run it at once: SKIP LOCKED and the fire ledger keep one run per fire.
    name: 'fireSchedules',
    schedule: '5 * * * * *',
    everyMs: 15_000,
    run: (p) => fireDueSchedules(p),
  },
  {
    // A bulk retry runs in the process that started it; one whose process stopped (no batch for a
    // minute) is resumed here. Each batch locks the action row, so instances never double a batch.
    name: 'bulkActions',
    schedule: '15 * * * * *',
    everyMs: 30_000,
    run: (p) => resumeBulkActions(p),
  },
  {
    // Durable timers: waits for a time resume, other waits time out. Every minute in Azure (cron
    // resolution), every second locally. One indexed query when nothing is due.
    name: 'resumeDueWaits',
    schedule: '0 * * * * *',
    everyMs: 1_000,
    run: (p) => resumeDueWaits(p),
  },
  {
    // Run retention (org setting runRetentionDays): hourly in Azure and every ten minutes locally,
    // each tick bounded by RETENTION_TICK_SECONDS (120 s by default, about 1.5 million chunk rows at
    // the bench's rate). Instances share the work per organisation through a lease row.
    name: 'purgeRuns',
    schedule: '0 20 * * * *',
    everyMs: 600_000,
    run: (p) =>
      purgeExpiredRuns(
        { db: p.db, logger: p.logger },
        { budgetMs: p.config.retention.tickBudgetMs, chunkBatch: p.config.retention.chunkBatch },
      ),
  },
];
