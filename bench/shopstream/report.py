#!/usr/bin/env python3
"""Prints the shopstream_daily benchmark figures from a finished run's ORCH_HOME/orch.db.

Time per task comes from task_attempt (end_date - start_date of each try, summed per task); load_bronze
throughput is parsed from the load_bronze attempt log ("load_bronze: read N, ..." then BronzeLoadResult's
"X msg/s" and "in S s"). The last line printed is one JSON object for the master benchmark script.
"""
import argparse
import json
import re
import sqlite3
import sys

TASKS = ["fetch", "produce", "load_bronze", "silver", "gold", "star", "quality_checks"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="ORCH_HOME/orch.db of the benchmark run")
    ap.add_argument("--events", type=int, required=True, help="clickstream events the run was asked for")
    ap.add_argument("--wall-seconds", type=float, required=True, help="wall time of the orch run command")
    ap.add_argument("--loadavg", default="", help="1-minute load average before and after the run")
    ap.add_argument("--cores", type=int, default=0, help="CPU cores of the machine")
    ap.add_argument("--rows", default="", help="'bronze silver_events gold_orders' row counts")
    args = ap.parse_args()

    con = sqlite3.connect(args.db)
    run = con.execute(
        "SELECT id, run_id, state, start_date, end_date FROM dag_run WHERE dag_id = 'shopstream_daily' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if run is None:
        print("no shopstream_daily run in " + args.db, file=sys.stderr)
        return 1
    run_pk, run_id, state, start, end = run
    tasks = {}
    tries = {}
    bronze_log = None
    for task_id, try_number, t_state, t_start, t_end, log_path in con.execute(
        "SELECT task_id, try_number, state, start_date, end_date, log_path FROM task_attempt WHERE run_pk = ? ORDER BY start_date",
        (run_pk,),
    ):
        tasks[task_id] = tasks.get(task_id, 0.0) + ((t_end or t_start) - t_start)
        tries[task_id] = (try_number, t_state)
        if task_id == "load_bronze" and t_state == "success":
            bronze_log = log_path

    read = None
    per_s = None
    if bronze_log:
        text = open(bronze_log, encoding="utf-8", errors="replace").read()
        m = re.search(r"load_bronze: read (\d+),.*?(\d+) msg/s", text)
        if m:
            read, per_s = int(m.group(1)), float(m.group(2))

    dag_seconds = (end - start) if (start and end) else None
    print()
    print(f"shopstream_daily {run_id}: {state}, {args.events:,} clickstream events")
    print(f"{'task':<16}{'seconds':>10}{'share':>8}  try/state")
    total_tasks = sum(tasks.values()) or 1.0  # share of the task time, not of the run
    for t in TASKS + sorted(set(tasks) - set(TASKS)):
        if t in tasks:
            n, st = tries[t]
            print(f"{t:<16}{tasks[t]:>10.2f}{100 * tasks[t] / total_tasks:>7.1f}%  {n}/{st}")
        else:
            print(f"{t:<16}{'-':>10}{'':>8}  not run")
    print(f"{'sum of tasks':<16}{sum(tasks.values()):>10.2f}   (gold and star run at once, so more than the run)")
    if dag_seconds is not None:
        print(f"{'dag run':<16}{dag_seconds:>10.2f}   (dag_run start → end; target <= 60 s)")
    print(f"{'orch run wall':<16}{args.wall_seconds:>10.2f}   (the whole command, process start to exit)")
    if per_s is not None:
        print(f"load_bronze: {read:,} messages at {per_s:,.0f} events/s (target >= 100,000)")
    if args.rows:
        parts = args.rows.split()
        if len(parts) == 3:
            print(f"rows: bronze.raw_events {int(parts[0]):,}, silver.events {int(parts[1]):,}, gold.fct_orders {int(parts[2]):,}")
    if args.loadavg:
        before, _, after = args.loadavg.partition(" ")
        print(f"machine: {args.cores} cores, 1-minute load average {before} before and {after} after the run"
              + (" (busy: other work shared the CPUs, figures are pessimistic)" if float(after or 0) > args.cores else ""))
    print(json.dumps({
        "load_bronze_events_per_s": per_s,
        "load_bronze_messages": read,
        "dag_1m_seconds": round(dag_seconds, 3) if dag_seconds is not None else None,
        "wall_seconds": round(args.wall_seconds, 3),
        "clickstream_events": args.events,
        "state": state,
        "tasks": {t: round(s, 3) for t, s in tasks.items()},
        "loadavg": args.loadavg,
    }))
    return 0 if state == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
