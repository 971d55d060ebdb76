-- Attempts offered to remote workers (issue 19). The scheduler inserts a row when it launches an attempt of a queue
-- it does not serve itself; a worker leases it over the API (state `leased`, a new `epoch` and the SHA-256 of a fresh
-- secret: the fencing token is "<attempt_id>.<epoch>.<secret>"), heartbeats, and completes it (`completed`, with its
-- outcome). The scheduler revokes a lease whose heartbeats stopped (`lost`) or an attempt it no longer wants
-- (`cancelled`); every later call with that token is refused. `version` grows with every change, so the scheduler
-- reads only the rows changed since its last step.
CREATE TABLE remote_attempt (
    attempt_id    INTEGER PRIMARY KEY,
    run_pk        INTEGER NOT NULL,
    task_id       TEXT NOT NULL,
    try_number    INTEGER NOT NULL,
    dag_id        TEXT NOT NULL,
    queue         TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    spec          TEXT NOT NULL,         -- the attempt's spec (JSON) as the worker needs it
    state         TEXT NOT NULL CHECK (state IN ('offered', 'leased', 'completed', 'lost', 'cancelled')),
    epoch         INTEGER NOT NULL DEFAULT 0,
    secret_hash   TEXT,
    worker        TEXT,
    offered_at    REAL NOT NULL,
    leased_at     REAL,
    heartbeat_at  REAL,
    stop_signal   TEXT,                  -- 'terminate' or 'kill': the scheduler asks the worker to stop it
    outcome       TEXT,                  -- JSON AttemptOutcome, once completed
    log_bytes     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL
);
CREATE INDEX remote_attempt_offered ON remote_attempt (queue, offered_at) WHERE state = 'offered';
CREATE INDEX remote_attempt_version ON remote_attempt (version);
