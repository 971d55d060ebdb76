-- 0007's trigger was statement-level, and PostgreSQL fires a statement-level trigger for a statement that changes no
-- row: every `UPDATE dag ... WHERE` that matched nothing (a version recorded again unchanged, by every CLI command)
-- moved the count and opened the scheduler's due-run gate. Per row, as on SQLite (migrations/state/0018): only a
-- row written moves it.
DROP TRIGGER dag_change_count_bump ON dag;
CREATE TRIGGER dag_change_count_bump AFTER INSERT OR UPDATE OR DELETE ON dag
    FOR EACH ROW EXECUTE FUNCTION dag_change_count_bump();
