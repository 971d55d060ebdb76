"""Deadline alerts only for runs that could meet their deadline (issue 16, item 10), seen on the Alerts page.

The shared `orch serve` of run.sh has no webhook (alerts exist only when one is configured), so this module starts
its own: a real `orch serve` (ORCH_BIN) in a fresh ORCH_HOME whose ORCH_ALERT_WEBHOOKS points at a receiver on
127.0.0.1 in this process. DAG `browser_deadline` (Tests/Bundles/TestDAGs/BrowserTestDAGs.swift) has no schedule, so a run's data
interval ends at its logical date, and `runDeadlineMinutes: 1`; its task waits until the test writes a release file.

(b) a manual run of 2020-01-01: its deadline had passed years before it was created, so no alert, however long
    it stays unfinished;
(a) a manual run whose logical date is 50 s before the trigger: due 10 s into the run, still running then, so it
    alerts `deadline_missed` once.
(b) is running before (a) is created and until after (a)'s alert arrived, so every deadline check that raised (a)'s
alert saw (b) unfinished and past its due time.
"""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_dashboard import TOKEN, browser, shot, wait  # noqa: F401 (browser is a fixture)

REPO = pathlib.Path(__file__).resolve().parent.parent
DAG = "browser_deadline"
DEADLINE = timedelta(minutes=1)     # AlertRules(runDeadlineMinutes: 1) of browser_deadline


class Receiver(BaseHTTPRequestHandler):
    received = []                     # (headers, body) of every POST, in arrival order
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with self.lock:
            self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


