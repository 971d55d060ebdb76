#!/usr/bin/env python3
"""The machine's floors for the peer benchmark: the shapes with no orchestrator (see driver.py for the options).

    python3 bench/peers/floors.py --mode spawn|forked|fsync|batched|isolated [--floor .build-floor/orch-floor] [driver options]

--mode spawn   (system "floor-spawn", the bare cost of a process per task): a bash script spawns the floor binary
               (bench/peers/floor/main.swift, a small Swift executable) once per task in the shape's order: chains in
               a loop, the parallel layers of fan-out and burst through `xargs -P 2`, several DAGs as 2 parallel
               lanes. Each task process appends its own start and end time to a file (one write).
--mode forked  (system "floor-forked", the bare cost of a process per task without exec, as orch's fork server makes
               them): the small floor process forks a child per task, 2 at a time in the shape's order; the child
               calls the closure, writes its times to a pipe and exits; nothing is written while the tasks run.
--mode fsync   (system "floor-fsync"): one process calls the task closure for every task in order and records each
               state change (started, succeeded) in SQLite, one fsync'd transaction each (WAL, synchronous=FULL).
--mode batched (system "floor-batched"): the same with one transaction for the whole run (synchronous=NORMAL).
--mode isolated (system "floor-isolated", the bare cost of orch's two guarantees for in-process tasks): the closure
               runs in a second process reached over a pipe (as in orch's task host) and each state change is
               committed before it is acted on (WAL, synchronous=NORMAL: survives kill -9, as orch's state database);
               per task one transaction (the end of the task before it and its own start), then one request and one
               reply carrying the body's times.
The trigger time is taken before the process is spawned. The in-process floors run every task on one thread, one
after another.
The floor binary is built when missing or older than its source (swiftc, about 20 s).
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time

from driver import REPO, discard, log, main, reap

SOURCE = REPO / "bench/peers/floor/main.swift"


def build_floor(path: str) -> str:
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(SOURCE):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    log("floor", f"building {path} (swiftc -O)")
    r = subprocess.run(["swiftc", "-O", "-I", str(REPO / "Sources/CSQLite"), str(SOURCE), "-o", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"floors: swiftc failed:\n{r.stderr[-2000:]}")
    return path


def spawn_script(shape, scale: str, binary: str, times: str) -> str:
    dags, size = shape.dims(scale)
    b, q = shape.body, lambda s: "'" + s.replace("'", "'\\''") + "'"
    task = f"{q(binary)} task {b}"
    if shape.kind == "chain":
        lane = f'for i in $(seq 1 {size}); do {task} "$1" c$i {q(times)}; done'
        if dags == 1:
            return f"set -e; set -- d1; {lane}"
        return f"set -e; seq 1 {dags} | xargs -P 2 -I{{}} bash -c {q('set -e; ' + lane)} _ d{{}}"
    if shape.kind == "fanout":
        return (f"set -e; {task} d1 root {q(times)}; seq 1 {size} | xargs -P 2 -I{{}} {task} d1 t{{}} {q(times)}; "
                f"{task} d1 join {q(times)}")
    return f"set -e; seq 1 {size} | xargs -P 2 -I{{}} {task} d1 b{{}} {q(times)}"


class FloorSystem:
    dags_loaded = 0

    def __init__(self, a):
        self.mode = a.mode
        self.name = f"floor-{a.mode}"
        self.binary = build_floor(os.path.abspath(a.floor))
        self.home = tempfile.mkdtemp(prefix="floor-peers-")
        self.roots: list[int] = []
        self.reaped_cpu = 0.0
        self.counter = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        discard(self.home)

    def trigger(self, shape, scale):
        self.counter += 1
        out = os.path.join(self.home, f"run{self.counter}")
        dags, size = shape.dims(scale)
        if self.mode == "spawn":
            cmd = ["bash", "-c", spawn_script(shape, scale, self.binary, out)]
        else:
            cmd = [self.binary, "inprocess", shape.kind, shape.body, str(dags), str(size), out, self.mode]
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
        self.roots.append(p.pid)
        return p, out

    def wait(self, handle, shape, scale, deadline):
        p, out = handle
        status, usage = reap(p.pid, deadline, f"{shape.name}: the floor had not finished at the run timeout", poll=0.005)
        run_end = time.time()
        self.roots.remove(p.pid)
        self.reaped_cpu += usage.ru_utime + usage.ru_stime
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{shape.name}: the floor failed: {p.stderr.read().decode()[-500:]}")
        if self.mode == "spawn":
            with open(out) as f:
                tasks = [(d, t, float(s), float(e)) for d, t, s, e in (line.split() for line in f)]
        else:
            with sqlite3.connect(out) as db:
                tasks = db.execute("SELECT dag_id, task_id, start, end FROM task WHERE state = 'success'").fetchall()
        return tasks, run_end


def add_args(ap) -> None:
    ap.add_argument("--mode", choices=["spawn", "forked", "fsync", "batched", "isolated"], default="spawn")
    ap.add_argument("--floor", default=str(REPO / ".build-floor/orch-floor"), help="the floor binary (built if missing)")


if __name__ == "__main__":
    sys.exit(main(FloorSystem, "floor", add_args=add_args))
