/**
 * Run retention (issue #18): `chunkRows` chunk rows of old finished runs (runs of one chunked task,
 * ended 60 days ago) in the organisation the triggers run in, with `runRetentionDays` 30; triggers
 * at a fixed rate for `quietSeconds` alone, then while the compiled purge (the `purgeRuns` timer's
 * function, in this process, on a pool of its own) deletes them. Reports the purge's rows per second
 * and the trigger response time p50/p99 before and during the purge.
 */
import { openLoop } from '../load-generator.mjs';
import { summarize } from '../percentiles.mjs';
import { loadDist } from '../context.mjs';
import { echoWorkflow } from './drain.mjs';

const CHUNKS_PER_RUN = 1_000;

/** Inserts the old runs set-based: run rows, one chunked task row each, then chunk rows 100 runs per statement. */
async function seedOldRuns(pg, orgId, workflowId, chunkRows) {
  const runs = Math.max(1, Math.round(chunkRows / CHUNKS_PER_RUN));
  const { rows } = await pg.query(
    `INSERT INTO workflow_runs (id, org_id, workflow_id, workflow_version, status, trigger, input, output, created_at, started_at, finished_at)
     SELECT gen_random_uuid(), $1::uuid, $2::uuid, 1, 'SUCCEEDED', 'http', '{}'::jsonb, '{}'::jsonb,
            now() - interval '60 days', now() - interval '60 days', now() - interval '60 days'
       FROM generate_series(1, $3::int)
     RETURNING id`,
    [orgId, workflowId, runs],
  );
  const ids = rows.map((r) => r.id);
  await pg.query(
    `INSERT INTO task_runs (org_id, run_id, position, key, type, status, chunks_total, chunks_succeeded, chunks_failed, chunks_running, finished_at)
     SELECT $2::uuid, id, 0, 'loop', 'chunked', 'SUCCEEDED', $3::bigint, $3::bigint, 0, 0, now() - interval '60 days'
       FROM unnest($1::uuid[]) AS id`,
    [ids, orgId, CHUNKS_PER_RUN],
  );
  for (let i = 0; i < ids.length; i += 100) {
    await pg.query(
      `INSERT INTO chunk_runs (org_id, run_id, task_run_id, index, status, attempts, record, output, finished_at)
       SELECT $2::uuid, t.run_id, t.id, g, 'SUCCEEDED', 1, jsonb_build_object('index', g, 'id', 'record-' || g), jsonb_build_object('ok', true), now()
         FROM task_runs t CROSS JOIN generate_series(0, $3::int - 1) AS g
        WHERE t.run_id = ANY($1::uuid[])`,
      [ids.slice(i, i + 100), orgId, CHUNKS_PER_RUN],
    );
  }
  await pg.query('ANALYZE chunk_runs');
  return { runs, chunkRows: runs * CHUNKS_PER_RUN };
}

export async function retention(ctx, { chunkRows, ratePerSec, quietSeconds, chunkBatch, budgetSec }) {
  const workflowId = await ctx.createWorkflow(echoWorkflow('bench-retention'));
  const seeded = await seedOldRuns(ctx.pg, ctx.orgId, workflowId, chunkRows);
  await ctx.pg.query(
    `INSERT INTO org_settings (org_id, settings, updated_by, updated_at) VALUES ($1::uuid, '{"runRetentionDays": 30}'::jsonb, 'bench', now())
     ON CONFLICT (org_id) DO UPDATE SET settings = org_settings.settings || '{"runRetentionDays": 30}'::jsonb`,
    [ctx.orgId],
  );
  const { createDb } = loadDist(ctx.distRoot, 'shared/db/db.js');
  const { createLogger } = loadDist(ctx.distRoot, 'shared/logger.js');
  const { purgeExpiredRuns } = loadDist(ctx.distRoot, 'shared/engine/retention.js');
  const db = createDb({ connectionString: ctx.env.DATABASE_URL, schema: ctx.env.DATABASE_SCHEMA, max: 2, backend: 'postgres' });
  const worker = await ctx.startWorker();
  const url = `${ctx.url}/api/workflows/${workflowId}/runs`;
  const bodyFor = (i) => JSON.stringify({ input: { n: i } });
  let report;
  let purgeMs;
  const during = [];
  let sent = 0;
  let quiet;
  try {
    quiet = await openLoop({ url, ratePerSec, durationMs: quietSeconds * 1000, bodyFor });
    let finished = false;
    const t0 = performance.now();
    const purging = purgeExpiredRuns(
      { db, logger: createLogger('warn', { service: 'bench-retention' }) },
      { budgetMs: budgetSec * 1000, chunkBatch, orgIds: [ctx.orgId] },
    ).finally(() => {
      finished = true;
      purgeMs = performance.now() - t0;
    });
    // The same fixed rate, one second at a time, until the purge ends.
    while (!finished) {
      const w = await openLoop({ url, ratePerSec, durationMs: 1_000, bodyFor });
      during.push(...w.latencies);
      sent += w.sent;
    }
    report = await purging;
  } finally {
    await worker.stop();
    await db.close();
    await ctx.pg.query(`UPDATE org_settings SET settings = settings - 'runRetentionDays' WHERE org_id = $1::uuid`, [ctx.orgId]);
  }
  const line = report.orgs.find((o) => o.orgId === ctx.orgId) ?? { runs: 0, chunks: 0, complete: false };
  return {
    seededChunkRows: seeded.chunkRows,
    seededRuns: seeded.runs,
    complete: line.complete && line.chunks === seeded.chunkRows,
    purgedRuns: line.runs,
    purgedChunkRows: line.chunks,
    purgeSeconds: Math.round(purgeMs / 100) / 10,
    purgeChunkRowsPerSec: Math.round(line.chunks / (purgeMs / 1000)),
    chunkBatch,
    ratePerSec,
    triggersBefore: quiet.sent,
    triggersDuring: sent,
    responseMsBefore: summarize(quiet.latencies),
    responseMsDuring: summarize(during),
  };
}
