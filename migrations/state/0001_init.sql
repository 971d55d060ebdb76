-- orch state database: DAGs, runs, task instances, every attempt, XCom, alerts, scheduler lease.
-- Times are Unix seconds (REAL, UTC). States are Airflow's names.

CREATE TABLE dag (
    dag_id            TEXT PRIMARY KEY,
    is_paused         INTEGER NOT NULL DEFAULT 0,
    schedule          TEXT,
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    description       TEXT NOT NULL DEFAULT '',
    owner             TEXT NOT NULL DEFAULT '',
    tags              TEXT NOT NULL DEFAULT '[]',
    next_run_at       REAL,
    last_interval_start REAL,
    last_interval_end REAL,
    updated_at        REAL NOT NULL
);

CREATE TABLE dag_run (
    id                INTEGER PRIMARY KEY,
    dag_id            TEXT NOT NULL,
    run_id            TEXT NOT NULL,
    run_type          TEXT NOT NULL CHECK (run_type IN ('scheduled', 'manual', 'backfill')),
    state             TEXT NOT NULL CHECK (state IN ('queued', 'running', 'success', 'failed')),
    logical_date      REAL NOT NULL,
    interval_start    REAL NOT NULL,
    interval_end      REAL NOT NULL,
    conf              TEXT NOT NULL DEFAULT '{}',
    owner             TEXT,             -- 'scheduler' or 'foreground:<pid>' while running
    queued_at         REAL NOT NULL,
    start_date        REAL,
    end_date          REAL,
    UNIQUE (dag_id, run_id),
    UNIQUE (dag_id, logical_date, run_type)
);
CREATE INDEX dag_run_by_dag_time ON dag_run (dag_id, logical_date DESC);
CREATE INDEX dag_run_by_state ON dag_run (state) WHERE state IN ('queued', 'running');

CREATE TABLE task_instance (
    run_pk            INTEGER NOT NULL REFERENCES dag_run (id) ON DELETE CASCADE,
    task_id           TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('none', 'scheduled', 'queued', 'running', 'success', 'failed',
                                                     'up_for_retry', 'upstream_failed', 'skipped', 'removed')),
    try_number        INTEGER NOT NULL DEFAULT 0,
    max_tries         INTEGER NOT NULL DEFAULT 1,
    next_retry_at     REAL,
    start_date        REAL,
    end_date          REAL,
    pid               INTEGER,
    error             TEXT,
    PRIMARY KEY (run_pk, task_id)
) WITHOUT ROWID;
CREATE INDEX task_instance_active ON task_instance (state) WHERE state IN ('queued', 'running');

CREATE TABLE task_attempt (
    id                INTEGER PRIMARY KEY,
    run_pk            INTEGER NOT NULL REFERENCES dag_run (id) ON DELETE CASCADE,
    task_id           TEXT NOT NULL,
    try_number        INTEGER NOT NULL,
    state             TEXT NOT NULL,
    isolation         TEXT NOT NULL,
    pid               INTEGER,
    pid_start_ticks   INTEGER,           -- /proc/<pid>/stat start time: tells a reused pid apart
    start_date        REAL NOT NULL,
    end_date          REAL,
    exit_code         INTEGER,
    signal            INTEGER,
    error             TEXT,
    log_path          TEXT NOT NULL,
    UNIQUE (run_pk, task_id, try_number)
);

CREATE TABLE xcom (
    run_pk            INTEGER NOT NULL REFERENCES dag_run (id) ON DELETE CASCADE,
    task_id           TEXT NOT NULL,
    key               TEXT NOT NULL,
    value             TEXT NOT NULL,
    updated_at        REAL NOT NULL,
    PRIMARY KEY (run_pk, task_id, key)
) WITHOUT ROWID;

CREATE TABLE scheduler_lease (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    holder            TEXT NOT NULL,
    pid               INTEGER NOT NULL,
    hostname          TEXT NOT NULL,
    acquired_at       REAL NOT NULL,
    heartbeat_at      REAL NOT NULL
);

CREATE TABLE pool (
    name              TEXT PRIMARY KEY,
    slots             INTEGER NOT NULL CHECK (slots >= 0),
    description       TEXT NOT NULL DEFAULT ''
);
INSERT INTO pool (name, slots, description) VALUES ('default_pool', 128, 'Default pool');
