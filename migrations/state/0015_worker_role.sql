-- The `worker` token role (issue 19: remote workers): a worker token may lease attempts and report on them, nothing
-- else. SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the same columns and rows.
CREATE TABLE api_token_new (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin', 'worker')),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  REAL NOT NULL,
    created_by  TEXT NOT NULL,
    revoked_at  REAL
);
INSERT INTO api_token_new (name, role, token_hash, created_at, created_by, revoked_at)
    SELECT name, role, token_hash, created_at, created_by, revoked_at FROM api_token;
DROP TABLE api_token;
ALTER TABLE api_token_new RENAME TO api_token;
