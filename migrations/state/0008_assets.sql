-- Data assets (issue 14): what tasks read and write, and every materialization of an asset.
-- An asset is named by URI; DAG sync keeps asset_reference equal to the DAGs' inlets and outlets.

CREATE TABLE asset (
    id                INTEGER PRIMARY KEY,
    uri               TEXT NOT NULL UNIQUE,
    created_at        REAL NOT NULL
);

CREATE TABLE asset_reference (
    asset_id          INTEGER NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
    dag_id            TEXT NOT NULL,
    task_id           TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('inlet', 'outlet')),
    PRIMARY KEY (asset_id, dag_id, task_id, role)
) WITHOUT ROWID;
CREATE INDEX asset_reference_by_dag ON asset_reference (dag_id);

-- One row per outlet of a successful attempt. The run may be deleted later; its ids stay as text.
CREATE TABLE asset_event (
    id                INTEGER PRIMARY KEY,
    asset_id          INTEGER NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
    run_pk            INTEGER REFERENCES dag_run (id) ON DELETE SET NULL,
    dag_id            TEXT NOT NULL,
    run_id            TEXT NOT NULL,
    task_id           TEXT NOT NULL,
    try_number        INTEGER NOT NULL,
    interval_start    REAL NOT NULL,
    interval_end      REAL NOT NULL,
    created_at        REAL NOT NULL,
    rows_written      INTEGER,
    metadata          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX asset_event_by_asset ON asset_event (asset_id, id DESC);
CREATE INDEX asset_event_by_run ON asset_event (run_pk);

-- Results of asset checks, per asset and per run (the latest of each check decides health and blocking).
CREATE TABLE asset_check_result (
    id                INTEGER PRIMARY KEY,
    asset_id          INTEGER NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
    check_name        TEXT NOT NULL,
    severity          TEXT NOT NULL CHECK (severity IN ('warn', 'error')),
    passed            INTEGER NOT NULL CHECK (passed IN (0, 1)),
    observed          TEXT NOT NULL DEFAULT 'null',
    details           TEXT NOT NULL DEFAULT '',
    run_pk            INTEGER REFERENCES dag_run (id) ON DELETE SET NULL,
    dag_id            TEXT NOT NULL,
    run_id            TEXT NOT NULL,
    task_id           TEXT NOT NULL,
    try_number        INTEGER NOT NULL,
    created_at        REAL NOT NULL
);
CREATE INDEX asset_check_result_by_asset ON asset_check_result (asset_id, id DESC);
CREATE INDEX asset_check_result_by_run ON asset_check_result (run_pk);

-- Assets the freshness watcher found stale, since when (no row: fresh); an alert is raised once per stale period.
CREATE TABLE asset_freshness (
    asset_id          INTEGER PRIMARY KEY REFERENCES asset (id) ON DELETE CASCADE,
    stale_since       REAL NOT NULL,
    updated_at        REAL NOT NULL
);
