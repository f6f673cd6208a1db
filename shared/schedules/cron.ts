/**
 * Cron expressions read in an IANA time zone (cron-parser handles daylight-saving shifts): checks
 * on save, the next fire time, and the fire times due since a point (newest first, bounded).
 */
import { CronExpressionParser } from 'cron-parser';
import type { FieldIssue } from '../domain/errors';

/** Problems with a cron expression and time zone, as field issues (empty when both are fine). */
export function checkCron(cron: string, timezone: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    issues.push({ path: 'timezone', message: `unknown IANA time zone '${timezone}'` });
  }
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    issues.push({ path: 'cron', message: `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}` });
  } else {
    try {
      CronExpressionParser.parse(cron, { tz: issues.length ? 'UTC' : timezone }).next();
    } catch (err) {
      issues.push({ path: 'cron', message: `invalid cron expression: ${(err as Error).message}` });
    }
  }
  return issues;
}

/** The first fire time strictly after `after`. */
export function nextFireAfter(cron: string, timezone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { tz: timezone, currentDate: after }).next().toDate();
}

/** Fire times in [from, until], newest first, at most `max`. */
export function dueFireTimes(cron: string, timezone: string, from: Date, until: Date, max: number): Date[] {
  const it = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(until.getTime() + 1) });
  const out: Date[] = [];
  while (out.length < max) {
    const t = it.prev().toDate();
    if (t < from) break;
    out.push(t);
  }
  return out;
}
