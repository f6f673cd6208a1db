/**
 * Table statistics as a server with autovacuum keeps them. Where the server runs with autovacuum
 * off (this machine's does), a bench schema's tables are never analyzed: the worker's and control
 * plane's prepared statements keep the plans they got while the tables were empty (the batched
 * claim and run end then read all of workflow_runs on every execution, a cost that grows with the
 * table), which says nothing about a production server, where autovacuum analyzes a table once
 * 50 rows + 10 % of it changed and the plans are made again. So, only when autovacuum is off, this
 * analyzes a bench table once its changes since the last analyze exceed 50 rows + `scaleFactor`
 * × its size, checked every second. The default, 1 (the table doubled), keeps the plans right
 * with a handful of analyzes per scenario: each analyze makes every connection plan its
 * statements again, and autovacuum, which looks at a database once per `autovacuum_naptime`
 * (60 s), analyzes far less often than 10 % checked every second would (trigger→start p99 at
 * 200/s: 5.68 / 5.31 ms with 0.1, 4.77 / 4.17 ms with 1).
 */

/** Starts the keeper on `pool` (search_path = the bench schema); returns { active, analyzed, stop() }. */
export async function startStatisticsKeeper(pool, schema, { everyMs = 1_000, scaleFactor = 1 } = {}) {
  const { rows } = await pool.query(
    `SELECT current_setting('autovacuum') AS av, current_setting('autovacuum_analyze_threshold')::int AS t`,
  );
  const { av, t } = rows[0];
  const f = scaleFactor;
  const keeper = { active: av !== 'on', analyzed: 0, stop: async () => undefined };
  if (!keeper.active) return keeper;
  let stopped = false;
  let running = Promise.resolve();
  // The schema's tables, found once they exist (the control plane creates them after this
  // starts); then each check reads their counters by oid, a few index lookups, rather than the
  // pg_stat_user_tables view over every table of the database (milliseconds of the server's CPU
  // each second on a catalog that test schemas have bloated).
  let tables = [];
  let ticks = 0;
  const tick = async () => {
    // Looked up again every 10 checks: migrations add tables in several transactions.
    if (!tables.length || ticks++ % 10 === 0) {
      const found = await pool.query(
        `SELECT c.oid::int8::text AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relkind = 'r'`,
        [schema],
      );
      tables = found.rows.map((r) => r.oid);
      if (!tables.length) return;
    }
    const { rows: due } = await pool.query(
      `SELECT c.relname FROM pg_class c
        WHERE c.oid = ANY($1::oid[]) AND pg_stat_get_mod_since_analyze(c.oid) > $2::int + $3::float8 * greatest(c.reltuples, 0)`,
      [tables, t, f],
    );
    for (const r of due) {
      if (stopped) return;
      await pool.query(`ANALYZE "${schema}"."${r.relname}"`);
      keeper.analyzed++;
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick).catch(() => undefined);
  }, everyMs);
  keeper.stop = async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
  return keeper;
}
