#!/usr/bin/env python3
"""Seeds an orch state database with history: RUNS runs of one DAG, each with every task instance and one
attempt per task, in one transaction. The database must already exist with its migrations applied
(run.sh lets `orch dags list` create it). Usage: seed.py DB_PATH DAG_ID TASK_IDS_COMMA RUNS
"""
import random
import sqlite3
import sys
import time

db_path, dag_id, task_csv, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tasks = task_csv.split(",")
rng = random.Random(42)
start = time.time()
con = sqlite3.connect(db_path)
con.execute("PRAGMA journal_mode=WAL")
con.execute("BEGIN IMMEDIATE")
base = 1_700_000_000.0
run_rows, ti_rows, attempt_rows = [], [], []
for i in range(runs):
    logical = base + i * 3600
    failed_at = rng.randrange(len(tasks)) if rng.random() < 0.1 else None
    state = "failed" if failed_at is not None else "success"
    run_rows.append((i + 1, dag_id, f"scheduled__{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(logical))}",
                     "scheduled", state, logical, logical, logical + 3600, "{}", logical + 3600, logical + 3601,
                     logical + 3601 + len(tasks) * 2))
    for j, task in enumerate(tasks):
        if failed_at is None or j < failed_at:
            ti_state = "success"
        elif j == failed_at:
            ti_state = "failed"
        else:
            ti_state = "upstream_failed"
        t0 = logical + 3601 + j * 2
        tries = 1 if ti_state != "upstream_failed" else 0
        ti_rows.append((i + 1, task, ti_state, tries, 1, t0 if tries else None, t0 + 1.5 if tries else None))
        if tries:
            attempt_rows.append((i + 1, task, 1, ti_state, "process", t0, t0 + 1.5,
                                 f"/nonexistent/logs/{dag_id}/{i}/{task}/1.log"))
con.executemany("""INSERT INTO dag_run (id, dag_id, run_id, run_type, state, logical_date, interval_start, interval_end,
                   conf, queued_at, start_date, end_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""", run_rows)
con.executemany("""INSERT INTO task_instance (run_pk, task_id, state, try_number, max_tries, start_date, end_date)
                   VALUES (?,?,?,?,?,?,?)""", ti_rows)
con.executemany("""INSERT INTO task_attempt (run_pk, task_id, try_number, state, isolation, start_date, end_date, log_path)
                   VALUES (?,?,?,?,?,?,?,?)""", attempt_rows)
con.commit()
con.execute("ANALYZE")
con.close()
print(f"seeded {len(run_rows)} runs, {len(ti_rows)} task instances, {len(attempt_rows)} attempts "
      f"in {time.time() - start:.1f} s")