def received():
    with Receiver.lock:
        return list(Receiver.received)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(what, condition, timeout):
    """Polls `condition` every 0.2 s until it returns something truthy (returned) or `timeout` seconds pass."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def parse(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def q(s):
    return urllib.parse.quote(s, safe="")


@pytest.fixture(scope="module")
def server():
    """A real `orch serve` with a webhook at a receiver on loopback; yields (url, call, home)."""
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    home = tempfile.mkdtemp(prefix="orch-browser-deadline.")
    port = free_port()
    env = dict(os.environ, ORCH_HOME=home, ORCH_API_TOKEN=TOKEN,
               ORCH_ALERT_WEBHOOKS=f"http://127.0.0.1:{hook.server_address[1]}/hook", ORCH_ALERT_TIMEOUT="5",
               ORCH_DAGS_ARE_PAUSED_AT_CREATION="true")   # only browser_deadline (unpaused below) runs here
    log = open(os.path.join(home, "serve.log"), "w")
    proc = subprocess.Popen([os.environ["ORCH_BIN"], "serve", "--port", str(port), "--slots", "2"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def call(method, path, body=None):
        req = urllib.request.Request(url + "/api/v1" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def healthy():
        assert proc.poll() is None, "orch serve exited: " + open(os.path.join(home, "serve.log")).read()[-2000:]
        try:
            return call("GET", "/health")
        except OSError:
            return None

    try:
        poll("orch serve to answer", healthy, 30)
        yield url, call, home
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        hook.shutdown()
        if os.environ.get("ORCH_KEEP_HOME"):
            print("kept", home)
        else:
            shutil.rmtree(home, ignore_errors=True)


def test_deadline_alert_only_for_the_run_that_could_meet_it(server, browser):
    url, call, home = server
    call("PATCH", f"/dags/{DAG}", {"is_paused": False})
    task_state = lambda run_id: call("GET", f"/dags/{DAG}/runs/{q(run_id)}")["task_instances"][0]["state"]
    run_of = lambda run_id: call("GET", f"/dags/{DAG}/runs/{q(run_id)}")["run"]

    # (b) A manual run of a date long past: due 2020-01-01 00:01, years before it was created.
    past = call("POST", f"/dags/{DAG}/runs", {"logical_date": "2020-01-01T00:00:00Z"})
    assert parse(past["queued_at"]) > parse(past["data_interval_end"]) + DEADLINE
    poll("the past run's task to run", lambda: task_state(past["run_id"]) == "running", 30)

    # (a) A run whose data interval ended 50 s before it was created: due 10 s into the run.
    logical = (datetime.now(timezone.utc) - timedelta(seconds=50)).replace(microsecond=0)
    late = call("POST", f"/dags/{DAG}/runs", {"logical_date": logical.strftime("%Y-%m-%dT%H:%M:%SZ")})
    due = parse(late["data_interval_end"]) + DEADLINE
    assert parse(late["queued_at"]) < due, "the run was created too late to meet its deadline; the machine is too slow"

    # The webhook receiver gets (a)'s deadline alert once its due time has passed, with both runs still unfinished.
    mine = lambda: [b for _, b in received() if b["run_id"] == late["run_id"]]
    poll("the deadline alert of the late run at the receiver", mine, 45)
    assert parse(mine()[0]["occurred_at"]) >= due.replace(microsecond=0), "alerted before the run's deadline"
    assert run_of(late["run_id"])["state"] in ("queued", "running")
    assert task_state(past["run_id"]) == "running"     # (b) was unfinished, past its due time, all along

    # Both runs end; then every alert of this home is delivered.
    pathlib.Path(home, "browser-deadline-release").touch()
    for run in (past, late):
        poll(f"{run['run_id']} to succeed", lambda: run_of(run["run_id"])["state"] == "success", 30)
    alerts = poll("the alerts to be delivered",
                  lambda: (a := call("GET", "/alerts?limit=100")["alerts"]) and all(x["state"] == "delivered" for x in a) and a, 20)

    # The Alerts page lists one alert: (a)'s deadline_missed, delivered; nothing for (b).
    browser.get(url + "/#/alerts")
    wait(browser, "#alerts tr[data-id]", timeout=15)
    rows_js = """return [...document.querySelectorAll('#alerts tbody tr[data-id]')].map((tr) => ({
        id: tr.dataset.id, event: tr.cells[1].innerText.trim(), dag: tr.cells[2].innerText.split(' / ')[0].trim(),
        run: tr.cells[2].querySelector('.mono')?.innerText ?? null, state: tr.cells[4].innerText.trim()}))"""
    rows = WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: (r := d.execute_script(rows_js)) and all(x["state"] == "delivered" for x in r) and r)
    alert = next(a for a in alerts if a["run_id"] == late["run_id"])
    assert rows == [{"id": str(alert["id"]), "event": "deadline_missed", "dag": DAG,
                     "run": late["run_id"], "state": "delivered"}]
    page = browser.find_element(By.ID, "alert-table").text
    assert past["run_id"] not in page
    assert browser.find_element(By.ID, "alert-total").text == "1 alerts"

    # The receiver got exactly what the page shows: one POST, that alert's delivery, event and run.
    got = received()
    assert len(got) == 1, [(h.get("x-orch-event"), b.get("run_id")) for h, b in got]
    headers, body = got[0]
    assert headers["x-orch-event"] == "deadline_missed"
    assert headers["x-orch-delivery"] == body["delivery_id"] == alert["delivery_id"]
    assert (body["event"], body["dag_id"], body["run_id"], body["task_id"]) == ("deadline_missed", DAG, late["run_id"], None)

    # The row opens the alert: the same delivery id, one attempt answered 204, the payload that was received.
    WebDriverWait(browser, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f"#alerts tr[data-id='{rows[0]['id']}']").click() or True)
    detail = WebDriverWait(browser, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
        lambda d: (t := d.find_element(By.ID, "alert-detail").text) and body["delivery_id"] in t and "204" in t and t)
    assert body["run_id"] in detail
    shot(browser, "19-deadline-alert")
    # Both runs are there (and succeeded): (b) simply raised no alert.
    browser.get(url + "/#/runs")
    WebDriverWait(browser, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
        lambda d: all(r["run_id"] in d.find_element(By.ID, "runs").text for r in (past, late)))
    shot(browser, "20-deadline-runs")
