"""Item 9: 50 concurrent API clients during a 1,000-task run (bench_fanout_1000_process): no request fails, the
run succeeds, and trigger-to-start latency (run queued -> first attempt started) stays within twice the idle
latency measured first on the same server.
Usage: t09_api_load.py [--clients N] [--samples K] [--nice N] [--split]   (defaults 50 clients, 3 samples,
clients at nice 10, one `orch serve`; --split: `orch scheduler` + `orch webserver` at nice 10)"""
import statistics
from rel import *

DAG = "bench_fanout_1000_process"


def arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def latency(home, port, dag, date):
    status, _, data = http(port, "POST", f"/api/v1/dags/{dag}/runs", {"logical_date": date})
    check(status == 201, f"trigger {dag} answered {status}: {data[:300]}")
    run_id = json.loads(data)["run_id"]
    end = time.time() + 120
    while True:
        rows = home.query("SELECT r.queued_at, min(a.start_date) AS started FROM dag_run r "
                          "LEFT JOIN task_attempt a ON a.run_pk = r.id WHERE r.dag_id = ? AND r.run_id = ? "
                          "GROUP BY r.id", (dag, run_id))
        if rows and rows[0]["started"] is not None:
            return rows[0]["started"] - rows[0]["queued_at"], run_id
        check(time.time() < end, f"{dag} {run_id} did not start within 120 s")
        time.sleep(0.005)


def body():
    clients, samples = arg("--clients", 50), arg("--samples", 3)
    home = Home("load")
    try:
        home.unpause(DAG, "bench_trigger")
        split = "--split" in sys.argv
        if split:
            # `orch scheduler` and `orch webserver` apart, the web server at nice 10: API load cannot take the
            # scheduler's CPU time.
            sched = home.spawn("scheduler")
            srv = home.serve(scheduler=False, preexec=lambda: os.nice(10))
            procs = [sched, srv]
        else:
            srv = home.serve()
            procs = [srv]
        port = srv.port
        # Idle: trigger-to-start of the 1,000-task DAG and of a one-task DAG, nothing else going on.
        idle, idle_small = [], []
        for i in range(samples):
            lat, _ = latency(home, port, DAG, f"2026-01-{i + 1:02d}")
            idle.append(lat)
            wait_runs_finished(home, DAG, i + 1, 600, procs=procs)
            lat, _ = latency(home, port, "bench_trigger", f"2026-01-{i + 1:02d}")
            idle_small.append(lat)
            wait_runs_finished(home, "bench_trigger", i + 1, 60, procs=procs)
        # Loaded: the clients hammer the API from their own process (at `--nice`, default 10: on this 2-core
        # machine the load generator would otherwise take CPU time the server and scheduler need).
        stop_file = os.path.join(home.path, "clients.stop")
        result_file = os.path.join(home.path, "clients.json")
        nice = arg("--nice", 10)
        load = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "load_clients.py"),
                                 str(port), str(clients), stop_file, result_file, DAG],
                                preexec_fn=lambda: os.nice(nice))
        time.sleep(2)
        loaded, loaded_small = [], []
        for i in range(samples):
            lat, run_id = latency(home, port, DAG, f"2026-02-{i + 1:02d}")
            loaded.append(lat)
            # While that run is busy: trigger-to-start of a one-task DAG.
            time.sleep(1)
            lat, _ = latency(home, port, "bench_trigger", f"2026-02-{i + 1:02d}")
            loaded_small.append(lat)
            wait_runs_finished(home, DAG, samples + i + 1, 900, procs=procs)
        open(stop_file, "w").close()
        load.wait(timeout=120)
        res = json.load(open(result_file))
        sent, errors = [res["sent"]], res["errors"]
        check(srv.poll() is None, "server died under load")
        states = home.query("SELECT state, count(*) AS n FROM dag_run GROUP BY state")
        check(all(s["state"] == "success" for s in states), f"runs not all successful: {states}")
        check(not errors, f"{len(errors)} failed requests of {sent[0]}: {errors[:5]}")
        idle_m, loaded_m = statistics.median(idle), statistics.median(loaded)
        figures = {"clients": clients, "requests": sent[0], "errors": 0, "tasks_per_run": 1002,
                   "runs": 2 * samples, "idle_latency_ms": round(idle_m * 1000, 1),
                   "loaded_latency_ms": round(loaded_m * 1000, 1),
                   "idle_one_task_ms": round(statistics.median(idle_small) * 1000, 1),
                   "loaded_one_task_during_run_ms": round(statistics.median(loaded_small) * 1000, 1),
                   "samples": samples, "clients_nice": nice,
                   "mode": "scheduler + webserver (nice 10)" if split else "orch serve"}
        log(json.dumps(figures))
        check(loaded_m <= 2 * idle_m, f"loaded trigger-to-start {loaded_m * 1000:.1f} ms > twice idle "
                                      f"{idle_m * 1000:.1f} ms")
        return figures
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t09_api_load", body)
