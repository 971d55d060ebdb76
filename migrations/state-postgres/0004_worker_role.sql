-- The `worker` token role (issue 19), the twin of migrations/state/0015: a worker token may lease attempts and
-- report on them, nothing else.
ALTER TABLE api_token DROP CONSTRAINT api_token_role_check;
ALTER TABLE api_token ADD CONSTRAINT api_token_role_check CHECK (role IN ('viewer', 'operator', 'admin', 'worker'));
