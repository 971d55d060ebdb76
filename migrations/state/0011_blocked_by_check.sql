-- A task state for asset checks (issue 14): blocked_by_check, a task that may not run because an asset it reads
-- failed an error-severity check in its run. SQLite cannot change a CHECK constraint in place, so the table is
-- rebuilt with the same columns, rows and index.

CREATE TABLE task_instance_new (
    run_pk            INTEGER NOT NULL REFERENCES dag_run (id) ON DELETE CASCADE,
    task_id           TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('none', 'scheduled', 'queued', 'running', 'success', 'failed',
                                                     'up_for_retry', 'upstream_failed', 'skipped', 'removed',
                                                     'blocked_by_check')),
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
CREATE INDEX task_instance_active ON task_instance (state) WHERE state IN ('queued', 'running');
