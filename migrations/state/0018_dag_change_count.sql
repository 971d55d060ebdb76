-- A count of changes to DAG rows (a DAG added or removed, paused or unpaused, its schedule, its schedule position or
-- its version written), kept by triggers. The scheduler's look for due scheduled runs depends on DAG rows only, and
-- reads this count to tell whether another process changed one. It used to read PRAGMA data_version, which every
-- commit of another connection moves: the scheduler's own lease heartbeat, a commit every second on a connection of
-- its own, opened the gate at every turn, so every turn read and decoded every DAG row.
CREATE TABLE dag_change_count (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);
INSERT INTO dag_change_count (id, n) VALUES (1, 0);

CREATE TRIGGER dag_change_count_insert AFTER INSERT ON dag BEGIN
    UPDATE dag_change_count SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER dag_change_count_update AFTER UPDATE ON dag BEGIN
    UPDATE dag_change_count SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER dag_change_count_delete AFTER DELETE ON dag BEGIN
    UPDATE dag_change_count SET n = n + 1 WHERE id = 1;
END;
