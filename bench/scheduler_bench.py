#!/usr/bin/env python3
"""Scheduler benchmarks of orch (issue 3).

    python3 bench/scheduler_bench.py [--orch .build/release/orch] [--triggers 20] [--idle-seconds 30] [--json]
                                     [--state-dsn postgresql://orch:orch@127.0.0.1:5432/orch_test]

trigger_to_start: `orch trigger bench_trigger` commits a queued run (dag_run.queued_at); the running scheduler is
  woken through its socket and starts the first task (task_attempt.start_date). Median and p95 over --triggers runs,
  one after another, each waited for.
idle_cpu: CPU time (utime+stime from /proc) of the scheduler process and its fork server over --idle-seconds,
  with every DAG loaded (21) and none due, as a percentage of one core.
--state-dsn: the same figures with the run state in PostgreSQL (ORCH_STATE_DSN, a fresh schema of that database,
  dropped afterwards) instead of the SQLite file in ORCH_HOME; rows are read with psql.
"""
import argparse, json, os, signal, sqlite3, statistics, subprocess, sys, tempfile, time
from bundles import bundles_env

def percentile(values, p):
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)

def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except FileNotFoundError:
        return 0.0

def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []

class SQLiteState:
    """The state rows in ORCH_HOME/orch.db."""
    def __init__(self, home):
        self.home = home
        self.db = None

    def env(self):
        return {}

    def attempt_row(self, run_id):
        if self.db is None:
            self.db = sqlite3.connect(os.path.join(self.home, "orch.db"), timeout=30)
        return self.db.execute("""SELECT r.queued_at, a.start_date, r.state FROM dag_run r
                                  LEFT JOIN task_attempt a ON a.run_pk = r.id AND a.try_number = 1
                                  WHERE r.run_id = ?""", (run_id,)).fetchone()

    def drop(self):
        pass


class PostgresState:
    """The state rows in a fresh schema of a PostgreSQL database, read with psql (the run id travels as a psql
    variable, quoted by psql)."""
    def __init__(self, dsn):
        self.dsn = dsn
        self.schema = "bench_" + os.urandom(6).hex()
        self.psql(f"CREATE SCHEMA {self.schema}")

    def psql(self, sql, **variables):
        args = ["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", self.dsn]
        for k, v in variables.items():
            args += ["-v", f"{k}={v}"]
        return subprocess.run(args, input=sql, capture_output=True, text=True, check=True).stdout

    def env(self):
        sep = "&" if "?" in self.dsn else "?"
        return {"ORCH_STATE_DSN": f"{self.dsn}{sep}options=-csearch_path%3D{self.schema}"}

    def attempt_row(self, run_id):
        out = self.psql(f"""SELECT r.queued_at, a.start_date, r.state FROM {self.schema}.dag_run r
                            LEFT JOIN {self.schema}.task_attempt a ON a.run_pk = r.id AND a.try_number = 1
                            WHERE r.run_id = :'run_id'""", run_id=run_id).strip()
        if not out:
            return None
        q, s, state = out.split("|")
        return (float(q), float(s) if s else None, state)

    def drop(self):
        self.psql(f"DROP SCHEMA {self.schema} CASCADE")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orch", default=".build/release/orch")
    ap.add_argument("--triggers", type=int, default=20)
    ap.add_argument("--idle-seconds", type=float, default=30)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--state-dsn", help="keep the run state in PostgreSQL (a fresh schema of this database)")
    a = ap.parse_args()
    home = tempfile.mkdtemp(prefix="orch-sched-bench-")
    state = PostgresState(a.state_dsn) if a.state_dsn else SQLiteState(home)
    env = dict(os.environ, ORCH_HOME=home, **bundles_env(a.orch))
    env.pop("ORCH_ALERT_WEBHOOKS", None)
    env.pop("ORCH_STATE_DSN", None)
    env.update(state.env())
    dags = subprocess.run([a.orch, "dags", "list"], env=env, capture_output=True, text=True, check=True).stdout
    loaded = len(dags.strip().splitlines()) - 1
    # Only bench DAGs may run: pause the scheduled examples so the idle measurement is idle.
    for dag in ("example_fanout", "shopstream_daily"):
        subprocess.run([a.orch, "dags", "pause", dag], env=env, capture_output=True, check=True)
    sched = subprocess.Popen([a.orch, "scheduler"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        latencies = []
        for i in range(a.triggers):
            run_id = f"bench_{i}"
            subprocess.run([a.orch, "trigger", "bench_trigger", "--run-id", run_id,
                            "--logical-date", f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z"],
                           env=env, capture_output=True, check=True)
            deadline = time.time() + 30
            while time.time() < deadline:
                row = state.attempt_row(run_id)
                if row and row[2] in ("success", "failed"):
                    latencies.append((row[1] - row[0]) * 1000)
                    break
                time.sleep(0.02)
            else:
                sys.exit(f"run {run_id} did not finish in 30 s")
        time.sleep(1)
        pids = [sched.pid] + children(sched.pid)
        before = sum(cpu_seconds(p) for p in pids)
        time.sleep(a.idle_seconds)
        pids = [sched.pid] + children(sched.pid)
        after = sum(cpu_seconds(p) for p in pids)
        idle_cpu = (after - before) / a.idle_seconds * 100
    finally:
        sched.send_signal(signal.SIGTERM)
        sched.wait(timeout=30)
        subprocess.run(["rm", "-rf", home])
        state.drop()
    result = {"state": "postgresql" if a.state_dsn else "sqlite", "dags_loaded": loaded, "triggers": len(latencies),
              "trigger_to_start_p50_ms": statistics.median(latencies),
              "trigger_to_start_p95_ms": percentile(latencies, 0.95),
              "idle_cpu_percent": idle_cpu, "idle_seconds": a.idle_seconds}
    if a.json:
        print(json.dumps(result))
        return
    print(f"orch scheduler benchmarks: {loaded} DAGs loaded, state in {result['state']}")
    print(f"{'figure':44} {'measured':>10} {'target':>10}")
    print(f"{'trigger commit to first task running p50 (ms)':44} {result['trigger_to_start_p50_ms']:10.1f} {'<= 100':>10}")
    print(f"{'trigger commit to first task running p95 (ms)':44} {result['trigger_to_start_p95_ms']:10.1f}")
    print(f"{'idle CPU over ' + str(int(a.idle_seconds)) + ' s (% of one core)':44} {idle_cpu:10.2f} {'<= 1':>10}")

if __name__ == "__main__":
    main()
