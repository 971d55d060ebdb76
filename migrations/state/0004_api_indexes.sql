-- Indexes for the HTTP API and dashboard: paging through every DAG's runs newest first, filtering a DAG's runs by
-- state, and listing alerts newest first, stay index-only with 10,000 runs and 100,000 task instances.
CREATE INDEX IF NOT EXISTS dag_run_by_time ON dag_run (logical_date DESC, id DESC);
CREATE INDEX IF NOT EXISTS dag_run_by_dag_state_time ON dag_run (dag_id, state, logical_date DESC);
CREATE INDEX IF NOT EXISTS task_attempt_by_run ON task_attempt (run_pk, start_date);
