-- The engine writes every attempt's start and end to task_instance and task_attempt (issue 17's in-process fan-out):
-- what each of those writes costs beyond the row itself goes here.
--
-- 1. Two indexes no query reads are dropped: each was one more b-tree changed per state change and one more WAL
--    frame per commit. task_instance_active (state IN ('queued', 'running')): every query on task instances by state
--    also asks for 'scheduled', or reads one run's rows by its key, so none could use the partial index.
--    task_attempt_by_run (run_pk, start_date): a run's attempts are found through UNIQUE (run_pk, task_id,
--    try_number) and sorted in memory (a run has as many attempts as task tries).
-- 2. task_instance's CHECK on state is written as ORs: SQLite checks `state IN (eleven values)` by building a
--    temporary table, at every insert and update of a task instance. Same states, same rule. SQLite cannot change a
--    CHECK constraint in place, so the table is rebuilt with the same columns and rows (as 0011 did).
-- An attempt's start and end now change 5 b-trees instead of 8 and build no temporary table.

DROP INDEX IF EXISTS task_attempt_by_run;
CREATE TABLE task_instance_new (
    run_pk            INTEGER NOT NULL REFERENCES dag_run (id) ON DELETE CASCADE,
    task_id           TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state = 'none' OR state = 'scheduled' OR state = 'queued'
                                           OR state = 'running' OR state = 'success' OR state = 'failed'
                                           OR state = 'up_for_retry' OR state = 'upstream_failed' OR state = 'skipped'
                                           OR state = 'removed' OR state = 'blocked_by_check'),
    try_number        INTEGER NOT NULL DEFAULT 0,
    max_tries         INTEGER NOT NULL DEFAULT 1,
    next_retry_at     REAL,
    start_date        REAL,
    end_date          REAL,
    pid               INTEGER,
    error             TEXT,
    PRIMARY KEY (run_pk, task_id)
) WITHOUT ROWID;
INSERT INTO task_instance_new (run_pk, task_id, state, try_number, max_tries, next_retry_at, start_date, end_date, pid, error)
    SELECT run_pk, task_id, state, try_number, max_tries, next_retry_at, start_date, end_date, pid, error FROM task_instance;
DROP TABLE task_instance;
ALTER TABLE task_instance_new RENAME TO task_instance;
