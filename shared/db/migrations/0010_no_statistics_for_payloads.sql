-- 0010: no planner statistics for payload columns (benchmarks, docs/benchmarks.md).
--
-- ANALYZE (autovacuum's, or the bench's statistics keeper where autovacuum is off) samples every
-- column of a table and sorts each column's sample to find its common values and histogram. For
-- the JSON payloads of runs, tasks, chunks and audit entries that meant comparing jsonb documents:
-- half the time of an ANALYZE of workflow_runs, and with the rest of ANALYZE about a seventh of
-- PostgreSQL's CPU time while 20,000 runs were triggered into fresh tables. No query filters, joins
-- or groups on these columns (they are only read back), so their statistics were never used;
-- with a statistics target of 0, ANALYZE skips them.
ALTER TABLE workflow_runs
  ALTER COLUMN input SET STATISTICS 0,
  ALTER COLUMN output SET STATISTICS 0,
  ALTER COLUMN error SET STATISTICS 0,
  ALTER COLUMN input_hash SET STATISTICS 0;
ALTER TABLE task_runs
  ALTER COLUMN output SET STATISTICS 0,
  ALTER COLUMN error SET STATISTICS 0,
  ALTER COLUMN attempt_log SET STATISTICS 0;
ALTER TABLE chunk_runs
  ALTER COLUMN record SET STATISTICS 0,
  ALTER COLUMN output SET STATISTICS 0,
  ALTER COLUMN error SET STATISTICS 0;
ALTER TABLE audit_log
  ALTER COLUMN diff SET STATISTICS 0;
