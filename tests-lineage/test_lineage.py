"""OpenLineage end to end: the real orch binary, a real HTTP receiver on loopback, the official JSON schema.

`orch run lineage_demo` runs while the receiver is down: its events stay in the outbox (orch run gives up
after its bounded flush). Then the receiver comes up and `orch scheduler` (a new process: the restart) delivers
them. Every event must arrive exactly once, in order, carry the API key, and validate against the vendored
OpenLineage 2-0-2 schema and its facets' schemas.
"""
import copy
import http.server
import json
import os
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

import validate

ORCH = os.environ["ORCH_BIN"]
API_KEY = "lineage-e2e-key-do-not-log"
EXPECTED = [("START", "extract", 1), ("COMPLETE", "extract", 1),
            ("START", "load", 1), ("FAIL", "load", 1), ("START", "load", 2), ("COMPLETE", "load", 2),
            ("START", "publish", 1), ("COMPLETE", "publish", 1)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """Records every POST (headers, parsed body) and answers 200."""

    def __init__(self, port):
        self.requests = []
        lock = threading.Lock()
        received = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    received.append(({k.lower(): v for k, v in self.headers.items()}, json.loads(body), self.path))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def lineage_rows(home):
    with sqlite3.connect(home / "orch.db") as db:
        return db.execute("SELECT id, event, task_id, try_number, state, attempts FROM alert "
                          "WHERE substr(event, 1, 12) = 'openlineage.' ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    home = tmp_path_factory.mktemp("orch-lineage-home")
    port = free_port()
    (home / "orch.json").write_text(json.dumps({"openlineage": {
        "url": f"http://127.0.0.1:{port}/api/v1/lineage", "api_key": API_KEY, "namespace": "orch-e2e"}}))
    # Every DAG paused: the scheduler only delivers (orch run runs lineage_demo regardless of pause).
    env = {**os.environ, "ORCH_HOME": str(home), "ORCH_DAGS_ARE_PAUSED_AT_CREATION": "true"}
    foreground = subprocess.run([ORCH, "run", "lineage_demo"], env=env, capture_output=True, text=True, timeout=600)
    assert foreground.returncode == 0, foreground.stdout + foreground.stderr
    queued = lineage_rows(home)

    receiver = Receiver(port)
    scheduler_log = open(home / "scheduler.log", "w")
    scheduler = subprocess.Popen([ORCH, "scheduler"], env=env, stdout=scheduler_log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 180   # the first event's backoff after orch run's tries, on a busy machine
        while time.time() < deadline and len(receiver.requests) < len(EXPECTED):
            time.sleep(0.2)
        time.sleep(2)   # anything sent twice would arrive now
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=60)
        receiver.close()
        scheduler_log.close()
    logs = foreground.stdout + foreground.stderr + (home / "scheduler.log").read_text()
    for log in (home / "logs").rglob("*.log"):
        logs += log.read_text(errors="replace")
    return {"queued": queued, "received": list(receiver.requests), "after": lineage_rows(home), "logs": logs}


def test_events_wait_in_the_outbox_while_the_receiver_is_down(run):
    queued = run["queued"]
    assert [(e.split(".")[1].upper(), t, n) for _, e, t, n, _, _ in queued] == EXPECTED
    assert all(state == "pending" for *_, state, _ in queued)
    assert sum(attempts for *_, attempts in queued) >= 1, "orch run tried to send before giving up"
    assert all(attempts == 0 for *_, attempts in queued[1:]), "nothing overtakes the run's first event"


def test_every_event_arrives_exactly_once_in_order(run):
    got = [(body["eventType"], body["job"]["name"], headers["x-orch-delivery"]) for headers, body, _ in run["received"]]
    assert [(t, j) for t, j, _ in got] == [(t, f"lineage_demo.{task}") for t, task, _ in EXPECTED]
    assert len({d for *_, d in got}) == len(EXPECTED)
    assert all(state == "delivered" for *_, state, _ in run["after"])
    run_ids = [body["run"]["runId"] for _, body, _ in run["received"]]
    assert len(set(run_ids)) == 4, "one OpenLineage run per attempt"


def test_events_carry_the_api_key_which_is_never_logged(run):
    assert len(run["received"]) == len(EXPECTED), "every event arrived (else the checks below check nothing)"
    assert run["logs"], "the scheduler's logs were read"
    assert all(h.get("authorization") == f"Bearer {API_KEY}" for h, _, _ in run["received"])
    assert all(path == "/api/v1/lineage" for *_, path in run["received"])
    assert API_KEY not in run["logs"]


def test_events_validate_against_the_openlineage_schema(run):
    assert len(run["received"]) == len(EXPECTED), "every event arrived (else nothing is validated)"
    for headers, body, _ in run["received"]:
        assert validate.errors(body) == [], json.dumps(body, indent=1)


def test_events_name_the_declared_datasets_and_rows(run):
    bodies = [body for _, body, _ in run["received"]]
    load_done = bodies[5]
    assert load_done["inputs"] == [{"namespace": "file://lineage", "name": "landing"}]
    out = load_done["outputs"][0]
    assert (out["namespace"], out["name"]) == ("postgres://warehouse", "silver.lineage_orders")
    assert out["outputFacets"]["outputStatistics"]["rowCount"] == 3
    fail = bodies[3]["run"]["facets"]["errorMessage"]
    assert "landing folder is not complete" in fail["message"] and fail["programmingLanguage"] == "swift"
    parents = {body["run"]["facets"]["parent"]["run"]["runId"] for body in bodies}
    assert len(parents) == 1, "every attempt's parent is the one DAG run"
    assert all(body["job"]["namespace"] == "orch-e2e" for body in bodies)


@pytest.mark.parametrize("break_it", [
    lambda e: e["run"].pop("runId"),
    lambda e: e["run"].update(runId="not-a-uuid"),
    lambda e: e.update(eventType="FINISHED"),
    lambda e: e["run"]["facets"]["nominalTime"].pop("nominalStartTime"),
    lambda e: e["run"]["facets"]["parent"]["job"].pop("name"),
    lambda e: e["outputs"][0]["outputFacets"]["outputStatistics"].update(rowCount="three"),
    lambda e: e["run"]["facets"]["nominalTime"].update(_schemaURL="https://example.com/unknown.json"),
])
def test_the_validator_rejects_broken_events(run, break_it):
    broken = copy.deepcopy(run["received"][5][1])
    break_it(broken)
    assert validate.errors(broken) != []
