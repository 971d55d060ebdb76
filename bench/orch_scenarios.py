#!/usr/bin/env python3
"""orch side of the orch-vs-Airflow benchmark: the same three scenarios as bench/airflow/run.py, measured the same way.

    python3 bench/orch_scenarios.py --orch .build/release/orch --scenario fanout|chain|trigger|all [--repeats N] [--json]

Each invocation starts `orch scheduler` (its own session) in a fresh temporary ORCH_HOME with ORCH_WORKER_SLOTS=2
(Airflow runs LocalExecutor with parallelism 2), pauses the scheduled example DAGs, runs one untimed bench_trigger run
as a warm-up (as run.py does for Airflow), then for each repeat: takes the trigger time, runs
`orch trigger DAG --run-id ID`, polls ORCH_HOME/orch.db until the run ends, and reads task times from it
(task_attempt.start_date/end_date, dag_run.end_date; Unix seconds). The scheduler is stopped (SIGTERM) at the end.

Output has the same JSON fields as run.py: one {"type":"sample",...} per repeat and one {"type":"summary",...} per
scenario (medians): wall_s, tasks_per_s, hop_p50_s, hop_p95_s, trigger_to_first_start_s, trigger_to_end_s,
peak_rss_mb (peak summed RSS of the scheduler and all its descendants, fork server and task processes, sampled
from /proc every 200 ms) and cpu_s (user+system CPU of those processes, reaped children included).
The trigger time is taken before spawning the `orch trigger` CLI, so its process start is inside the figure, as the
REST call is inside Airflow's.
"""
from __future__ import annotations

import argparse
from bundles import bundles_env
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import shutil
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "airflow"))
import run as af  # noqa: E402  (same /proc sampling, CPU accounting and percentile as the Airflow side)

SCENARIOS = af.SCENARIOS
EXPECTED_TASKS = af.EXPECTED_TASKS
SUMMARY_KEYS = af.SUMMARY_KEYS
SLOTS = os.environ.get("ORCH_BENCH_SLOTS", "2")


def log(msg: str) -> None:
    print(f"orch-bench: {msg}", file=sys.stderr, flush=True)


