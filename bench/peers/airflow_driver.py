#!/usr/bin/env python3
"""Airflow 3 side of the peer benchmark (see driver.py for the options and output).

The setup of `make bench-airflow` (bench/airflow/setup.sh, README there): LocalExecutor with parallelism 2 (a process
per task: faces orch's process mode), metadata DB on the local PostgreSQL, api-server + scheduler + dag-processor
started and stopped by bench/airflow/run.py's functions. The only change: dags_folder is bench/peers/airflow_dags
(AIRFLOW__CORE__DAGS_FOLDER), whose file builds the peer shapes at PEER_BENCH_SCALE, so `make bench-airflow` keeps
its three DAGs. Runs are triggered through POST /api/v2/dags/{id}/dagRuns (every DAG of the shape, one request
each) after the trigger time is taken; task times from task_instance, run ends from dag_run. Memory and CPU: every
Airflow process (PostgreSQL is counted for no system).
Runs with .venv-airflow's Python (re-executes itself with it).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("AIRFLOW_BENCH_VENV", HERE.parents[1] / ".venv-airflow"))
if Path(sys.prefix).resolve() != VENV.resolve():
    if not (VENV / "bin" / "python").exists():
        sys.exit(f"airflow_driver: no Airflow in {VENV}; run `bash bench/peers/setup.sh airflow` first")
    os.execv(str(VENV / "bin" / "python"), [str(VENV / "bin" / "python"), __file__, *sys.argv[1:]])

from driver import af, log, main  # noqa: E402
from shapes import SHAPES  # noqa: E402


class AirflowSystem:
    name = "airflow"

    def __init__(self, a):
        self.scale = a.scale
        os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(HERE / "airflow_dags")
        os.environ["PEER_BENCH_SCALE"] = a.scale
        # af.start waits until these DAGs are serialized (and unpauses any left paused).
        af.EXPECTED_TASKS = {d: s.tasks_per_dag(a.scale) for s in SHAPES.values() for d in s.dag_ids(a.scale)}
        self.dags_loaded = len(af.EXPECTED_TASKS)
        self.reaped_cpu = 0.0
        self.roots: list[int] = []

    def __enter__(self):
        af.stop()  # a system left over by an interrupted run
        self.roots = af.start(timeout=600, warmup=False)
        self.conn = af.db_connect()
        log(self.name, f"Airflow up ({self.dags_loaded} DAGs parsed); warm-up run")
        try:
            h = self.trigger(SHAPES["trigger"], self.scale)
            self.wait(h, SHAPES["trigger"], self.scale, time.time() + 300)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        try:
            self.conn.close()
        finally:
            af.stop()

    def trigger(self, shape, scale):
        run_id = f"peer__{time.time_ns()}"
        dag_ids = shape.dag_ids(scale)
        for d in dag_ids:
            af.http("POST", f"/api/v2/dags/{d}/dagRuns", {"dag_run_id": run_id, "logical_date": None}, timeout=60)
        return run_id, dag_ids

    def wait(self, handle, shape, scale, deadline):
        run_id, dag_ids = handle
        while True:
            rows = af.query(self.conn, "SELECT dag_id, state, end_date FROM dag_run WHERE run_id = %s "
                                       "AND dag_id = ANY(%s)", (run_id, dag_ids))
            if len(rows) == len(dag_ids) and all(r[1] in ("success", "failed") for r in rows):
                break
            if not af.system_pids(self.roots):
                raise RuntimeError("the Airflow processes are gone")
            if time.time() > deadline:
                done = sum(r[1] in ("success", "failed") for r in rows)
                raise TimeoutError(f"{shape.name}: {done}/{len(dag_ids)} runs ended before the run timeout")
            time.sleep(0.1)
        failed = [r[0] for r in rows if r[1] != "success"]
        if failed:
            raise RuntimeError(f"{shape.name}: runs of {failed[:5]} failed; task logs under {af.AIRFLOW_HOME}/logs")
        tis = af.query(self.conn, "SELECT dag_id, task_id, start_date, end_date FROM task_instance "
                                  "WHERE run_id = %s AND dag_id = ANY(%s) AND state = 'success'", (run_id, dag_ids))
        tasks = [(d, t, s.timestamp(), e.timestamp()) for d, t, s, e in tis]
        return tasks, max(r[2].timestamp() for r in rows)


if __name__ == "__main__":
    sys.exit(main(AirflowSystem, "airflow"))
