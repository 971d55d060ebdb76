#!/usr/bin/env python3
"""orch side of the peer benchmark, in one isolation mode.

    python3 bench/peers/orch_driver.py --orch .build/release/orch --mode proc|inproc [--trigger api|cli] [driver options]

Starts orch in a fresh temporary ORCH_HOME with ORCH_WORKER_SLOTS=2 (own session), pauses the scheduled DAGs, runs
one untimed trigger-shape run as a warm-up, then per shape: takes the trigger time, triggers every DAG of the shape
(all at once for the multi-DAG shapes), polls ORCH_HOME/orch.db until every run has ended and reads the task times
from it (each attempt's `peer-body` log line, dag_run.end_date).

`--trigger api` (default): `orch serve` (scheduler, worker pool and the web API in one process) and
`POST /api/v2/dags/{dag_id}/dagRuns` with the admin token, as Airflow is triggered through its REST API, Dagster
through GraphQL and Prefect through its long-lived flow process: no process start per trigger. `--trigger cli`:
`orch scheduler` and one `orch trigger DAG --run-id ID` process per DAG (each process's start, ~20 ms of dynamic
linking, inside the trigger figure; the earlier runs of docs/bench-peers.md were made so).
`--mode proc` runs the `peer_*_proc` DAGs (a process per task, compared with Dagster's multiprocess executor, Luigi
and Airflow); `--mode inproc` the `peer_*_inproc` ones (Swift tasks in the bundle's task host, compared with
Prefect's threads and Dagster's execute_in_process).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import socket
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from driver import SLOTS, af, discard, log, main, wait_http

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bundles import bundles_env  # noqa: E402 (bench/bundles.py)


SCHEDULED_DAGS = ("example_fanout", "shopstream_daily", "reliability_daily")  # paused: keep to the benchmark


class OrchSystem:
    def __init__(self, a):
        self.orch, self.mode, self.via = os.path.abspath(a.orch), a.mode, a.trigger
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
        for dag in SCHEDULED_DAGS:
            subprocess.run([self.orch, "dags", "pause", dag], env=self.env, capture_output=True)
        self.log_file = open(os.path.join(self.home, "scheduler.log"), "wb")
        if self.via == "api":
            self.port, self.token = free_port(), secrets.token_hex(16)
            self.env["ORCH_API_TOKEN"] = self.token
            command = [self.orch, "serve", "--port", str(self.port)]
        else:
            command = [self.orch, "scheduler"]
        self.proc = subprocess.Popen(command, env=self.env, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.roots.append(self.proc.pid)
        try:
            self.db = sqlite3.connect(os.path.join(self.home, "orch.db"), timeout=30)
            if self.via == "api":
                self.wait_for_api(time.time() + 60)
            else:
                time.sleep(0.5)
            log(self.name, f"{command[1]} pid {self.proc.pid}, ORCH_HOME {self.home}, {self.dags_loaded} DAGs, "
                           f"triggers through the {self.via}; warm-up run")
            from shapes import SHAPES
            h = self.trigger(SHAPES["trigger"], self.scale)
            self.wait(h, SHAPES["trigger"], self.scale, time.time() + 120)
        except BaseException:
            self.__exit__(None, None, None)   # `with` calls __exit__ only once __enter__ returned: stop orch here
            raise
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
        discard(self.home)

    def wait_for_api(self, deadline):
        wait_http(f"http://127.0.0.1:{self.port}/api/v1/health", [self.proc], deadline,
                  f"orch serve (log in {self.home})", poll=0.05)

    def post_run(self, dag_id, run_id, logical):
        body = json.dumps({"dag_run_id": run_id, "logical_date": logical}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v2/dags/{dag_id}/dagRuns", data=body,
                                         method="POST", headers={"Content-Type": "application/json",
                                                                 "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                r.read()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"POST dagRuns of {dag_id} failed ({e.code}): {e.read()[:300]!r}") from None

    def trigger(self, shape, scale):
        self.counter += 1
        run_id = f"peer__{shape.name}__{time.time_ns()}"
        logical = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + self.counter))
        dag_ids = shape.dag_ids(scale, self.mode)
        if self.via == "api":
            # Every DAG of the shape at once (16 requests in flight), as the peers' multi-DAG triggers are.
            with ThreadPoolExecutor(max_workers=min(16, len(dag_ids))) as pool:
                list(pool.map(lambda d: self.post_run(d, run_id, logical), dag_ids))
            return run_id, dag_ids
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BODY_TIMES = re.compile(r"peer-body (\d+\.\d+) (\d+\.\d+)")


def add_args(ap) -> None:
    ap.add_argument("--orch", default=".build/release/orch", help="the release orch binary")
    ap.add_argument("--mode", choices=["proc", "inproc"], default="proc", help="which isolation mode's DAGs")
    ap.add_argument("--trigger", choices=["api", "cli"], default="api",
                    help="orch serve and its REST API (default), or orch scheduler and one orch trigger process per DAG")


def make(a) -> OrchSystem:
    if not os.access(a.orch, os.X_OK):
        sys.exit(f"orch_driver: no orch executable at {a.orch}; build it: make release")
    return OrchSystem(a)


if __name__ == "__main__":
    sys.exit(main(make, "orch", add_args=add_args))
