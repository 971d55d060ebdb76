#!/usr/bin/env python3
"""Apache Airflow 3 side of the orch-vs-Airflow benchmark.

Prerequisite: `bash bench/airflow/setup.sh` (venv in .venv-airflow/, metadata DB `airflow_bench` on local PostgreSQL).
Any Python may launch this file: it re-executes itself with .venv-airflow/bin/python (it needs psycopg2 from there).

Interface
---------
  run.py start  [--timeout S] [--no-warmup]
      Starts api-server, scheduler and dag-processor as detached children (each in its own session), waits until the
      API reports scheduler + dag-processor healthy and the three bench DAGs are serialized, then runs one untimed
      bench_trigger run as a warm-up (skip with --no-warmup). Pids go to $AIRFLOW_HOME/bench-pids.json, component
      logs to $AIRFLOW_HOME/bench-logs/. Prints one JSON line {"event":"started",...}. Exit 0 when ready.
      Before the components start, DAG runs an interrupted benchmark left queued or running are failed (with their
      unfinished task instances), so the scheduler does not carry them on beside the next measurement.
  run.py stop
      SIGTERM to every process of the started system (their sessions and descendants), SIGKILL after 30 s, then
      checks that none is left. Prints {"event":"stopped",...}. Safe to call when nothing runs.
  run.py status
      Prints {"event":"status","running":bool,"pids":[...],"rss_mb":...}.
  run.py run --scenario fanout|chain|trigger|all [--repeats N] [--json] [--run-timeout S]
      Runs the scenario(s) N times (default 3). If Airflow is not started it is started first and stopped at the end
      (so `run.py run --scenario all` alone is a complete, self-cleaning benchmark); if it was started by `start`, it
      is left running so a master script can interleave `run` calls with orch's. Each run waits at most
      --run-timeout seconds (default 900) and fails the command if it does not finish in success.

Output of `run` (stdout): with --json, JSON lines only: one {"type":"sample",...} per repeat and one
{"type":"summary",...} per scenario holding medians over the repeats; without --json, a readable summary.
Progress goes to stderr. All times in seconds, memory in MiB.

What is measured (all task/run times come from the metadata DB; the trigger time is taken by this script just before
the REST call POST /api/v2/dags/{dag_id}/dagRuns):
  fanout  (bench_fanout_100: start -> 100 parallel -> end, 102 tasks)
          wall_s = last task end_date - first task start_date; tasks_per_s = 102 / wall_s;
          trigger_to_end_s = dag_run.end_date - trigger time.
  chain   (bench_chain_20: 20 tasks in a chain)
          hop_p50_s / hop_p95_s over the 19 hops (next task start_date - previous task end_date);
          wall_s, trigger_to_end_s as above.
  trigger (bench_trigger: one task)
          trigger_to_first_start_s = task start_date - trigger time; trigger_to_end_s.
  Every sample also has peak_rss_mb: the peak, over the run, of the summed RSS of all the Airflow system's processes
  (components, LocalExecutor workers, task processes), read from /proc every 200 ms. RSS counts shared pages once per
  process, as `ps` does. And cpu_s: CPU seconds (user+system) the Airflow system used during the run, from
  /proc/PID/stat of its processes (utime+stime+cutime+cstime, so exited task processes are included once reaped);
  less sensitive than wall times to other load on the machine. PostgreSQL's own CPU is not included.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("AIRFLOW_BENCH_VENV", REPO / ".venv-airflow"))
AIRFLOW_HOME = Path(os.environ.get("AIRFLOW_BENCH_HOME", VENV / "home"))
API_PORT = int(os.environ.get("AIRFLOW_BENCH_API_PORT", "28080"))
API = f"http://127.0.0.1:{API_PORT}"
PIDFILE = AIRFLOW_HOME / "bench-pids.json"
LOGDIR = AIRFLOW_HOME / "bench-logs"
COMPONENTS = ["api-server", "scheduler", "dag-processor"]
SCENARIOS = {"fanout": "bench_fanout_100", "chain": "bench_chain_20", "trigger": "bench_trigger"}
EXPECTED_TASKS = {"bench_fanout_100": 102, "bench_chain_20": 20, "bench_trigger": 1}
PAGE = os.sysconf("SC_PAGE_SIZE")


def log(msg: str) -> None:
    print(f"airflow-bench: {msg}", file=sys.stderr, flush=True)


def fail(msg: str) -> None:
    log(f"error: {msg}")
    sys.exit(1)


def ensure_venv_python() -> None:
    """Re-executes this script with the benchmark venv's interpreter when psycopg2 is not importable here."""
    venv_python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not venv_python.exists():
        fail(f"no Airflow venv at {VENV}; run `bash bench/airflow/setup.sh` first")
    os.execv(str(venv_python), [str(venv_python), __file__, *sys.argv[1:]])


