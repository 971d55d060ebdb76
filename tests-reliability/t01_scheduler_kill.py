"""Item 1: the scheduler SIGKILLed at random moments while shopstream_daily runs, and restarted each time.

Every run completes (success), bronze holds no duplicate and exactly the event log's messages (per topic and
partition: rows + dead letters = the log's end offset, offsets 0..n-1 all present), and no two attempts of one
task ever overlapped in time (task_attempt start/end). A fresh PostgreSQL database per test (warehouse_dsn in
--conf), the bundled snapshot served on loopback.
Usage: t01_scheduler_kill.py [--kills N] [--runs R] [--seed S]   (defaults 2 kills, 1 run)"""
import random
from rel import *


def arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def body():
    kills, runs, seed = arg("--kills", 2), arg("--runs", 1), arg("--seed", int(time.time()))
    rng = random.Random(seed)
    dsn = fresh_pg_database("orch_rel_kill")
    home = Home("kill")
    try:
        port = free_port()
        # Unpausing also makes the scheduler create today's scheduled run: it reads the same source and database.
        home.env.update({"SHOPSTREAM_SOURCE_URL": f"http://127.0.0.1:{port}", "ORCH_WAREHOUSE_DSN": dsn})
        home.spawn("shopstream", "serve-source", "--port", str(port))
        conf = json.dumps({"warehouse_dsn": dsn, "source_url": f"http://127.0.0.1:{port}",
                           "clickstream_events": 20000})
        for i in range(runs):
            home.orch("trigger", "shopstream_daily", "--logical-date", f"2026-11-{i + 1:02d}", "--conf", conf,
                      check_rc=0)
        home.unpause("shopstream_daily")
        sched = home.spawn("scheduler")
        killed_during = []
        for k in range(kills):
            # A random moment while a task runs (the interesting case: its attempt must be adopted, not rerun).
            end = time.time() + 120
            running = []
            while not running and time.time() < end:
                check(sched.poll() is None, f"scheduler exited by itself: {open(sched.out_path).read()[-1500:]}")
                running = home.query("SELECT ti.task_id FROM task_instance ti WHERE ti.state = 'running'")
                time.sleep(0.02)
            if not running:
                break   # everything finished: no moment left to kill at
            time.sleep(rng.uniform(0.0, 1.5))
            running = home.query("SELECT ti.task_id FROM task_instance ti WHERE ti.state = 'running'")
            os.kill(sched.pid, signal.SIGKILL)   # the scheduler alone: its task processes live on
            sched.wait()
            killed_during.append(",".join(r["task_id"] for r in running) or "-")
            sched = home.spawn("scheduler")
        rows = wait_runs_finished(home, "shopstream_daily", runs + 1, 900, procs=[sched])
        check(len(killed_during) == kills, f"the runs finished after {len(killed_during)} of {kills} kills; "
                                           f"give more work with --runs")
        states = [r["state"] for r in rows]
        check(all(s == "success" for s in states), f"runs not all successful: "
              f"{home.query('SELECT r.run_id, ti.task_id, ti.state, ti.error FROM task_instance ti JOIN dag_run r ON r.id = ti.run_pk WHERE ti.state != ?', ('success',))}")
        overlaps, attempts = attempt_overlaps(home)
        check(not overlaps, f"overlapping attempts of one task: {overlaps[:3]}")
        bronze_rows, log_messages, lost = check_bronze_against_log(home, dsn)
        retried = home.query("SELECT count(*) AS n FROM task_attempt WHERE try_number > 1")[0]["n"]
        return {"scheduler_kills": len(killed_during), "runs": len(rows), "runs_succeeded": states.count("success"),
                "attempts": attempts, "attempts_retried": retried, "overlapping_attempts": 0,
                "bronze_rows": bronze_rows, "log_messages": log_messages,
                "duplicates": 0, "rows_lost": lost, "killed_while_running": killed_during, "seed": seed}
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t01_scheduler_kill", body)
