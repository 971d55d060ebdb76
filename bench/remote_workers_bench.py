#!/usr/bin/env python3
"""Remote workers (issue 19): a 1,000-task fan-out run by two `orch worker` processes over HTTP on loopback, against
the same fan-out run by the scheduler's own pool.

    python3 bench/remote_workers_bench.py [--orch .build/release/orch] [--repeats 3] [--slots 2] [--json]

Each repeat starts a fresh server home: `orch serve` (its own pool serves the queue `default`), two workers with
homes of their own on the queue `remote`, each with --slots slots, then triggers `bench_fanout_1000_remote` and
reads the run from the state database. The local figure is `bench_fanout_1000_process` run by `orch serve` alone
with 2 x --slots worker slots: the same number of task processes at once.

Figures (medians over --repeats):
  tasks_per_s      1,002 attempts / (run end - run start)
  slot_ms_per_task run span x slots / attempts: the wall time one slot spends per task, launch and report included
  http_overhead_ms slot_ms_per_task(remote) - slot_ms_per_task(local): what the HTTP path adds to each task
"""
import argparse, json, os, re, shutil, signal, sqlite3, statistics, subprocess, sys, tempfile, time
from bundles import bundles_env

def start(cmd, env, log):
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))

def wait_for(pred, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")

def server_url(log):
    text = open(log).read()
    m = re.search(r"web server on (http://127\.0\.0\.1:\d+)/", text)
    return m.group(1) if m else None

def run_once(orch, remote, slots):
    root = tempfile.mkdtemp(prefix="orch-remote-bench-")
    home = os.path.join(root, "server")
    os.makedirs(home)
    # Every DAG starts paused but the one measured: nothing scheduled runs meanwhile.
    env = dict(os.environ, ORCH_HOME=home, ORCH_LOAD_EXAMPLES="false", ORCH_DAGS_ARE_PAUSED_AT_CREATION="true",
               **bundles_env(orch))
    procs = []
    try:
        local_slots = 2 if remote else 2 * slots
        server = start([orch, "serve", "--port", "0", "--slots", str(local_slots)], env, os.path.join(root, "server.log"))
        procs.append(server)
        url = wait_for(lambda: server_url(os.path.join(root, "server.log")), 120, "orch serve")
        dag = "bench_fanout_1000_remote" if remote else "bench_fanout_1000_process"
        subprocess.run([orch, "dags", "unpause", dag], env=env, check=True, capture_output=True)
        if remote:
            for name in ("w1", "w2"):
                token = subprocess.run([orch, "tokens", "create", "--role", "worker", "--name", name], env=env,
                                       capture_output=True, text=True, check=True).stdout.strip()
                whome = os.path.join(root, name)
                os.makedirs(whome)
                wenv = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
                procs.append(start([orch, "worker", "--server", url, "--token", token, "--queue", "remote",
                                    "--slots", str(slots), "--home", whome], wenv, os.path.join(root, f"{name}.log")))
        subprocess.run([orch, "trigger", dag], env=env, check=True, capture_output=True)
        db_path = os.path.join(home, "orch.db")
        def finished():
            db = sqlite3.connect(db_path)
            row = db.execute("SELECT state, start_date, end_date, id FROM dag_run WHERE dag_id = ?", (dag,)).fetchone()
            db.close()
            return row if row and row[0] in ("success", "failed") else None
        state, started, ended, pk = wait_for(finished, 1800, dag)
        if state != "success":
            sys.exit(f"{dag} ended {state}; logs in {root}")
        db = sqlite3.connect(db_path)
        n = db.execute("SELECT count(*) FROM task_attempt WHERE run_pk = ?", (pk,)).fetchone()[0]
        workers = db.execute("SELECT worker, count(*) FROM remote_attempt GROUP BY worker").fetchall() if remote else []
        db.close()
        span = ended - started
        return {"tasks": n, "span": span, "tasks_per_s": n / span, "slot_ms_per_task": span * 2 * slots / n * 1000,
                "per_worker": [c for _, c in workers]}
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(root, ignore_errors=True)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orch", default=".build/release/orch")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--slots", type=int, default=2, help="slots of each worker (local pool: twice this)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    out = {}
    for label, remote in (("remote", True), ("local", False)):
        runs = [run_once(a.orch, remote, a.slots) for _ in range(a.repeats)]
        out[label] = {"tasks": runs[0]["tasks"],
                      "tasks_per_s": statistics.median(r["tasks_per_s"] for r in runs),
                      "slot_ms_per_task": statistics.median(r["slot_ms_per_task"] for r in runs),
                      "per_worker": runs[-1]["per_worker"]}
    out["http_overhead_ms"] = out["remote"]["slot_ms_per_task"] - out["local"]["slot_ms_per_task"]
    if a.json:
        print(json.dumps(out))
        return
    print(f"fan-out 1,000: two remote workers x {a.slots} slots vs the local pool with {2 * a.slots} slots, "
          f"medians of {a.repeats}")
    for label in ("remote", "local"):
        r = out[label]
        print(f"  {label:7} {r['tasks_per_s']:8.1f} tasks/s  {r['slot_ms_per_task']:7.1f} slot-ms/task"
              + (f"  (attempts per worker, last run: {r['per_worker']})" if r["per_worker"] else ""))
    print(f"  HTTP path adds {out['http_overhead_ms']:.1f} ms of slot time per task")

if __name__ == "__main__":
    main()
