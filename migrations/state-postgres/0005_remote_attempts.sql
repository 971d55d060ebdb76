-- Attempts offered to remote workers (issue 19), the twin of migrations/state/0016 (see there for the life of a row).
CREATE TABLE remote_attempt (
    attempt_id    BIGINT PRIMARY KEY,
    run_pk        BIGINT NOT NULL,
    task_id       TEXT COLLATE "C" NOT NULL,
    try_number    INTEGER NOT NULL,
    dag_id        TEXT COLLATE "C" NOT NULL,
    queue         TEXT COLLATE "C" NOT NULL,
    bundle_sha256 TEXT COLLATE "C" NOT NULL,
    spec          TEXT COLLATE "C" NOT NULL,
    state         TEXT COLLATE "C" NOT NULL CHECK (state IN ('offered', 'leased', 'completed', 'lost', 'cancelled')),
    epoch         BIGINT NOT NULL DEFAULT 0,
    secret_hash   TEXT COLLATE "C",
    worker        TEXT COLLATE "C",
    offered_at    DOUBLE PRECISION NOT NULL,
    leased_at     DOUBLE PRECISION,
    heartbeat_at  DOUBLE PRECISION,
    stop_signal   TEXT COLLATE "C",
    outcome       TEXT COLLATE "C",
    log_bytes     BIGINT NOT NULL DEFAULT 0,
    version       BIGINT NOT NULL
);
CREATE INDEX remote_attempt_offered ON remote_attempt (queue, offered_at) WHERE state = 'offered';
CREATE INDEX remote_attempt_version ON remote_attempt (version);
