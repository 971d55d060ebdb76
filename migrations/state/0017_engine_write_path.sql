-- Two indexes no query reads, dropped because the engine writes every attempt through them (issue 17's in-process
-- fan-out): each index is one more b-tree page changed per state change and one more WAL frame per commit.
-- task_instance_active (state IN ('queued', 'running')): every query on task instances by state also asks for
-- 'scheduled', or reads one run's rows by its key, so none could use the partial index. task_attempt_by_run
-- (run_pk, start_date): a run's attempts are found through UNIQUE (run_pk, task_id, try_number) and sorted in memory
-- (a run has as many attempts as task tries). An attempt's start and end now change 5 b-trees instead of 8.
DROP INDEX IF EXISTS task_instance_active;
DROP INDEX IF EXISTS task_attempt_by_run;
