#!/usr/bin/env python3
"""Luigi side of the peer benchmark (see driver.py for the options and output).

Luigi's recommended setup beyond a laptop: the central scheduler `luigid` (127.0.0.1, fresh state) with task history
recorded in SQLite (`[scheduler] record_task_history`, `[task_history] db_connection`), and a worker command per run
with `--workers 2` (each task in its own forked process: this side faces orch's process mode). Luigi has no trigger
API: a run is the worker command (luigi_tasks.py), spawned after the trigger time is taken, so Python's start and
Luigi's import are inside the figures, as the `orch trigger` CLI process is in orch's. Task times come from the task
history database (the RUNNING and DONE events of the run's tasks); the run's end is the worker's exit. Memory and
CPU: luigid plus the worker command and its task processes (reaped, counted through wait4). Luigi has no notion of
loaded DAGs: the idle figure is luigid alone.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime

from driver import REPO, af, discard, log, main, reap, wait_http

VENV = REPO / ".venv-luigi"
PORT = int(os.environ.get("LUIGI_BENCH_PORT", "28082"))


class LuigiSystem:
    name = "luigi"
    dags_loaded = 0

    def __init__(self, a):
        if not (VENV / "bin" / "luigid").exists():
            sys.exit(f"luigi_driver: no Luigi in {VENV}; run `bash bench/peers/setup.sh luigi` first")
        self.home = tempfile.mkdtemp(prefix="luigi-peers-")
        self.history = os.path.join(self.home, "history.db")
        cfg = os.path.join(self.home, "luigi.cfg")
        with open(cfg, "w") as f:
            f.write(f"[scheduler]\nrecord_task_history = True\nstate_path = {self.home}/state.pickle\n\n"
                    f"[task_history]\ndb_connection = sqlite:///{self.history}\n\n[core]\nno_configure_logging = True\n")
        self.env = dict(os.environ, LUIGI_CONFIG_PATH=cfg, PATH=f"{VENV / 'bin'}:{os.environ.get('PATH', '')}")
        self.env.pop("PYTHONPATH", None)
        self.roots: list[int] = []
        self.reaped_cpu = 0.0
        self.scale = a.scale
        self.server = None

    def __enter__(self):
        t0 = time.time()
        self.server = subprocess.Popen([str(VENV / "bin" / "luigid"), "--address", "127.0.0.1", "--port", str(PORT)],
                                       env=self.env, stdout=open(os.path.join(self.home, "luigid.log"), "wb"),
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.roots.append(self.server.pid)
        try:
            wait_http(f"http://127.0.0.1:{PORT}/api/task_list?data=%7B%7D", [self.server], t0 + 60,
                      f"luigid (log {self.home}/luigid.log)", poll=0.3)
            log(self.name, f"luigid pid {self.server.pid} ready after {time.time() - t0:.1f} s; warm-up run")
            from shapes import SHAPES
            h = self.trigger(SHAPES["trigger"], self.scale)
            self.wait(h, SHAPES["trigger"], self.scale, time.time() + 120)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
        discard(self.home)

    def trigger(self, shape, scale):
        run_id = f"peer{time.time_ns()}"
        worker = subprocess.Popen([str(VENV / "bin" / "python"), str(REPO / "bench/peers/luigi_tasks.py"), shape.name,
                                   scale, run_id, os.path.join(self.home, "out"), str(PORT)], env=self.env,
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.home, "worker.log"), "ab"),
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        self.roots.append(worker.pid)
        return run_id, worker

    def wait(self, handle, shape, scale, deadline):
        run_id, worker = handle
        status, usage = reap(worker.pid, deadline, f"{shape.name}: the Luigi worker had not finished at the run timeout",
                             poll=0.02)
        run_end = time.time()
        worker.returncode = os.waitstatus_to_exitcode(status)
        self.roots.remove(worker.pid)
        self.reaped_cpu += usage.ru_utime + usage.ru_stime
        if worker.returncode != 0:
            raise RuntimeError(f"{shape.name}: the Luigi worker exited {worker.returncode}; log {self.home}/worker.log")
        with sqlite3.connect(self.history, timeout=30) as db:
            rows = db.execute("""
                SELECT d.value, n.value, e.event_name, e.ts FROM task_parameters r
                JOIN task_parameters d ON d.task_id = r.task_id AND d.name = 'dag_id'
                JOIN task_parameters n ON n.task_id = r.task_id AND n.name = 'task_name'
                JOIN task_events e ON e.task_id = r.task_id AND e.event_name IN ('RUNNING', 'DONE')
                WHERE r.name = 'run_id' AND r.value = ?""", (run_id,)).fetchall()
        times: dict[tuple[str, str], dict[str, float]] = {}
        for dag_id, task_id, event, ts in rows:
            # luigi stores naive local datetimes (datetime.now())
            times.setdefault((dag_id, task_id), {})[event] = datetime.fromisoformat(str(ts)).timestamp()
        tasks = [(d, t, e["RUNNING"], e["DONE"]) for (d, t), e in times.items() if "RUNNING" in e and "DONE" in e]
        return tasks, run_end


if __name__ == "__main__":
    sys.exit(main(LuigiSystem, "luigi"))
