"""Item 3: PostgreSQL stopped and started again (`scripts/pg-restart.sh`) while load_bronze runs: the attempt
fails on the lost connection, the task is retried per its policy and finishes, the run succeeds, and bronze
equals the event log exactly (no row lost, none duplicated). Restarts the machine's PostgreSQL for ~3 s."""
from rel import *


def pg(action):
    subprocess.run(["bash", os.path.join(ROOT, "scripts/pg-restart.sh"), action], check=True, timeout=120,
                   capture_output=True)


def body():
    dsn = fresh_pg_database("orch_rel_pgrestart")
    home = Home("pgrestart")
    stopped = False
    try:
        port = free_port()
        home.env.update({"SHOPSTREAM_SOURCE_URL": f"http://127.0.0.1:{port}", "ORCH_WAREHOUSE_DSN": dsn})
        home.spawn("shopstream", "serve-source", "--port", str(port))
        conf = json.dumps({"warehouse_dsn": dsn, "source_url": f"http://127.0.0.1:{port}",
                           "clickstream_events": 150000})
        run = home.spawn("run", "shopstream_daily", "--logical-date", "2026-11-03", "--conf", conf)
        end = time.time() + 600
        while True:
            check(time.time() < end and run.poll() is None,
                  f"load_bronze never started: {open(run.out_path).read()[-1500:]}")
            try:
                rows = home.query("SELECT ti.state FROM task_instance ti WHERE ti.task_id = 'load_bronze'")
            except sqlite3.OperationalError:
                rows = []   # the database is still being created
            if rows and rows[0]["state"] == "running":
                break
            time.sleep(0.05)
        time.sleep(0.3)
        pg("stop")
        stopped = True
        time.sleep(3)
        pg("start")
        stopped = False
        rc = run.wait(timeout=900)
        out = open(run.out_path).read()
        check(rc == 0, f"run failed (exit {rc}): {out[-2000:]}")
        attempts = home.query("SELECT try_number, state, error FROM task_attempt WHERE task_id = 'load_bronze' "
                              "ORDER BY try_number")
        check(len(attempts) >= 2 and attempts[0]["state"] == "failed",
              f"load_bronze was not interrupted by the restart (finished too fast?): {attempts}")
        check(attempts[-1]["state"] == "success", f"load_bronze did not finish: {attempts}")
        bronze_rows, log_messages, lost = check_bronze_against_log(home, dsn)
        check(lost == 0, f"{lost} rows lost")
        return {"pg_restarts": 1, "load_bronze_attempts": len(attempts), "first_error": (attempts[0]["error"] or "")[:200],
                "bronze_rows": bronze_rows, "log_messages": log_messages, "rows_lost": 0, "duplicates": 0}
    finally:
        if stopped:
            pg("start")
        home.cleanup()


if __name__ == "__main__":
    main("t03_pg_restart", body)
