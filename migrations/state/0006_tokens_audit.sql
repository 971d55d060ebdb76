-- API tokens with roles (stored as SHA-256 hex of the token, never the token) and the audit log of every state
-- change made through the API or the CLI.
CREATE TABLE api_token (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  REAL NOT NULL,
    created_by  TEXT NOT NULL,
    revoked_at  REAL
);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       REAL NOT NULL,
    actor    TEXT NOT NULL,   -- token name, 'api-token' (the legacy admin token) or 'cli:<unix user>'
    role     TEXT,            -- the token's role; NULL for the CLI
    action   TEXT NOT NULL,   -- e.g. run.trigger, dag.pause, token.create
    target   TEXT NOT NULL,   -- JSON object of the ids acted on
    source   TEXT NOT NULL,   -- the client address, or 'cli'
    status   INTEGER          -- the HTTP status; NULL for the CLI
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC, id DESC);
