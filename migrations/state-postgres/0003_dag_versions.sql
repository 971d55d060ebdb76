-- DAG versions (issue 13), the twin of migrations/state/0007: a version is stored once, when first loaded;
-- `dag.version` is the one loaded now; each run records the version it was created with.
CREATE TABLE dag_version (
    dag_id            TEXT COLLATE "C" NOT NULL,
    version           TEXT COLLATE "C" NOT NULL,
    bundle            TEXT COLLATE "C" NOT NULL,
    executable_sha256 TEXT COLLATE "C" NOT NULL,
    executable_path   TEXT COLLATE "C" NOT NULL,
    manifest          TEXT COLLATE "C" NOT NULL,
    created_at        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (dag_id, version)
);

ALTER TABLE dag ADD COLUMN version TEXT COLLATE "C";
ALTER TABLE dag_run ADD COLUMN dag_version TEXT COLLATE "C";
