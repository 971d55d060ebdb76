-- The twin of migrations/state/0017: two indexes no query reads, which every attempt's start and end wrote to.
DROP INDEX IF EXISTS task_instance_active;
DROP INDEX IF EXISTS task_attempt_by_run;
