-- The twin of migrations/state/0018: a count of changes to DAG rows, kept by a trigger, which the scheduler's look
-- for due scheduled runs reads to tell whether another process changed a DAG row (here it looked at every turn:
-- PostgreSQL has no PRAGMA data_version). One statement-level trigger: a sync of many DAGs moves it once.
CREATE TABLE dag_change_count (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   BIGINT NOT NULL
);
INSERT INTO dag_change_count (id, n) VALUES (1, 0);

CREATE FUNCTION dag_change_count_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dag_change_count SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER dag_change_count_bump AFTER INSERT OR UPDATE OR DELETE ON dag
    FOR EACH STATEMENT EXECUTE FUNCTION dag_change_count_bump();
