-- 0009: more room on each task_runs page for heap-only updates (benchmarks, docs/benchmarks.md).
--
-- A task row is written three times: inserted PENDING with its run, updated when it starts and
-- when it ends. Neither update changes an indexed column, so each can stay on its page as a
-- heap-only tuple, with no entry written into the three indexes of task_runs, if the page has
-- room. At fillfactor 80 a drain of 20,000 single-task runs still moved ~15,000 task updates to
-- other pages (three index entries each); at 60 fewer do, and the drain ran 4-5 % faster in two
-- interleaved pairs. The price is about a third more heap pages for task rows. The setting
-- applies to pages filled from now on; existing pages keep their layout.
ALTER TABLE task_runs SET (fillfactor = 60);
