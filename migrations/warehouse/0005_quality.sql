-- Results of every quality check run, for the API and dashboard.
CREATE TABLE quality.check_results (
    id           bigserial PRIMARY KEY,
    run_id       text NOT NULL,
    check_name   text NOT NULL,
    check_kind   text NOT NULL,
    status       text NOT NULL CHECK (status IN ('pass', 'fail')),
    observed     text,
    details      text NOT NULL,
    checked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX check_results_run ON quality.check_results (run_id);
