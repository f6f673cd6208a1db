import { describe, expect, it } from 'vitest';
import { checkCron, dueFireTimes, nextFireAfter } from './cron';

describe('cron in a time zone', () => {
  it('accepts five fields and a real zone, and names what is wrong otherwise', () => {
    expect(checkCron('0 9 * * 1-5', 'Europe/Berlin')).toEqual([]);
    expect(checkCron('0 9 * *', 'UTC')[0]).toMatchObject({ path: 'cron' });
    expect(checkCron('61 * * * *', 'UTC')[0]!.message).toMatch(/invalid cron/);
    expect(checkCron('* * * * * *', 'UTC')[0]!.message).toMatch(/5 fields/);
    expect(checkCron('* * * * *', 'Mars/Base')).toEqual([{ path: 'timezone', message: "unknown IANA time zone 'Mars/Base'" }]);
  });

  it('follows daylight-saving time in the zone', () => {
    // Berlin moves from UTC+1 to UTC+2 on 2026-03-29: 09:00 local is 08:00Z before, 07:00Z after.
    expect(nextFireAfter('0 9 * * *', 'Europe/Berlin', new Date('2026-03-28T00:00:00Z')).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(nextFireAfter('0 9 * * *', 'Europe/Berlin', new Date('2026-03-29T00:00:00Z')).toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('lists due fire times newest first, bounded', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const until = new Date('2026-01-01T01:00:00Z');
    expect(dueFireTimes('*/15 * * * *', 'UTC', from, until, 10).map((d) => d.toISOString())).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T00:45:00.000Z',
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T00:15:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    expect(dueFireTimes('* * * * *', 'UTC', from, until, 3)).toHaveLength(3);
  });
});
