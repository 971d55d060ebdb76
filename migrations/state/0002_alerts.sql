-- Alert outbox: written in the same transaction as the state change that caused it.
-- One row per event and webhook target; the delivery id is fixed when the row is written.
CREATE TABLE alert (
    id                INTEGER PRIMARY KEY,
    delivery_id       TEXT NOT NULL UNIQUE,
    event             TEXT NOT NULL,
    target            TEXT NOT NULL,
    dag_id            TEXT NOT NULL,
    run_id            TEXT,
    task_id           TEXT,
    try_number        INTEGER,
    payload           TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   REAL NOT NULL,
    created_at        REAL NOT NULL,
    delivered_at      REAL,
    last_error        TEXT
);
-- The same event is never queued twice for the same target.
CREATE UNIQUE INDEX alert_once ON alert (event, target, dag_id, ifnull(run_id, ''), ifnull(task_id, ''),
                                         ifnull(try_number, 0));
CREATE INDEX alert_pending ON alert (next_attempt_at) WHERE state = 'pending';

CREATE TABLE alert_delivery (
    id                INTEGER PRIMARY KEY,
    alert_id          INTEGER NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    url               TEXT NOT NULL,
    attempted_at      REAL NOT NULL,
    status_code       INTEGER,
    error             TEXT,
    duration_ms       REAL NOT NULL
);
CREATE INDEX alert_delivery_by_alert ON alert_delivery (alert_id);
