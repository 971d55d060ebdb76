#!/usr/bin/env python3
"""Dagster side of the peer benchmark (see driver.py for the options and output), in one of two modes.

--mode daemon (system "dagster"): Dagster's recommended local deployment: `dagster-webserver` and `dagster-daemon`
  on a fresh DAGSTER_HOME whose storage is SQLite (the default), telemetry off, the QueuedRunCoordinator with
  max_concurrent_runs 2, every job on the multiprocess executor with max_concurrent 2 and the forkserver start method
  (a process per step, forked from a server that imported dagster once: this side faces orch's process mode). A run is submitted through the webserver's GraphQL API (dagster-graphql's client),
  after the trigger time is taken; the daemon dequeues it and launches the run process. Task times are the
  STEP_START and STEP_SUCCESS events in the instance's event log, the run's end its RUN_SUCCESS event. Memory and
  CPU: webserver, daemon and everything they start (code servers, run and step processes).
--mode in-process (system "dagster-inprocess"): `job.execute_in_process()` in this driver's process, on an ephemeral
  instance: persists nothing, runs steps one after another in one process. Reported separately, as the figure
  Dagster users quote; it faces orch's in-process mode. Memory and CPU: this process.
Runs with .venv-dagster's Python (re-executes itself with it).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE.parents[1] / ".venv-dagster"
if Path(sys.prefix).resolve() != VENV.resolve():
    if not (VENV / "bin" / "python").exists():
        sys.exit(f"dagster_driver: no Dagster in {VENV}; run `bash bench/peers/setup.sh dagster` first")
    os.execv(str(VENV / "bin" / "python"), [str(VENV / "bin" / "python"), __file__, *sys.argv[1:]])

from driver import af, discard, log, main, stop_processes, wait_http  # noqa: E402

PORT = int(os.environ.get("DAGSTER_BENCH_PORT", "23000"))
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def step_times(instance, run_id: str, dag_id: str) -> tuple[list, float | None]:
    starts, ends, run_end = {}, {}, None
    for entry in instance.all_logs(run_id):
        ev = entry.dagster_event
        if ev is None:
            continue
        kind = ev.event_type_value
        if kind == "STEP_START":
            starts[entry.step_key] = entry.timestamp
        elif kind == "STEP_SUCCESS":
            ends[entry.step_key] = entry.timestamp
        elif kind == "RUN_SUCCESS":
            run_end = entry.timestamp
    return [(dag_id, k, starts[k], ends[k]) for k in ends if k in starts], run_end


class DagsterDaemonSystem:
    name = "dagster"

    def __init__(self, a):
        self.home = tempfile.mkdtemp(prefix="dagster-peers-")
        with open(os.path.join(self.home, "dagster.yaml"), "w") as f:
            f.write("telemetry:\n  enabled: false\nrun_coordinator:\n  module: dagster.core.run_coordinator\n"
                    "  class: QueuedRunCoordinator\n  config:\n    max_concurrent_runs: 2\n")
        self.env = dict(os.environ, DAGSTER_HOME=self.home, PEER_BENCH_SCALE=a.scale,
                        PATH=f"{VENV / 'bin'}:{os.environ.get('PATH', '')}")
        os.environ["DAGSTER_HOME"] = self.home
        os.environ["PEER_BENCH_SCALE"] = a.scale
        self.roots: list[int] = []
        self.procs: list[subprocess.Popen] = []
        self.reaped_cpu = 0.0
        self.scale = a.scale

    def __enter__(self):
        from dagster import DagsterEventType, DagsterInstance
        from dagster_graphql import DagsterGraphQLClient
        defs = str(HERE / "dagster_defs.py")
        t0 = time.time()
        # The instance's SQLite storages are created here, before the webserver and the daemon start: left to them,
        # the three processes raced to create the same tables ("table alembic_version already exists").
        self.instance = DagsterInstance.get()
        self.instance.get_runs(limit=1)
        self.instance.all_instigator_state()
        self.instance.fetch_run_status_changes(DagsterEventType.RUN_SUCCESS, limit=1)
        for cmd, logname in (([str(VENV / "bin" / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(PORT), "-f", defs],
                              "webserver.log"),
                             ([str(VENV / "bin" / "dagster-daemon"), "run", "-f", defs], "daemon.log")):
            p = subprocess.Popen(cmd, env=self.env, cwd=self.home, stdout=open(os.path.join(self.home, logname), "wb"),
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            self.procs.append(p)
            self.roots.append(p.pid)
        try:
            self.client = DagsterGraphQLClient("127.0.0.1", port_number=PORT)
            wait_http(f"http://127.0.0.1:{PORT}/server_info", self.procs, t0 + 300,
                      f"dagster-webserver or its daemon (logs in {self.home})")
            from dagster_defs import JOB_FACTORIES
            self.dags_loaded = len(JOB_FACTORIES)
            log(self.name, f"webserver + daemon up after {time.time() - t0:.1f} s ({self.dags_loaded} jobs); warm-up run")
            from shapes import SHAPES
            h = self.trigger(SHAPES["trigger"], self.scale)
            self.wait(h, SHAPES["trigger"], self.scale, time.time() + 300)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        stop_processes(self.procs, self.roots)
        discard(self.home)

    def trigger(self, shape, scale):
        return [(d, self.client.submit_job_execution(d, run_config={})) for d in shape.dag_ids(scale)]

    def wait(self, handle, shape, scale, deadline):
        tasks, ends = [], []
        for dag_id, run_id in handle:
            while True:
                run = self.instance.get_run_by_id(run_id)
                if run is not None and run.status.value in FINISHED:
                    break
                if time.time() > deadline:
                    raise TimeoutError(f"{shape.name}: run {run_id} of {dag_id} not finished at the run timeout")
                time.sleep(0.05)
            if run.status.value != "SUCCESS":
                raise RuntimeError(f"{shape.name}: run {run_id} of {dag_id} ended {run.status.value}")
            t, end = step_times(self.instance, run_id, dag_id)
            tasks += t
            ends.append(end)
        return tasks, max((e for e in ends if e is not None), default=None)


class DagsterInProcessSystem:
    name = "dagster-inprocess"

    def __init__(self, a):
        os.environ["PEER_BENCH_SCALE"] = a.scale
        self.roots = [os.getpid()]
        self.reaped_cpu = 0.0
        self.scale = a.scale

    def __enter__(self):
        from dagster_defs import JOB_FACTORIES
        self.jobs = {d: make() for d, make in JOB_FACTORIES.items()}
        self.dags_loaded = len(self.jobs)
        from shapes import SHAPES
        self.wait(self.trigger(SHAPES["trigger"], self.scale), SHAPES["trigger"], self.scale, 0)  # warm-up
        return self

    def __exit__(self, *exc):
        pass

    def trigger(self, shape, scale):
        from dagster import DagsterInstance
        results = []
        for d in shape.dag_ids(scale):  # one after another: execute_in_process is synchronous
            instance = DagsterInstance.ephemeral()
            results.append((d, instance, self.jobs[d].execute_in_process(instance=instance)))
        return results

    def wait(self, handle, shape, scale, deadline):
        tasks, ends = [], []
        for dag_id, instance, result in handle:
            if not result.success:
                raise RuntimeError(f"{shape.name}: execute_in_process of {dag_id} failed")
            t, end = step_times(instance, result.run_id, dag_id)
            tasks += t
            ends.append(end)
        return tasks, max((e for e in ends if e is not None), default=None)


def add_args(ap) -> None:
    ap.add_argument("--mode", choices=["daemon", "in-process"], default="daemon")


if __name__ == "__main__":
    sys.exit(main(lambda a: DagsterDaemonSystem(a) if a.mode == "daemon" else DagsterInProcessSystem(a),
                  "dagster", add_args=add_args))
