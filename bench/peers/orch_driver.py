#!/usr/bin/env python3
"""orch side of the peer benchmark, in one isolation mode.

    python3 bench/peers/orch_driver.py --orch .build/release/orch --mode proc|inproc [driver options, see driver.py]

Starts `orch scheduler` (own session) in a fresh temporary ORCH_HOME with ORCH_WORKER_SLOTS=2, pauses the scheduled
DAGs, runs one untimed trigger-shape run as a warm-up, then per shape: takes the trigger time, runs
`orch trigger DAG --run-id ID` for every DAG of the shape (all at once for the multi-DAG shapes), polls
ORCH_HOME/orch.db until every run has ended and reads the task times from it (task_attempt.start_date/end_date,
dag_run.end_date). Only the CLI and the state database are used, so the driver does not depend on engine internals.
`--mode proc` runs the `peer_*_proc` DAGs (a process per task, compared with Dagster's multiprocess executor, Luigi
and Airflow); `--mode inproc` the `peer_*_inproc` ones (tasks inside the scheduler, compared with Prefect's threads
and Dagster's execute_in_process).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

from driver import SLOTS, af, log, main

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bundles import bundles_env  # noqa: E402 (bench/bundles.py)


class OrchSystem:
    def __init__(self, a):
        self.orch, self.mode = os.path.abspath(a.orch), a.mode
        self.name = f"orch-{self.mode}"
        self.home = tempfile.mkdtemp(prefix="orch-peers-")
        self.env = dict(os.environ, ORCH_HOME=self.home, ORCH_WORKER_SLOTS=str(SLOTS),
                        **bundles_env(self.orch))   # the peer DAGs live in the benchmark bundle
        self.env.pop("ORCH_ALERT_WEBHOOKS", None)
        self.roots: list[int] = []
        self.reaped_cpu = 0.0
        self.proc = None
        self.db = None
        self.counter = 0
        self.scale = a.scale

    def cli(self, *args: str) -> str:
        r = subprocess.run([self.orch, *args], env=self.env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"orch {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()[:300]}")
        return r.stdout

    def __enter__(self):
        listing = self.cli("dags", "list")  # creates the database and registers the DAGs
        self.dags_loaded = sum(1 for line in listing.splitlines() if line.strip()) - 1
        for dag in ("example_fanout", "shopstream_daily", "reliability_daily"):  # scheduled: keep to the benchmark
            subprocess.run([self.orch, "dags", "pause", dag], env=self.env, capture_output=True)
        self.log_file = open(os.path.join(self.home, "scheduler.log"), "wb")
        self.proc = subprocess.Popen([self.orch, "scheduler"], env=self.env, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.roots.append(self.proc.pid)
        self.db = sqlite3.connect(os.path.join(self.home, "orch.db"), timeout=30)
        time.sleep(0.5)
        log(self.name, f"scheduler pid {self.proc.pid}, ORCH_HOME {self.home}, {self.dags_loaded} DAGs; warm-up run")
        from shapes import SHAPES
        h = self.trigger(SHAPES["trigger"], self.scale)
        self.wait(h, SHAPES["trigger"], self.scale, time.time() + 120)
        return self

    def __exit__(self, *exc):
        if self.db:
            self.db.close()
        if self.proc and self.proc.poll() is None:
            pids = af.system_pids(self.roots)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            for pid in af.system_pids(pids):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        shutil.rmtree(self.home, ignore_errors=True)

    def trigger(self, shape, scale):
        self.counter += 1
        run_id = f"peer__{shape.name}__{time.time_ns()}"
        logical = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + self.counter))
        dag_ids = shape.dag_ids(scale, self.mode)
        # Every DAG of the shape at once (one CLI process each), as the peers' multi-DAG triggers are.
        procs = [subprocess.Popen([self.orch, "trigger", d, "--run-id", run_id, "--logical-date", logical],
                                  env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for d in dag_ids]
        for d, p in zip(dag_ids, procs):
            _, err = p.communicate()
            if p.returncode != 0:
                raise RuntimeError(f"orch trigger {d} failed ({p.returncode}): {err.strip()[:300]}")
        return run_id, dag_ids

    def wait(self, handle, shape, scale, deadline):
        run_id, dag_ids = handle
        marks = ",".join("?" * len(dag_ids))
        while True:
            rows = self.db.execute(f"SELECT id, dag_id, state, end_date FROM dag_run WHERE run_id = ? "
                                   f"AND dag_id IN ({marks})", (run_id, *dag_ids)).fetchall()
            if len(rows) == len(dag_ids) and all(r[2] in ("success", "failed") for r in rows):
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"the orch scheduler exited ({self.proc.returncode}); log in {self.home}")
            if time.time() > deadline:
                done = sum(r[2] in ("success", "failed") for r in rows)
                raise TimeoutError(f"{shape.name}: {done}/{len(dag_ids)} runs ended before the run timeout")
            time.sleep(0.02)
        failed = [r[1] for r in rows if r[2] != "success"]
        if failed:
            raise RuntimeError(f"{shape.name}: runs of {failed[:5]} ended failed")
        pks = [r[0] for r in rows]
        dag_of = {r[0]: r[1] for r in rows}
        tis = self.db.execute(f"SELECT run_pk, task_id, log_path FROM task_attempt WHERE try_number = 1 "
                              f"AND run_pk IN ({','.join('?' * len(pks))})", pks).fetchall()
        return [(dag_of[pk], t, *self.body_times(path)) for pk, t, path in tis], max(r[3] for r in rows)

    def body_times(self, log_path):
        """(start, end) of a task's body, from the `peer-body <start> <end>` line it logged (bench/dags/
        PeerBenchmarks.swift): measured inside the task, as Prefect and Dagster record theirs. The engine's own
        records write one task's end and the next one's start in one step, with the same time."""
        full = log_path if os.path.isabs(log_path) else os.path.join(self.home, log_path)
        with open(full, errors="replace") as f:
            m = BODY_TIMES.search(f.read())
        if not m:
            raise ValueError(f"{full}: no peer-body line (a bench bundle built before the stamps?)")
        return float(m.group(1)), float(m.group(2))


BODY_TIMES = re.compile(r"peer-body (\d+\.\d+) (\d+\.\d+)")


def add_args(ap) -> None:
    ap.add_argument("--orch", default=".build/release/orch", help="the release orch binary")
    ap.add_argument("--mode", choices=["proc", "inproc"], default="proc", help="which isolation mode's DAGs")


def make(a) -> OrchSystem:
    if not os.access(a.orch, os.X_OK):
        sys.exit(f"orch_driver: no orch executable at {a.orch}; build it: swift build -c release --product orch")
    return OrchSystem(a)


if __name__ == "__main__":
    sys.exit(main(make, "orch", add_args=add_args))
