#!/usr/bin/env python3
"""orch's `dags test` side of the peer benchmark (system "orch-test"): what Dagster's `execute_in_process` is.

    python3 bench/peers/orch_test_driver.py --orch .build/release/orch [--via bundle|orch] [driver options]

Each DAG of a shape is one process, one after another (as dagster-inprocess runs its jobs): one run of the DAG in one
process of its bundle executable, a task at a time in dependency order, nothing persisted (docs/bundles.md, "orch
dags test"). It faces `execute_in_process` like for like: one process, one step after another, no database.
`--via bundle` (the default) starts the benchmark bundle's executable (`orch-bench-dags dags test DAG DATE`, as a
developer runs a bundle's DAG by hand, or an Airflow DAG file runs `dag.test()`); `--via orch` starts `orch dags
test DAG DATE`, which finds the DAG's bundle first and starts the same executable (orch's own start, about 14 ms on
this machine, and its look-up are then inside the figures). The trigger time is taken before the process starts, so
the bundle process's start is inside trigger-to-first-start, where execute_in_process's Python and Dagster import
are not (its driver imported them before). Task times come from inside each task: the `peer-body <start> <end>` line every peer
body logs (bench/dags/PeerBenchmarks.swift), printed by `dags test` as `[time] task_id: peer-body …`; the run's end
is the time of its last line. The `peer_*_inproc` DAGs are run (`dags test` runs every task in its one process
whatever its isolation). Memory and CPU: the processes started (reaped with wait4: their CPU, and the largest peak
RSS of one of them and the processes it waited for, since a run of a few milliseconds ends between two of the memory
sampler's looks). No process is left between runs, so the idle measurement has nothing to measure and is skipped.
"""
from __future__ import annotations

import calendar
import os
import re
import subprocess
import sys
import tempfile
import time

from driver import discard, log, main, reap

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bundles import bundles_env  # noqa: E402 (bench/bundles.py)

BODY = re.compile(r"^\[[^\]]+\] (\S+): peer-body (\d+\.\d+) (\d+\.\d+)$", re.M)
RUN_END = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z\] \S+: run \S+: (\w+) in ", re.M)


def parse_output(dag_id: str, text: str) -> tuple[list[tuple[str, str, float, float]], float | None, str | None]:
    """(task times, the run's end in Unix seconds, the run's state) from the output of one `orch dags test`."""
    tasks = [(dag_id, m.group(1), float(m.group(2)), float(m.group(3))) for m in BODY.finditer(text)]
    end = RUN_END.search(text)
    if not end:
        return tasks, None, None
    stamp = calendar.timegm(time.strptime(end.group(1), "%Y-%m-%dT%H:%M:%S")) + int(end.group(2)) / 1000
    return tasks, stamp, end.group(3)


class OrchTestSystem:
    name = "orch-test"

    def __init__(self, a):
        self.orch = os.path.abspath(a.orch)
        self.via = a.via
        self.bundle = os.path.join(os.path.dirname(self.orch), "orch-bench-dags")   # the peer DAGs' bundle
        self.home = tempfile.mkdtemp(prefix="orch-test-peers-")
        self.env = dict(os.environ, ORCH_HOME=self.home, **bundles_env(self.orch))
        self.env.pop("ORCH_ALERT_WEBHOOKS", None)
        self.roots: list[int] = []
        self.reaped_cpu = 0.0
        self.reaped_peak_rss = 0   # a run of a few milliseconds ends between two looks of the 200 ms memory sampler
        self.scale = a.scale
        self.counter = 0
        self.run_timeout = a.run_timeout

    def __enter__(self):
        listing = subprocess.run([self.orch, "dags", "list"], env=self.env, capture_output=True, text=True)
        if listing.returncode != 0:
            raise RuntimeError(f"orch dags list failed: {listing.stderr.strip()[:300]}")
        self.dags_loaded = sum(1 for line in listing.stdout.splitlines() if line.strip()) - 1
        log(self.name, f"ORCH_HOME {self.home}, {self.dags_loaded} DAGs, runs through "
                       f"{self.bundle if self.via == 'bundle' else 'orch dags test'}; warm-up run")
        from shapes import SHAPES
        self.wait(self.trigger(SHAPES["trigger"], self.scale), SHAPES["trigger"], self.scale, 0)
        return self

    def __exit__(self, *exc):
        discard(self.home)

    def trigger(self, shape, scale):
        """Runs every DAG of the shape to its end, one after another (`dags test` is synchronous)."""
        self.counter += 1
        logical = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + self.counter))
        deadline = time.time() + self.run_timeout
        results = []
        for dag_id in shape.dag_ids(scale, "inproc"):
            with tempfile.TemporaryFile(dir=self.home) as out:
                command = [self.bundle if self.via == "bundle" else self.orch, "dags", "test", dag_id, logical]
                p = subprocess.Popen(command, env=self.env, stdout=out,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
                self.roots.append(p.pid)
                status, usage = reap(p.pid, deadline, f"{shape.name}: orch dags test {dag_id} had not finished at "
                                                      "the run timeout", poll=0.002)
                self.roots.remove(p.pid)
                self.reaped_cpu += usage.ru_utime + usage.ru_stime
                self.reaped_peak_rss = max(self.reaped_peak_rss, usage.ru_maxrss * 1024)   # KiB on Linux
                out.seek(0)
                results.append((dag_id, os.waitstatus_to_exitcode(status), out.read().decode(errors="replace")))
        return results

    def wait(self, handle, shape, scale, deadline):
        tasks, ends = [], []
        for dag_id, code, text in handle:
            t, end, state = parse_output(dag_id, text)
            if code != 0 or state != "success":
                raise RuntimeError(f"{shape.name}: orch dags test {dag_id} exited {code} ({state}): {text[-300:]!r}")
            tasks += t
            ends.append(end)
        return tasks, max((e for e in ends if e is not None), default=None)


def add_args(ap) -> None:
    ap.add_argument("--orch", default=".build/release/orch", help="the release orch binary (its bundles beside it)")
    ap.add_argument("--via", choices=["bundle", "orch"], default="bundle",
                    help="start the bundle executable's dags test (default) or orch dags test")


def make(a) -> OrchTestSystem:
    bundle = os.path.join(os.path.dirname(os.path.abspath(a.orch)), "orch-bench-dags")
    if not os.access(a.orch, os.X_OK) or not os.access(bundle, os.X_OK):
        sys.exit(f"orch_test_driver: no orch executable at {a.orch} or no {bundle} beside it; build them: make release")
    a.idle_seconds = 0   # nothing runs between runs: no idle system to measure
    return OrchTestSystem(a)


if __name__ == "__main__":
    sys.exit(main(make, "orch", add_args=add_args))
