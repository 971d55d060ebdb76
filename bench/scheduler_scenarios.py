#!/usr/bin/env python3
"""The Astronomer scheduler scenarios (issue 17): total scheduling lag of `orch scheduler` on three shapes.

    python3 bench/scheduler_scenarios.py [--orch .build/release/orch] [--repeats 3] [--slots 32] [--json]

Scenarios (DAGs in dags/SchedulerScenarios.swift, registered only under ORCH_BENCH_SCENARIOS, so nothing else runs):
  linear: 100 DAGs x 10 linear tasks (1,000 tasks)
  wide:   10 DAGs x 100 parallel tasks (1,000 tasks)
  burst:  1 DAG with a burst of 1,000 parallel tasks
Every task is an in-process no-op: what is measured is the scheduler, not process start-up.

Each repeat: a fresh ORCH_HOME, `orch scheduler` started with ORCH_WORKER_SLOTS=--slots; every DAG is due at once
(the scheduler creates one run per DAG when it starts); the scheduler is stopped when every run has finished.
From the state database:
  a task's lag = its first attempt's start - the time it became ready (its run's start for a task without
  upstream, else the end of its last upstream's successful attempt);
  total scheduling lag = the sum of every task's lag (seconds); also per-task p50/p95 (ms) and the wall time from
  the first run's queued_at to the last task's end.
Figures are medians over --repeats. Slots bound how many tasks run at once, so part of the lag is queueing for a slot
(1,000 ready tasks with 32 slots wait by construction); the per-task figures and the wall time show how that splits.
"""
import argparse, json, os, signal, sqlite3, statistics, subprocess, sys, tempfile, time
from bundles import bundles_env


def bench_bundle(orch):
    """Only the benchmark bundle: the others' scheduled DAGs would run beside the scenarios."""
    return next(p for p in bundles_env(orch)["ORCH_BUNDLES"].split(":") if p.endswith("orch-bench-dags"))

SCENARIOS = {"linear": "100 DAGs x 10 linear tasks", "wide": "10 DAGs x 100 parallel tasks",
             "burst": "1 DAG, burst of 1,000 parallel tasks"}
EXPECTED_RUNS = {"linear": 100, "wide": 10, "burst": 1}


def percentile(values, p):
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def once(orch, scenario, slots, timeout):
    home = tempfile.mkdtemp(prefix="orch-scenario-")
    env = dict(os.environ, ORCH_HOME=home, ORCH_WORKER_SLOTS=str(slots), ORCH_BENCH_SCENARIOS=scenario,
               ORCH_BUNDLES=bench_bundle(orch))
    log = open(os.path.join(home, "scheduler.log"), "w")
    proc = subprocess.Popen([orch, "scheduler"], env=env, stdout=log, stderr=log)
    db_path = os.path.join(home, "orch.db")
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                sys.exit(f"the scheduler exited early ({scenario}); see {home}/scheduler.log")
            if time.monotonic() > deadline:
                sys.exit(f"{scenario}: runs not finished within {timeout} s; see {home}/scheduler.log")
            time.sleep(0.2)
            if not os.path.exists(db_path):
                continue
            try:
                db = sqlite3.connect(db_path, timeout=5)
                runs = db.execute("SELECT state FROM dag_run").fetchall()
                db.close()
            except sqlite3.OperationalError:
                continue
            if len(runs) == EXPECTED_RUNS[scenario] and all(s in ("success", "failed") for (s,) in runs):
                break
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    db = sqlite3.connect(db_path)
    failed = db.execute("SELECT count(*) FROM dag_run WHERE state != 'success'").fetchone()[0]
    if failed:
        sys.exit(f"{scenario}: {failed} runs did not succeed; see {home}")
    runs = {pk: (queued, start) for pk, queued, start in db.execute("SELECT id, queued_at, start_date FROM dag_run")}
    attempts = {}
    for run_pk, task, start, end in db.execute(
            "SELECT run_pk, task_id, start_date, end_date FROM task_attempt WHERE try_number = 1"):
        attempts[(run_pk, task)] = (start, end)
    dag_of = dict(db.execute("SELECT id, dag_id FROM dag_run"))
    db.close()
    subprocess.run(["rm", "-rf", home])
    lags = []
    for (run_pk, task), (start, _end) in attempts.items():
        upstream = upstream_of(dag_of[run_pk], task)
        ready = max([attempts[(run_pk, u)][1] for u in upstream], default=runs[run_pk][1])
        lags.append(max(0.0, start - ready))
    first_queued = min(q for q, _ in runs.values())
    last_end = max(e for _, e in attempts.values())
    return {"tasks": len(attempts), "total_lag_s": sum(lags), "p50_ms": percentile(lags, 0.5) * 1000,
            "p95_ms": percentile(lags, 0.95) * 1000, "wall_s": last_end - first_queued}


def upstream_of(dag_id, task):
    """The shapes of dags/SchedulerScenarios.swift: linear DAGs chain c1..c10; the others have no edges."""
    if dag_id.startswith("scenario_linear_"):
        i = int(task[1:])
        return [f"c{i - 1}"] if i > 1 else []
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orch", default=".build/release/orch")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--slots", type=int, default=32)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--only", choices=sorted(SCENARIOS))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    results = {}
    for name in ([a.only] if a.only else SCENARIOS):
        rs = [once(a.orch, name, a.slots, a.timeout) for _ in range(a.repeats)]
        results[name] = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
    if a.json:
        print(json.dumps(results))
        return
    print(f"orch scheduler scenarios: {a.slots} worker slots, in-process no-ops, medians of {a.repeats} runs")
    print(f"{'scenario':40} {'tasks':>6} {'total lag (s)':>14} {'lag p50 (ms)':>13} {'lag p95 (ms)':>13} {'wall (s)':>9}")
    for name, r in results.items():
        print(f"{SCENARIOS[name]:40} {r['tasks']:6.0f} {r['total_lag_s']:14.2f} {r['p50_ms']:13.2f} {r['p95_ms']:13.2f} {r['wall_s']:9.2f}")


if __name__ == "__main__":
    main()
