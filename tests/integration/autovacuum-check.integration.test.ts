/**
 * At start the platform reads the server's autovacuum settings (real PostgreSQL) and warns, with
 * a stable code, when nothing will analyze the run tables. This machine's server runs without
 * autovacuum, so here the warning is expected; on a server with it, the same test expects none.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { expect, it } from 'vitest';
import { createTestPlatform, TEST_DATABASE_URL } from '../helpers/test-platform';

it('warns at start exactly when the server runs without autovacuum', async () => {
  const lines: Array<{ level: number; code?: string; msg: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  const { rows } = await c.query(`SELECT current_setting('autovacuum') AS a, current_setting('track_counts') AS t`);
  await c.end();
  const p = await createTestPlatform({ overrides: { logger: pino({ level: 'info' }, stream) } });
  try {
    const warned = lines.filter((l) => l.code === 'autovacuum_off');
    if (rows[0].a === 'on' && rows[0].t === 'on') {
      expect(warned).toEqual([]);
    } else {
      expect(warned).toHaveLength(1);
      expect(warned[0]!.level).toBe(40); // warn
      expect(warned[0]!.msg).toMatch(/nothing analyzes the run tables/);
    }
  } finally {
    await p.close();
  }
});