# ---------------------------------------------------------------- processes (/proc)

def proc_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (ppid, session id, state) for every live process, from /proc/PID/stat."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                data = f.read().decode(errors="replace")
        except OSError:
            continue
        fields = data[data.rindex(")") + 2:].split()
        table[int(entry)] = (int(fields[1]), int(fields[3]), fields[0])
    return table


def system_pids(roots: list[int]) -> list[int]:
    """Live (non-zombie) processes of the Airflow system: in the roots' sessions or descending from a root."""
    table = proc_table()
    sessions = set(roots)
    members = {pid for pid, (_, sid, _) in table.items() if sid in sessions}
    members |= {r for r in roots if r in table}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _, _) in table.items():
            if pid not in members and ppid in members:
                members.add(pid)
                changed = True
    return sorted(p for p in members if table[p][2] != "Z")


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


def pss_bytes(pids: list[int]) -> int:
    """Summed PSS (proportional set size) of the processes: each page counted once across them, a page shared by n
    processes a 1/n share each (the Python interpreter or Swift runtime mapped by every process of a system, which
    summed RSS counts once per process). From /proc/PID/smaps_rollup; it walks the page tables, ~0.5 ms a process,
    so it is sampled at idle, not 5 times a second during a run."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, IndexError, ValueError):
            pass
    return total


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """utime+stime+cutime+cstime of the given processes: their CPU time plus that of their reaped children."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                data = f.read().decode(errors="replace")
        except OSError:
            continue
        fields = data[data.rindex(")") + 2:].split()
        total += sum(int(x) for x in fields[11:15])
    return total / CLK_TCK


class MemorySampler:
    """Samples the summed RSS of the system every `interval` seconds on a background thread; keeps the peak."""

    def __init__(self, roots: list[int], interval: float = 0.2):
        self.roots, self.interval, self.peak = roots, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(system_pids(self.roots)))
            self._stop.wait(self.interval)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def read_roots() -> list[int]:
    if not PIDFILE.exists():
        return []
    roots = json.loads(PIDFILE.read_text())["pids"]
    live = proc_table()
    return [p for p in roots if p in live and live[p][2] != "Z"]


# ---------------------------------------------------------------- HTTP + DB

def http(method: str, path: str, body: dict | None = None, timeout: float = 10.0) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read() or b"null")


def db_connect():
    import psycopg2  # from the venv

    url = os.environ.get("AIRFLOW_BENCH_PG", "postgresql://orch:orch@127.0.0.1:5432/airflow_bench")
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def query(conn, sql: str, params: tuple = ()) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


# ---------------------------------------------------------------- start / stop

