-- DAG versions (issue 13). A version of a DAG is the sha256 of its manifest entry (what its bundle's `describe`
-- said of it) and of the bundle executable's sha256: it changes when the DAG's definition or its code changes.
-- A version is stored once, when first loaded; `dag.version` is the one loaded now; each run records the version
-- it was created with, and every task of it runs on that version's executable (a content-addressed copy under
-- ORCH_HOME/bundles, so that a rebuild of the bundle does not change what an in-flight run executes).
CREATE TABLE dag_version (
    dag_id            TEXT NOT NULL,
    version           TEXT NOT NULL,
    bundle            TEXT NOT NULL,   -- the bundle as configured (folder or executable)
    executable_sha256 TEXT NOT NULL,
    executable_path   TEXT NOT NULL,   -- ORCH_HOME/bundles/<sha256>/<name>
    manifest          TEXT NOT NULL,   -- the DAG's manifest entry (JSON)
    created_at        REAL NOT NULL,
    PRIMARY KEY (dag_id, version)
) WITHOUT ROWID;

ALTER TABLE dag ADD COLUMN version TEXT;
ALTER TABLE dag_run ADD COLUMN dag_version TEXT;
