#!/usr/bin/env python3
"""Prefect 3 side of the peer benchmark (see driver.py for the options and output).

Prefect's recommended local setup: `prefect server start` (API, UI and services) on SQLite in a fresh PREFECT_HOME,
bound to 127.0.0.1, and flows run by a Python process with a ThreadPoolTaskRunner of 2 threads (tasks are threads of
that process, so this side faces orch's in-process mode). The flow process (prefect_runner.py) stays up and runs a
flow when asked, like a served deployment, without paying Python's and Prefect's import per run. The trigger time is
taken before the request is written to it. Task times come from the server's database (task_run.start_time,
end_time; flow_run.end_time), read once every task run of the run has its end time there (Prefect records task
states through events, after the flow returns). Memory and CPU: the server and the flow process.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime

from driver import REPO, af, discard, log, main, stop_processes, wait_http

VENV = REPO / ".venv-prefect"
PORT = int(os.environ.get("PREFECT_BENCH_PORT", "24200"))


def ts(value) -> float:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


class PrefectSystem:
    name = "prefect"

    def __init__(self, a):
        if not (VENV / "bin" / "prefect").exists():
            sys.exit(f"prefect_driver: no Prefect in {VENV}; run `bash bench/peers/setup.sh prefect` first")
        self.home = tempfile.mkdtemp(prefix="prefect-peers-")
        self.env = dict(os.environ, PREFECT_HOME=self.home, PREFECT_SERVER_API_HOST="127.0.0.1",
                        PREFECT_SERVER_API_PORT=str(PORT), PREFECT_API_URL=f"http://127.0.0.1:{PORT}/api",
                        PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
                        PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{self.home}/prefect.db",
                        PATH=f"{VENV / 'bin'}:{os.environ.get('PATH', '')}")
        self.env.pop("PYTHONPATH", None)
        self.roots: list[int] = []
        self.procs: list[subprocess.Popen] = []
        self.reaped_cpu = 0.0
        self.scale = a.scale

    def __enter__(self):
        t0 = time.time()
        logf = open(os.path.join(self.home, "server.log"), "wb")
        server = subprocess.Popen([str(VENV / "bin" / "prefect"), "server", "start", "--host", "127.0.0.1",
                                   "--port", str(PORT)], env=self.env, stdout=logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(server)
        self.roots.append(server.pid)
        try:
            wait_http(f"http://127.0.0.1:{PORT}/api/health", [server], t0 + 180,
                      f"the Prefect server (log {self.home}/server.log)")
            self.runner = subprocess.Popen([str(VENV / "bin" / "python"), str(REPO / "bench/peers/prefect_runner.py")],
                                           env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=open(os.path.join(self.home, "runner.log"), "wb"), text=True,
                                           start_new_session=True)
            self.procs.append(self.runner)
            self.roots.append(self.runner.pid)
            ready = json.loads(self.runner.stdout.readline() or "{}")
            if not ready.get("ready"):
                raise RuntimeError(f"the Prefect flow process did not start; log {self.home}/runner.log")
            self.dags_loaded = ready["flows"]
            self.db = sqlite3.connect(os.path.join(self.home, "prefect.db"), timeout=30)
            log(self.name, f"server pid {server.pid}, flow process pid {self.runner.pid}, ready after "
                           f"{time.time() - t0:.1f} s; warm-up run")
            from shapes import SHAPES
            h = self.trigger(SHAPES["trigger"], self.scale)
            self.wait(h, SHAPES["trigger"], self.scale, time.time() + 120)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        stop_processes(self.procs, self.roots)
        discard(self.home)

    def trigger(self, shape, scale):
        run_id = f"peer-{time.time_ns()}"
        self.runner.stdin.write(json.dumps({"run_id": run_id, "shape": shape.name, "scale": scale}) + "\n")
        self.runner.stdin.flush()
        return run_id

    def wait(self, run_id, shape, scale, deadline):
        line = self.runner.stdout.readline()  # the flow process answers when every flow has returned
        if not line:
            raise RuntimeError(f"the Prefect flow process exited (exit {self.runner.poll()}); its log's tail is in "
                               "this driver's log")
        answer = json.loads(line)
        bad = [f for f in answer["flow_runs"] if f[2] != "Completed"]
        if bad:
            raise RuntimeError(f"{shape.name}: {len(bad)} flow runs not completed: {bad[:3]}")
        ids = {f[1]: f[0] for f in answer["flow_runs"]}
        marks = ",".join("?" * len(ids))
        expected = shape.total_tasks(scale)
        while True:  # task states arrive through events: wait until all are recorded
            rows = self.db.execute(f"SELECT flow_run_id, name, start_time, end_time FROM task_run "
                                   f"WHERE flow_run_id IN ({marks}) AND end_time IS NOT NULL", list(ids)).fetchall()
            runs = self.db.execute(f"SELECT end_time FROM flow_run WHERE id IN ({marks}) AND end_time IS NOT NULL",
                                   list(ids)).fetchall()
            if len(rows) >= expected and len(runs) == len(ids):
                break
            if time.time() > deadline:
                raise TimeoutError(f"{shape.name}: {len(rows)}/{expected} task runs recorded before the run timeout")
            time.sleep(0.1)
        tasks = [(ids[r[0]], r[1], ts(r[2]), ts(r[3])) for r in rows]
        return tasks, max(ts(r[0]) for r in runs)


if __name__ == "__main__":
    sys.exit(main(PrefectSystem, "prefect"))