def airflow_env() -> dict[str, str]:
    env = dict(os.environ)
    env["AIRFLOW_HOME"] = str(AIRFLOW_HOME)
    env["PATH"] = f"{VENV / 'bin'}:{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def wait_ready(conn, deadline: float) -> None:
    dag_ids = list(EXPECTED_TASKS)
    while True:
        problems = []
        try:
            health = http("GET", "/api/v2/monitor/health", timeout=5)
            for part in ("metadatabase", "scheduler", "dag_processor"):
                if (health.get(part) or {}).get("status") != "healthy":
                    problems.append(f"{part} not healthy yet")
        except (urllib.error.URLError, OSError, ValueError) as e:
            problems.append(f"api-server not answering ({e})")
        rows = query(conn, "SELECT dag_id FROM serialized_dag WHERE dag_id = ANY(%s)", (dag_ids,))
        missing = set(dag_ids) - {r[0] for r in rows}
        if missing:
            problems.append(f"DAGs not parsed yet: {sorted(missing)}")
        else:
            paused = query(conn, "SELECT dag_id FROM dag WHERE dag_id = ANY(%s) AND is_paused", (dag_ids,))
            for (dag_id,) in paused:  # left paused by an older config: unpause through the API
                http("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
                problems.append(f"{dag_id} was paused")
        if not problems:
            return
        if time.time() > deadline:
            raise TimeoutError("; ".join(problems) + f" (component logs in {LOGDIR})")
        time.sleep(0.5)


# DAG runs a cut benchmark left queued or running, failed with their unfinished task instances, in one statement,
# while no scheduler runs: otherwise the next start carries them on in the slots (parallelism 2) the next measurement
# needs. Returns (DAG runs, task instances) failed.
FAIL_UNFINISHED_RUNS_SQL = """
WITH runs AS (
    UPDATE dag_run SET state = 'failed', end_date = now()
     WHERE COALESCE(state, '') NOT IN ('success', 'failed')
    RETURNING dag_id, run_id),
tis AS (
    UPDATE task_instance ti SET state = 'failed', end_date = now()
      FROM runs
     WHERE ti.dag_id = runs.dag_id AND ti.run_id = runs.run_id
       AND COALESCE(ti.state, '') NOT IN ('success', 'failed', 'skipped', 'upstream_failed', 'removed')
    RETURNING ti.task_id)
SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM tis)
"""


def fail_unfinished_runs(conn) -> tuple[int, int]:
    runs, tis = query(conn, FAIL_UNFINISHED_RUNS_SQL)[0]
    if runs:
        log(f"failed {runs} DAG run(s) and {tis} task instance(s) an interrupted run left unfinished")
    return runs, tis


def start(timeout: float, warmup: bool) -> list[int]:
    if read_roots():
        fail(f"Airflow already started (pids {read_roots()}); run `run.py stop` first")
    if not (VENV / "bin" / "airflow").exists():
        fail(f"no airflow in {VENV}; run `bash bench/airflow/setup.sh` first")
    if not (AIRFLOW_HOME / "airflow.cfg").exists():
        fail(f"no {AIRFLOW_HOME / 'airflow.cfg'}; run `bash bench/airflow/setup.sh` first")
    try:
        http("GET", "/api/v2/version", timeout=1)
        fail(f"something already answers on {API}; stop it or set AIRFLOW_BENCH_API_PORT (and re-run setup.sh)")
    except (urllib.error.URLError, OSError):
        pass
    conn = db_connect()
    try:
        fail_unfinished_runs(conn)
    except BaseException:
        conn.close()
        raise
    LOGDIR.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    pids = []
    for comp in COMPONENTS:
        out = open(LOGDIR / f"{comp}.log", "ab")
        p = subprocess.Popen([str(VENV / "bin" / "airflow"), comp], env=airflow_env(), stdout=out,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        pids.append(p.pid)
    PIDFILE.write_text(json.dumps({"pids": pids, "components": COMPONENTS, "started_at": t0}))
    log(f"started {dict(zip(COMPONENTS, pids))}; waiting for health and parsed DAGs")
    try:
        wait_ready(conn, t0 + timeout)
        ready = time.time() - t0
        log(f"ready after {ready:.1f} s")
        if warmup:
            log("warm-up run of bench_trigger (not measured)")
            run_once(conn, "bench_trigger", pids, min(300.0, timeout))
    except BaseException:
        conn.close()
        stop()
        raise
    conn.close()
    print(json.dumps({"event": "started", "system": "airflow", "pids": pids, "ready_s": round(ready, 3),
                      "idle_rss_mb": round(rss_bytes(system_pids(pids)) / 2**20, 1)}), flush=True)
    return pids


def stop() -> None:
    if not PIDFILE.exists():
        print(json.dumps({"event": "stopped", "system": "airflow", "killed": 0}), flush=True)
        return
    roots = json.loads(PIDFILE.read_text())["pids"]
    pids = system_pids(roots)
    for root in roots:
        try:
            os.killpg(root, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for pid in pids:  # descendants that left the session
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + 30
    while system_pids(roots) and time.time() < deadline:
        time.sleep(0.2)
    left = system_pids(roots)
    for pid in left:
        log(f"SIGKILL {pid} (did not exit after SIGTERM)")
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.5)
    left = system_pids(roots)
    PIDFILE.unlink(missing_ok=True)
    print(json.dumps({"event": "stopped", "system": "airflow", "processes": len(pids), "left": left}), flush=True)
    if left:
        fail(f"processes still alive after SIGKILL: {left}")


# ---------------------------------------------------------------- one measured run

def seconds(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


def run_once(conn, dag_id: str, roots: list[int], run_timeout: float) -> dict:
    cpu_before = cpu_seconds(system_pids(roots))
    with MemorySampler(roots) as mem:
        run_id = f"bench__{dag_id}__{time.time_ns()}"
        t_trigger = datetime.now(timezone.utc)
        http("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"dag_run_id": run_id, "logical_date": None}, timeout=30)
        deadline = time.time() + run_timeout
        while True:
            state = query(conn, "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id))
            if state and state[0][0] in ("success", "failed"):
                break
            if not roots or not system_pids(roots):
                raise RuntimeError("the Airflow processes are gone")
            if time.time() > deadline:
                raise TimeoutError(f"{dag_id} run {run_id} not finished after {run_timeout:.0f} s (state {state})")
            time.sleep(0.1)
    cpu_used = cpu_seconds(system_pids(roots)) - cpu_before
    if state[0][0] != "success":
        raise RuntimeError(f"{dag_id} run {run_id} ended {state[0][0]}; task logs under {AIRFLOW_HOME / 'logs'}")
    run_end = query(conn, "SELECT end_date FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id))[0][0]
    tis = query(conn, "SELECT task_id, start_date, end_date, state FROM task_instance "
                      "WHERE dag_id = %s AND run_id = %s ORDER BY start_date", (dag_id, run_id))
    if len(tis) != EXPECTED_TASKS[dag_id] or any(t[3] != "success" for t in tis):
        raise RuntimeError(f"{dag_id} run {run_id}: expected {EXPECTED_TASKS[dag_id]} successful tasks, got {tis}")
    first_start = min(t[1] for t in tis)
    last_end = max(t[2] for t in tis)
    sample = {
        "type": "sample", "system": "airflow", "dag_id": dag_id, "run_id": run_id, "tasks": len(tis),
        "wall_s": round(seconds(first_start, last_end), 4),
        "trigger_to_first_start_s": round(seconds(t_trigger, first_start), 4),
        "trigger_to_end_s": round(seconds(t_trigger, run_end), 4),
        "peak_rss_mb": round(mem.peak / 2**20, 1),
        "cpu_s": round(cpu_used, 2),
    }
    if dag_id == "bench_fanout_100":
        sample["tasks_per_s"] = round(len(tis) / seconds(first_start, last_end), 3)
    if dag_id == "bench_chain_20":
        by_id = {t[0]: t for t in tis}
        hops = [seconds(by_id[f"c{i - 1:02d}"][2], by_id[f"c{i:02d}"][1]) for i in range(1, 20)]
        sample["hop_p50_s"] = round(percentile(hops, 50), 4)
        sample["hop_p95_s"] = round(percentile(hops, 95), 4)
    return sample


SUMMARY_KEYS = {
    "fanout": ["wall_s", "tasks_per_s", "trigger_to_end_s", "trigger_to_first_start_s", "peak_rss_mb", "cpu_s"],
    "chain": ["hop_p50_s", "hop_p95_s", "wall_s", "trigger_to_end_s", "peak_rss_mb", "cpu_s"],
    "trigger": ["trigger_to_first_start_s", "trigger_to_end_s", "peak_rss_mb", "cpu_s"],
}


def run_scenarios(names: list[str], repeats: int, as_json: bool, run_timeout: float) -> None:
    roots = read_roots()
    own = not roots
    if own:
        roots = start(timeout=300, warmup=True)
    conn = db_connect()
    try:
        for name in names:
            dag_id = SCENARIOS[name]
            samples = []
            for i in range(repeats):
                log(f"{name}: run {i + 1}/{repeats} of {dag_id}")
                s = run_once(conn, dag_id, roots, run_timeout)
                s.update(scenario=name, repeat=i + 1)
                samples.append(s)
                if as_json:
                    print(json.dumps(s), flush=True)
            summary = {"type": "summary", "system": "airflow", "scenario": name, "dag_id": dag_id,
                       "repeats": repeats, "statistic": "median"}
            for key in SUMMARY_KEYS[name]:
                summary[key] = round(statistics.median(s[key] for s in samples), 4)
            summary["peak_rss_mb_max"] = max(s["peak_rss_mb"] for s in samples)
            if as_json:
                print(json.dumps(summary), flush=True)
            else:
                print(f"airflow {name} ({dag_id}), median of {repeats}: "
                      + ", ".join(f"{k}={summary[k]}" for k in SUMMARY_KEYS[name]), flush=True)
    finally:
        conn.close()
        if own:
            stop()


def main() -> None:
    ensure_venv_python()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p_start = sub.add_parser("start", help="start Airflow and wait until ready")
    p_start.add_argument("--timeout", type=float, default=300)
    p_start.add_argument("--no-warmup", action="store_true")
    sub.add_parser("stop", help="stop every Airflow process started by `start`")
    sub.add_parser("status", help="print whether Airflow is running and its RSS")
    p_run = sub.add_parser("run", help="run benchmark scenarios")
    p_run.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    p_run.add_argument("--repeats", type=int, default=3)
    p_run.add_argument("--json", action="store_true", help="JSON lines on stdout")
    p_run.add_argument("--run-timeout", type=float, default=900)
    args = ap.parse_args()

    # A SIGTERM/SIGINT to this script must not leave Airflow running when this script started it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if args.cmd == "start":
        start(args.timeout, not args.no_warmup)
    elif args.cmd == "stop":
        stop()
    elif args.cmd == "status":
        roots = read_roots()
        print(json.dumps({"event": "status", "system": "airflow", "running": bool(roots),
                          "pids": system_pids(roots) if roots else [],
                          "rss_mb": round(rss_bytes(system_pids(roots)) / 2**20, 1) if roots else 0}))
    else:
        if args.repeats < 1:
            fail("--repeats must be at least 1")
        names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
        run_scenarios(names, args.repeats, args.json, args.run_timeout)


if __name__ == "__main__":
    main()
