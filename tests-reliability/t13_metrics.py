"""Issue 18, part 2: `/metrics` of a real `orch serve` scraped during and after real runs, parsed with the
Prometheus text parser of the `prometheus-client` package (installed into .venv-reliability), every metric of
docs/metrics.md found with sane values. example_shell has a task that fails (exit 3, one retry), so attempts have
three outcomes, and its alerts go to a closed port, so deliveries fail (its runs still succeed: the last task is
all_done).
Usage: t13_metrics.py"""
from rel import *

VENV = os.path.join(ROOT, ".venv-reliability")
RUNS = 3


def ensure_parser():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if subprocess.run([py, "-c", "import prometheus_client"], capture_output=True).returncode != 0:
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "prometheus-client"], check=True)
    return py


PARSE = r"""
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    # The parser names a counter's family without "_total"; key it by the exposed name.
    name = family.name + "_total" if family.type == "counter" and not family.name.endswith("_total") else family.name
    out[name] = {"type": family.type,
                        "samples": [[s.name, s.labels, s.value] for s in family.samples]}
print(json.dumps(out))
"""


def scrape(py, port, token=False):
    s, headers, data = http(port, "GET", "/metrics", token=token)
    check(s == 200, f"/metrics answered {s}: {data[:300]}")
    check(headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"), f"content type {headers}")
    p = subprocess.run([py, "-c", PARSE], input=data.decode(), capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"the Prometheus parser refused the exposition: {p.stderr[-1500:]}\n{data[:1500]}")
    return json.loads(p.stdout), data.decode()


def samples(families, family, name=None, **labels):
    f = families.get(family)
    check(f is not None, f"metric {family} missing; have {sorted(families)}")
    return [(n, l, v) for n, l, v in f["samples"]
            if (name is None or n == name) and all(l.get(k) == str(x) for k, x in labels.items())]


def value(families, family, name=None, **labels):
    found = samples(families, family, name, **labels)
    check(len(found) == 1, f"{name or family} {labels}: {len(found)} samples: {found[:5]}")
    return found[0][2]


def body():
    py = ensure_parser()
    home = Home("metrics", ORCH_ALERT_WEBHOOKS=f"http://127.0.0.1:{free_port()}/hook", ORCH_ALERT_TIMEOUT=1)
    figures = {}
    try:
        home.unpause("example_shell", "example_retries")
        srv = home.serve()
        port = srv.port
        for i in range(RUNS):
            s, _, data = http(port, "POST", "/api/v1/dags/example_shell/runs", body={"logical_date": f"2026-11-0{i + 1}"})
            check(s == 201, f"trigger: {s} {data[:200]}")
        s, _, _ = http(port, "POST", "/api/v1/dags/example_retries/runs", body={})
        check(s == 201, "trigger example_retries")
        # During the runs: the gauges answer and the parser accepts them.
        during, _ = scrape(py, port)
        pools_during = samples(during, "orch_pool_tasks")
        check(pools_during and all(v >= 0 for _, _, v in pools_during), f"pool gauges during the run: {pools_during}")
        for run_id in [f"x{i}" for i in range(3)]:
            http(port, "GET", f"/api/v1/dags/example_shell/runs/{run_id}")   # three 404s on one route pattern
        wait_runs_finished(home, "example_shell", RUNS, 180, procs=[srv])
        wait_runs_finished(home, "example_retries", 1, 180, procs=[srv])
        # The dispatcher keeps retrying alerts to the closed port: bracket the scrape with database counts.
        failed_sql = "SELECT count(*) AS n FROM alert_delivery WHERE status_code IS NULL"
        end = time.time() + 60
        while True:
            failed_before = home.query(failed_sql)[0]["n"]
            fam, text = scrape(py, port)
            failed_after = home.query(failed_sql)[0]["n"]
            if value(fam, "orch_alert_delivery_failures_total", "orch_alert_delivery_failures_total") >= 1 or time.time() > end:
                break
            time.sleep(1)

        loop_count = value(fam, "orch_scheduler_loop_duration_seconds", "orch_scheduler_loop_duration_seconds_count")
        loop_sum = value(fam, "orch_scheduler_loop_duration_seconds", "orch_scheduler_loop_duration_seconds_sum")
        check(fam["orch_scheduler_loop_duration_seconds"]["type"] == "histogram", "loop duration is a histogram")
        check(loop_count >= 5 and 0 <= loop_sum / loop_count < 1, f"scheduler loop: {loop_count} turns, {loop_sum} s")
        figures["scheduler_loop_turns"] = loop_count
        figures["scheduler_loop_mean_ms"] = round(loop_sum / loop_count * 1000, 3)

        runs = {l["state"]: v for _, l, v in samples(fam, "orch_dag_runs")}
        db_runs = {r["state"]: r["n"] for r in home.query("SELECT state, count(*) AS n FROM dag_run GROUP BY state")}
        check(set(runs) == {"queued", "running", "success", "failed"}, f"run states: {runs}")
        check(all(runs[s] == db_runs.get(s, 0) for s in runs), f"runs by state {runs} != database {db_runs}")
        # exit_3 fails, but after_shell runs all_done and decides the run: every run succeeds.
        check(runs["success"] == RUNS + 1 and runs["failed"] == 0, f"runs by state: {runs}")
        tis = {l["state"]: v for _, l, v in samples(fam, "orch_task_instances")}
        db_tis = {r["state"]: r["n"] for r in home.query("SELECT state, count(*) AS n FROM task_instance GROUP BY state")}
        # One gauge per task state, zero included (blocked_by_check: asset checks, issue 14).
        task_states = {"none", "scheduled", "queued", "running", "success", "failed", "up_for_retry", "upstream_failed",
                       "skipped", "removed", "blocked_by_check"}
        check(all(tis.get(s, -1) == n for s, n in db_tis.items()) and set(tis) == task_states, f"TIs {tis} != {db_tis}")
        pools = {(l["pool"], l["state"]): v for _, l, v in samples(fam, "orch_pool_tasks")}
        check(("default_pool", "queued") in pools and ("default_pool", "running") in pools, f"pools: {pools}")
        check(all(v == 0 for v in pools.values()), f"nothing queued or running after the runs: {pools}")

        hist = "orch_task_attempt_duration_seconds"
        check(fam[hist]["type"] == "histogram", "attempt durations are a histogram")
        outcomes = {l["outcome"]: v for _, l, v in samples(fam, hist, hist + "_count", dag_id="example_shell")}
        db_attempts = home.query("SELECT count(*) AS n FROM task_attempt a JOIN dag_run r ON r.id = a.run_pk "
                                 "WHERE r.dag_id = 'example_shell'")[0]["n"]
        check(sum(outcomes.values()) == db_attempts, f"attempt outcomes {outcomes} vs {db_attempts} attempts")
        check(outcomes.get("failed") == RUNS and outcomes.get("up_for_retry") == RUNS and outcomes.get("success", 0) >= 3 * RUNS,
              f"attempt outcomes: {outcomes}")
        retries = {l["outcome"]: v for _, l, v in samples(fam, hist, hist + "_count", dag_id="example_retries")}
        check(retries == {"up_for_retry": 2, "success": 2}, f"example_retries outcomes: {retries}")
        total = value(fam, hist, hist + "_sum", dag_id="example_shell", outcome="success")
        check(0 < total < 60 * db_attempts, f"attempt seconds: {total}")
        infs = samples(fam, hist, hist + "_bucket", dag_id="example_shell", outcome="success", le="+Inf")
        check(infs and infs[0][2] == outcomes["success"], "+Inf bucket equals the count")
        figures["attempts_by_outcome_example_shell"] = outcomes

        lat = "orch_run_trigger_to_start_seconds"
        started = value(fam, lat, lat + "_count", dag_id="example_shell")
        check(started == RUNS, f"trigger-to-start observed {started} times for {RUNS} runs")
        mean = value(fam, lat, lat + "_sum", dag_id="example_shell") / started
        check(0 <= mean < 30, f"trigger-to-start mean {mean} s")
        figures["trigger_to_start_mean_ms"] = round(mean * 1000, 1)

        pending = value(fam, "orch_alert_outbox_pending")
        db_alerts = home.query("SELECT count(*) AS n FROM alert")[0]["n"]
        check(0 < pending <= db_alerts, f"outbox {pending} pending of {db_alerts} alerts (the receiver is down)")
        failures = value(fam, "orch_alert_delivery_failures_total", "orch_alert_delivery_failures_total")
        # A failure is counted just before its row is written, so at most the in-flight ones (4 at once) run ahead.
        check(1 <= failures and failed_before <= failures <= failed_after + 4,
              f"delivery failures {failures}, database {failed_before}..{failed_after}")
        figures["alert_delivery_failures"] = failures
        check(value(fam, "orch_dag_import_errors") == 0, "import errors")

        http_count = "orch_http_requests_total"
        routes = {l["route"] for _, l, _ in samples(fam, http_count)}
        check("/api/v1/dags/{dag_id}/runs" in routes and "/api/v1/dags/{dag_id}/runs/{run_id}" in routes
              and "/metrics" in routes, f"routes: {routes}")
        check(not any("example_shell" in r or "x0" in r for r in routes), f"raw paths as labels: {routes}")
        check(value(fam, http_count, http_count, route="/api/v1/dags/{dag_id}/runs/{run_id}", method="GET", status=404) == 3,
              "three 404s on the run route")
        check(value(fam, http_count, http_count, route="/api/v1/dags/{dag_id}/runs", method="POST", status=201) == RUNS + 1,
              "the triggers")
        hd = "orch_http_request_duration_seconds"
        check(fam[hd]["type"] == "histogram", "HTTP latency is a histogram")
        check(value(fam, hd, hd + "_count", route="/api/v1/dags/{dag_id}/runs", method="POST") == RUNS + 1, "latency count")

        size = value(fam, "orch_database_size_bytes")
        check(size == os.path.getsize(home.db_path), f"database size {size}")
        wal = value(fam, "orch_database_wal_size_bytes")
        check(wal >= 0, f"WAL size {wal}")
        figures["database_bytes"] = size

        # docs/metrics.md lists exactly what is exposed; the Grafana dashboard uses only documented metrics.
        documented = set(re.findall(r"^\| `(orch_[a-z_]+)`", open(os.path.join(ROOT, "docs/metrics.md")).read(), re.M))
        exposed = set(fam)
        check(documented == exposed, f"undocumented: {exposed - documented}; not exposed: {documented - exposed}")
        grafana = open(os.path.join(ROOT, "docs/grafana-orch.json")).read()
        used = {re.sub(r"_(bucket|count|sum)$", "", m) for m in re.findall(r"orch_[a-z_]+", grafana)}
        check(used <= documented, f"grafana uses undocumented metrics: {used - documented}")
        figures["metrics_exposed"] = len(exposed)

        # What a scrape costs on this small database: the median of 20 (refresh from SQLite + exposition).
        took = []
        for _ in range(20):
            t0 = time.perf_counter()
            s, _, _ = http(port, "GET", "/metrics", token=False)
            took.append((time.perf_counter() - t0) * 1000)
            check(s == 200, "scrape")
        figures["scrape_median_ms"] = round(sorted(took)[10], 2)
        figures["exposition_bytes"] = len(text)
        age = value(fam, "orch_scheduler_heartbeat_age_seconds")
        check(0 <= age < 15, f"heartbeat age {age}")

        return figures
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t13_metrics", body)
