"""The official Airflow clients against a real `orch serve` (the built binary, ORCH_BIN): apache-airflow-client
(whose pydantic models validate every response) and airflowctl. Usage: client_test.py (run by run.sh)."""
import json, os, subprocess, sys, time, urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests-reliability"))
from rel import Home, Failure, check, log, TOKEN, free_port, fresh_pg_database  # noqa: E402

import airflow_client.client as ac  # noqa: E402
from airflow_client.client.api import (dag_api, dag_run_api, import_error_api, monitor_api, pool_api,  # noqa: E402
                                       task_instance_api, version_api, x_com_api)
from airflow_client.client.models import (ClearTaskInstancesBody, DAGPatchBody, DAGRunClearBody,  # noqa: E402
                                          DAGRunPatchBody, TaskInstanceResponse, TriggerDAGRunPostBody)


def token_from_auth(port):
    """Airflow's simple auth manager flow: POST /auth/token {username, password} -> {access_token}."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/auth/token", method="POST",
                                 data=json.dumps({"username": "ci", "password": TOKEN}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        check(r.status == 201, f"/auth/token answered {r.status}")
        return json.load(r)["access_token"]


def wait_run(runs, dag_id, run_id, want, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        run = runs.get_dag_run(dag_id, run_id)
        if run.state.value in ("success", "failed"):
            check(run.state.value == want, f"{dag_id} {run_id} ended {run.state.value}, wanted {want}")
            return run
        time.sleep(0.5)
    raise Failure(f"{dag_id} {run_id} did not finish in {timeout} s")


def python_client(port):
    cfg = ac.Configuration(host=f"http://127.0.0.1:{port}", access_token=token_from_auth(port))
    figures = {}
    with ac.ApiClient(cfg) as api:
        dags, runs = dag_api.DAGApi(api), dag_run_api.DagRunApi(api)
        tis, xcoms = task_instance_api.TaskInstanceApi(api), x_com_api.XComApi(api)

        listed = dags.get_dags(limit=100)
        ids = [d.dag_id for d in listed.dags]
        check("example_xcom" in ids and "example_fail" in ids, f"get_dags: {ids}")
        figures["dags_listed"] = listed.total_entries
        check(dags.get_dag_details("example_xcom").timezone is not None, "details")
        check("example" in dags.get_dag_tags().tags, "tags")

        # Pause and unpause (DAGs start paused here: ORCH_DAGS_ARE_PAUSED_AT_CREATION=true).
        check(dags.patch_dag("example_xcom", DAGPatchBody(is_paused=True)).is_paused is True, "pause")
        check(dags.get_dag("example_xcom").is_paused is True, "paused after pause")
        check(dags.patch_dag("example_xcom", DAGPatchBody(is_paused=False)).is_paused is False, "unpause")

        # Trigger with conf, follow to success, task instances, log (with continuation), XCom.
        t0 = time.time()
        run = runs.trigger_dag_run("example_xcom", TriggerDAGRunPostBody(
            logical_date=None, conf={"greeting": "hej", "count": 2}))
        check(run.conf == {"greeting": "hej", "count": 2}, f"conf {run.conf}")
        done = wait_run(runs, "example_xcom", run.dag_run_id, "success")
        figures["trigger_to_success_s"] = round(time.time() - t0, 2)
        check(done.duration is not None and done.end_date is not None, "finished run has duration and end_date")
        listed_tis = tis.get_task_instances("example_xcom", run.dag_run_id)
        check(sorted((t.task_id, t.state.value) for t in listed_tis.task_instances)
              == [("consume", "success"), ("produce", "success")], f"task instances {listed_tis}")
        logs = tis.get_log("example_xcom", run.dag_run_id, "consume", 1)
        lines = [getattr(m, "event", m) for m in (logs.content.actual_instance or [])]
        check(any("received: hej hej" in str(l) for l in lines), f"log lines {lines}")
        check(logs.continuation_token is None, "finished try read to the end: no continuation token")
        entry = xcoms.get_xcom_entry("example_xcom", "produce", run.dag_run_id, "message")
        value = entry.actual_instance.value
        check(value == "hej hej", f"xcom value {value!r}")
        check(xcoms.get_xcom_entries("example_xcom", run.dag_run_id, "produce").total_entries == 1, "xcom list")
        check(tis.get_task_instance_tries("example_xcom", run.dag_run_id, "produce").total_entries == 1, "tries")
        check(any(r.dag_run_id == run.dag_run_id for r in runs.get_dag_runs("~", limit=50).dag_runs), "runs of ~")

        # A run that fails deterministically (check raises), cleared: dry run first, then for real.
        dags.patch_dag("example_fail", DAGPatchBody(is_paused=False))
        bad = runs.trigger_dag_run("example_fail", TriggerDAGRunPostBody(logical_date=None, conf={}))
        wait_run(runs, "example_fail", bad.dag_run_id, "failed")
        # The client cannot deserialize a dry run's list itself: its items are oneOf [TaskInstanceResponse,
        # NewTaskResponse] and a full task instance matches both ("Multiple matches found"), against Airflow too.
        # So the raw answer is read and each item validated with the client's strict TaskInstanceResponse model.
        raw = runs.clear_dag_run_without_preload_content(
            "example_fail", bad.dag_run_id, DAGRunClearBody(dry_run=True, only_failed=True))
        check(raw.status == 200, f"dry-run clear answered {raw.status}")
        dry = json.loads(raw.read())
        failed = sorted(TaskInstanceResponse.from_dict(t).task_id for t in dry["task_instances"])
        check(dry["total_entries"] == len(failed), "dry-run total_entries")
        check("check" in failed, f"dry-run clear lists {failed}")
        check(runs.get_dag_run("example_fail", bad.dag_run_id).state.value == "failed", "dry run changed nothing")
        cleared = runs.clear_dag_run("example_fail", bad.dag_run_id, DAGRunClearBody(dry_run=False, only_failed=True))
        check(cleared.actual_instance.state.value in ("queued", "running", "failed"), f"cleared run {cleared}")
        rerun = wait_run(runs, "example_fail", bad.dag_run_id, "failed")
        tries = tis.get_task_instance_tries("example_fail", bad.dag_run_id, "check")
        check(tries.total_entries == 2, f"check ran again after the clear: {tries.total_entries} tries")
        again = tis.post_clear_task_instances("example_fail", ClearTaskInstancesBody(
            dry_run=True, dag_run_id=bad.dag_run_id, only_failed=True))
        check(any(t.task_id == "check" for t in again.task_instances), "clearTaskInstances dry run")
        figures["clear_rerun_state"] = rerun.state.value

        # Mark, delete; pools, health, version, import errors; a 404 in Airflow's shape.
        check(runs.patch_dag_run("example_xcom", run.dag_run_id, DAGRunPatchBody(state="failed")).state.value == "failed", "mark")
        runs.delete_dag_run("example_xcom", run.dag_run_id)
        try:
            runs.get_dag_run("example_xcom", run.dag_run_id)
            raise Failure("deleted run still found")
        except ac.exceptions.NotFoundException as e:
            check("detail" in json.loads(e.body), f"404 body {e.body}")
        pools = pool_api.PoolApi(api).get_pools()
        check(any(p.name == "default_pool" for p in pools.pools), "pools")
        health = monitor_api.MonitorApi(api).get_health()
        check(health.metadatabase.status == "healthy" and health.scheduler.status == "healthy", f"health {health}")
        check(version_api.VersionApi(api).get_version().version, "version")
        check(import_error_api.ImportErrorApi(api).get_import_errors().total_entries == 0, "import errors")
    return figures


def wait_source(port, proc, timeout=60):
    """Until the DummyJSON snapshot server answers a page of carts."""
    end = time.time() + timeout
    while time.time() < end:
        check(proc.poll() is None, f"serve-source exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/carts?limit=1", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise Failure(f"serve-source did not answer on {port} in {timeout} s")


def shopstream_with_client(port):
    """The issue's own scenario: the flagship DAG triggered with conf through the official client, followed to
    success on the real warehouse (snapshot served over loopback HTTP, clickstream off), its task instances, a log
    and the fetch task's XCom read back through the client's strict models."""
    cfg = ac.Configuration(host=f"http://127.0.0.1:{port}", access_token=token_from_auth(port))
    with ac.ApiClient(cfg) as api:
        dags, runs = dag_api.DAGApi(api), dag_run_api.DagRunApi(api)
        tis, xcoms = task_instance_api.TaskInstanceApi(api), x_com_api.XComApi(api)
        check(dags.patch_dag("shopstream_daily", DAGPatchBody(is_paused=False)).is_paused is False, "unpause shopstream")
        t0 = time.time()
        # Unpausing lets the scheduler start the latest scheduled interval (yesterday, default conf) too; the
        # manual run takes a day of its own, since a day already produced with other params is refused by design.
        run = runs.trigger_dag_run("shopstream_daily", TriggerDAGRunPostBody(
            logical_date=datetime(2026, 11, 1, tzinfo=timezone.utc), conf={"clickstream_events": 0}))
        check(run.conf == {"clickstream_events": 0}, f"shopstream conf {run.conf}")
        done = wait_run(runs, "shopstream_daily", run.dag_run_id, "success", timeout=300)
        seconds = round(time.time() - t0, 2)
        check(done.data_interval_end is not None and done.data_interval_start is not None, "interval")
        listed = tis.get_task_instances("shopstream_daily", run.dag_run_id)
        states = {t.task_id: t.state.value for t in listed.task_instances}
        check(set(states) >= {"fetch", "produce", "load_bronze", "silver", "gold", "quality_checks"}
              and set(states.values()) == {"success"}, f"shopstream task instances {states}")
        logs = tis.get_log("shopstream_daily", run.dag_run_id, "gold", 1)
        lines = [str(getattr(m, "event", m)) for m in (logs.content.actual_instance or [])]
        check(len(lines) > 0, "gold's log has lines")
        counts = xcoms.get_xcom_entry("shopstream_daily", "fetch", run.dag_run_id, "counts").actual_instance.value
        counts = json.loads(counts) if isinstance(counts, str) else counts
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures/dummyjson/carts.json")) as f:
            snapshot_carts = len(json.load(f))
        check(isinstance(counts, dict) and counts.get("carts") == snapshot_carts,
              f"fetch counts xcom {counts!r}, snapshot has {snapshot_carts} carts")
        return {"shopstream_trigger_to_success_s": seconds, "tasks": len(states), "gold_log_lines": len(lines),
                "fetched": counts}


def airflowctl(home, port):
    """airflowctl's commands that map to what orch serves, logged in with the orch token (no keyring here)."""
    ctl = os.path.join(os.path.dirname(sys.executable), "airflowctl")
    env = dict(home.env, AIRFLOW_HOME=os.path.join(home.path, "airflowctl"), AIRFLOW_CLI_TOKEN=TOKEN)
    url = f"http://127.0.0.1:{port}"

    def run(*args):
        p = subprocess.run([ctl, *args], env=env, capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, f"airflowctl {' '.join(args)} exited {p.returncode}:\n{p.stdout[-1500:]}\n{p.stderr[-1500:]}")
        return p.stdout

    results = {}
    # Username and password (the orch token) for a token: POST /auth/token/cli.
    check(run("auth", "token", "--api-url", url, "--username", "ci", "--password", TOKEN).strip() == TOKEN,
          "airflowctl auth token did not print the token")
    results["auth token"] = "ok"
    run("auth", "login", "--api-url", url, "--api-token", TOKEN, "--skip-keyring")

    def ok(name, out, needle):
        check(needle in out, f"airflowctl {name}: {needle!r} not in {out[:400]!r}")
        results[name] = "ok"

    ok("dags list", run("dags", "list", "--output", "json"), "example_xcom")
    ok("dags get", run("dags", "get", "example_xcom", "--output", "json"), "example_xcom")
    ok("dags get-details", run("dags", "get-details", "example_xcom", "--output", "json"), "example_xcom")
    # Not `dags get-tags`: airflowctl 0.1.5 validates the answer, then its printer cannot format a list of strings
    # ("To tabulate non-dictionary data you need to provide `mapper` function"), whatever the server.
    ok("dags list-import-errors", run("dags", "list-import-errors", "--output", "json"), "")
    ok("dags pause", run("dags", "pause", "example_xcom", "--output", "json"), "example_xcom")
    ok("dags unpause", run("dags", "unpause", "example_xcom", "--output", "json"), "example_xcom")
    # Without --conf: airflowctl 0.1.5 declares it with argparse type=dict, which refuses every string
    # ("invalid dict value"); conf is covered by the Python client above.
    out = run("dags", "trigger", "example_xcom", "--dag-run-id", "ctl-1", "--output", "json")
    ok("dags trigger", out, "ctl-1")
    deadline = time.time() + 120
    while '"success"' not in run("dagrun", "get", "example_xcom", "ctl-1", "--output", "json"):
        check(time.time() < deadline, "airflowctl: run ctl-1 did not succeed in 120 s")
        time.sleep(0.5)
    results["dagrun get"] = "ok"
    ok("dagrun list", run("dagrun", "list", "--dag-id", "example_xcom", "--output", "json"), "ctl-1")
    ok("xcom get", run("xcom", "get", "example_xcom", "ctl-1", "produce", "message", "--output", "json"), "hello hello hello")
    ok("xcom list", run("xcom", "list", "example_xcom", "ctl-1", "produce", "--output", "json"), "message")
    ok("pools list", run("pools", "list", "--output", "json"), "default_pool")
    ok("version --remote", run("version", "--remote"), "1.0.0")
    return results


def main():
    dsn = fresh_pg_database("orch_af_client")
    source_port = free_port()
    home = Home("airflow-client", SHOPSTREAM_SOURCE_URL=f"http://127.0.0.1:{source_port}", ORCH_WAREHOUSE_DSN=dsn)
    try:
        source = home.spawn("shopstream", "serve-source", "--port", str(source_port))
        wait_source(source_port, source)
        srv = home.serve()
        figures = python_client(srv.port)
        log("apache-airflow-client:", json.dumps(figures))
        log("apache-airflow-client, shopstream_daily:", json.dumps(shopstream_with_client(srv.port)))
        if "--no-airflowctl" not in sys.argv:
            log("airflowctl:", json.dumps(airflowctl(home, srv.port)))
        check(srv.poll() is None, "orch serve died")
        log("PASS airflow clients")
    except Failure as e:
        log(f"FAIL airflow clients: {e}")
        sys.exit(1)
    finally:
        home.cleanup()


if __name__ == "__main__":
    main()
