"""Item 7: the state database held by another process (a read transaction open for 10 s, and BEGIN IMMEDIATE
write locks of 2 s) while runs go on and the API and CLI are queried: no "database is locked" (or "busy")
reaches a user: CLI output, HTTP bodies, server output and task logs are searched."""
import glob, threading
from rel import *

HOLDER = r"""
import sqlite3, sys, time
db = sys.argv[1]
reader = sqlite3.connect(db, timeout=30, isolation_level=None)
reader.execute("BEGIN")
reader.execute("SELECT count(*) FROM task_instance").fetchone()   # read snapshot held from here
print("reader holds a read transaction", flush=True)
writer = sqlite3.connect(db, timeout=30, isolation_level=None)
for i in range(3):
    time.sleep(1)
    writer.execute("BEGIN IMMEDIATE")                             # every other writer waits
    time.sleep(2)
    writer.execute("COMMIT")
    print(f"write lock {i + 1} released", flush=True)
time.sleep(max(0, 10 - 9))
reader.execute("COMMIT")
print("reader released", flush=True)
"""
BAD = ("database is locked", "database table is locked", "sqlite_busy", "database is busy")


def body():
    home = Home("locked")
    try:
        home.unpause("bench_chain_20", "bench_trigger")
        srv = home.serve()
        port = srv.port
        texts, requests, errors = [], 0, []
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, home.db_path], stdout=subprocess.PIPE, text=True)
        stop = threading.Event()

        def api_client():
            nonlocal requests
            paths = ["/api/v1/dags", "/api/v1/dags/bench_chain_20/runs", "/api/v1/health",
                     "/api/v1/dags/example_fanout/runs", "/api/v1/alerts"]
            i = 0
            while not stop.is_set():
                status, _, data = http(port, "GET", paths[i % len(paths)])
                requests += 1
                i += 1
                texts.append(data.decode("utf-8", "replace"))
                if status >= 500:
                    errors.append((paths[i % len(paths)], status, data[:200]))
                time.sleep(0.02)

        clients = [threading.Thread(target=api_client) for _ in range(4)]
        for t in clients:
            t.start()
        cli_calls = 0
        for i in range(6):
            p = home.orch("trigger", "bench_chain_20", "--logical-date", f"2026-10-{i + 1:02d}")
            texts += [p.stdout, p.stderr]
            cli_calls += 1
            check(p.returncode == 0, f"trigger failed: {p.stderr}")
            status, _, data = http(port, "POST", "/api/v1/dags/bench_trigger/runs",
                                   {"logical_date": f"2026-10-{i + 1:02d}"})
            requests += 1
            texts.append(data.decode("utf-8", "replace"))
            check(status == 201, f"POST run answered {status}: {data[:300]}")
            p = home.orch("runs", "list", "bench_chain_20")
            texts += [p.stdout, p.stderr]
            cli_calls += 1
            time.sleep(0.5)
        holder_out, _ = holder.communicate(timeout=60)
        check(holder.returncode == 0, f"lock holder failed: {holder_out}")
        rows = wait_runs_finished(home, "bench_chain_20", 6, 240, procs=[srv])
        wait_runs_finished(home, "bench_trigger", 6, 240, procs=[srv])
        stop.set()
        for t in clients:
            t.join()
        check(not errors, f"5xx answers: {errors[:5]}")
        texts.append(open(srv.out_path, errors="replace").read())
        for f in glob.glob(os.path.join(home.path, "logs/**/*.log"), recursive=True):
            texts.append(open(f, errors="replace").read())
        texts += [r["error"] or "" for r in home.query("SELECT error FROM task_attempt")]
        found = [t[:300] for t in texts if any(b in t.lower() for b in BAD)]
        check(not found, f"a lock error reached a user: {found[:3]}")
        states = home.query("SELECT state, count(*) AS n FROM dag_run GROUP BY state")
        check(all(s["state"] == "success" for s in states), f"runs not all successful: {states}")
        return {"runs": 12, "api_requests": requests, "cli_calls": cli_calls, "write_locks_held": 3,
                "read_tx_seconds": 10, "lock_errors_seen": 0, "5xx": 0}
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t07_sqlite_held", body)