class OrchSystem:
    """A running `orch scheduler` in a temporary ORCH_HOME; stopped and removed on exit."""

    def __init__(self, orch: str):
        self.orch = orch
        self.home = tempfile.mkdtemp(prefix="orch-vs-airflow-")
        self.env = dict(os.environ, ORCH_HOME=self.home, ORCH_WORKER_SLOTS=SLOTS, **bundles_env(self.orch))
        self.env.pop("ORCH_ALERT_WEBHOOKS", None)
        self.proc: subprocess.Popen | None = None
        self.db: sqlite3.Connection | None = None
        self.counter = 0

    def cli(self, *args: str) -> str:
        r = subprocess.run([self.orch, *args], env=self.env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"orch {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
        return r.stdout

    def __enter__(self) -> "OrchSystem":
        self.cli("dags", "list")  # creates the database and registers the DAGs
        for dag in ("example_fanout", "shopstream_daily"):  # scheduled DAGs: keep the system to the benchmark
            subprocess.run([self.orch, "dags", "pause", dag], env=self.env, capture_output=True)
        self.log = open(os.path.join(self.home, "scheduler.log"), "wb")
        self.proc = subprocess.Popen([self.orch, "scheduler"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.db = sqlite3.connect(os.path.join(self.home, "orch.db"), timeout=30)
        time.sleep(0.5)
        log(f"scheduler pid {self.proc.pid}, ORCH_HOME {self.home}, ORCH_WORKER_SLOTS={SLOTS}; warm-up run")
        self.run_once("bench_trigger", 120)
        return self

    def __exit__(self, *exc) -> None:
        if self.db:
            self.db.close()
        if self.proc and self.proc.poll() is None:
            pids = af.system_pids([self.proc.pid])
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            for pid in af.system_pids(pids):  # leftovers of the session (none expected)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        shutil.rmtree(self.home, ignore_errors=True)

    def run_once(self, dag_id: str, run_timeout: float) -> dict:
        roots = [self.proc.pid]
        self.counter += 1
        run_id = f"bench__{dag_id}__{time.time_ns()}"
        logical = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + self.counter))
        cpu_before = af.cpu_seconds(af.system_pids(roots))
        with af.MemorySampler(roots) as mem:
            t_trigger = time.time()
            self.cli("trigger", dag_id, "--run-id", run_id, "--logical-date", logical)
            deadline = time.time() + run_timeout
            while True:
                row = self.db.execute("SELECT id, state, end_date FROM dag_run WHERE dag_id = ? AND run_id = ?",
                                      (dag_id, run_id)).fetchone()
                if row and row[1] in ("success", "failed"):
                    break
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the orch scheduler exited ({self.proc.returncode}); log in {self.home}")
                if time.time() > deadline:
                    raise TimeoutError(f"{dag_id} run {run_id} not finished after {run_timeout:.0f} s ({row})")
                time.sleep(0.02)
        cpu_used = af.cpu_seconds(af.system_pids(roots)) - cpu_before
        run_pk, state, run_end = row
        if state != "success":
            raise RuntimeError(f"{dag_id} run {run_id} ended {state}")
        tis = self.db.execute("SELECT task_id, start_date, end_date FROM task_attempt WHERE run_pk = ? "
                              "AND try_number = 1 ORDER BY start_date", (run_pk,)).fetchall()
        if len(tis) != EXPECTED_TASKS[dag_id]:
            raise RuntimeError(f"{dag_id} run {run_id}: expected {EXPECTED_TASKS[dag_id]} attempts, got {len(tis)}")
        first_start = min(t[1] for t in tis)
        last_end = max(t[2] for t in tis)
        sample = {
            "type": "sample", "system": "orch", "dag_id": dag_id, "run_id": run_id, "tasks": len(tis),
            "wall_s": round(last_end - first_start, 4),
            "trigger_to_first_start_s": round(first_start - t_trigger, 4),
            "trigger_to_end_s": round(run_end - t_trigger, 4),
            "peak_rss_mb": round(mem.peak / 2**20, 1),
            "cpu_s": round(cpu_used, 2),
        }
        if dag_id == "bench_fanout_100":
            sample["tasks_per_s"] = round(len(tis) / (last_end - first_start), 3)
        if dag_id == "bench_chain_20":
            by_id = {t[0]: t for t in tis}
            hops = [by_id[f"c{i}"][1] - by_id[f"c{i - 1}"][2] for i in range(2, 21)]
            sample["hop_p50_s"] = round(af.percentile(hops, 50), 4)
            sample["hop_p95_s"] = round(af.percentile(hops, 95), 4)
        return sample


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orch", default=".build/release/orch")
    ap.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--run-timeout", type=float, default=600)
    a = ap.parse_args()
    if a.repeats < 1:
        sys.exit("orch-bench: --repeats must be at least 1")
    if not os.access(a.orch, os.X_OK):
        sys.exit(f"orch-bench: no orch executable at {a.orch}; build it: make release")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the scheduler (context manager exit)
    names = list(SCENARIOS) if a.scenario == "all" else [a.scenario]
    with OrchSystem(os.path.abspath(a.orch)) as system:
        for name in names:
            dag_id = SCENARIOS[name]
            samples = []
            for i in range(a.repeats):
                log(f"{name}: run {i + 1}/{a.repeats} of {dag_id}")
                s = system.run_once(dag_id, a.run_timeout)
                s.update(scenario=name, repeat=i + 1)
                samples.append(s)
                if a.json:
                    print(json.dumps(s), flush=True)
            summary = {"type": "summary", "system": "orch", "scenario": name, "dag_id": dag_id,
                       "repeats": a.repeats, "statistic": "median"}
            for key in SUMMARY_KEYS[name]:
                summary[key] = round(statistics.median(s[key] for s in samples), 4)
            summary["peak_rss_mb_max"] = max(s["peak_rss_mb"] for s in samples)
            if a.json:
                print(json.dumps(summary), flush=True)
            else:
                print(f"orch {name} ({dag_id}), median of {a.repeats}: "
                      + ", ".join(f"{k}={summary[k]}" for k in SUMMARY_KEYS[name]), flush=True)


if __name__ == "__main__":
    main()
