"""Issue 17, item 4: "why is it waiting" on the dashboard. A task that cannot start shows a mark beside its state;
hovering it shows the engine's reason in plain words (the same words as `orch tasks why` and the API's
`waiting_reason`). Runs against run.sh's `orch serve`, with a DAG paused so its run stays queued.
"""
import json
import os
import urllib.parse
import urllib.request

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_dashboard import start_chromium, wait

URL = os.environ["ORCH_URL"]
TOKEN = os.environ["ORCH_API_TOKEN"]
DAG = "example_timeout"


def send(method, path, body=None):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + "/api/v1" + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def queued_run():
    send("PATCH", f"/dags/{DAG}", {"is_paused": True})   # its run stays queued, whatever the scheduler does
    run = send("POST", f"/dags/{DAG}/runs", {"logical_date": "2026-09-01"})
    yield run["run_id"]
    send("PATCH", f"/dags/{DAG}/runs/{urllib.parse.quote(run['run_id'], safe='')}", {"state": "failed"})
    send("PATCH", f"/dags/{DAG}", {"is_paused": False})


TIP = """const m = document.querySelector(arguments[0]);
if (!m) return null;
const tip = m.querySelector('.tip');
return {shown: getComputedStyle(tip).display !== 'none', text: tip.innerText};"""


def hover_and_read(driver, css):
    """Moves the pointer onto the mark and reads its tooltip; the page re-renders every 3 s, so it tries again."""
    def attempt(d):
        try:
            ActionChains(d).move_to_element(d.find_element(By.CSS_SELECTOR, css)).perform()
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        tip = d.execute_script(TIP, css)
        return tip["text"] if tip and tip["shown"] else False
    return WebDriverWait(driver, 15).until(attempt)


def test_hovering_a_waiting_task_shows_why_it_waits(browser, queued_run):
    expected = f"DAG {DAG} is paused"
    detail = send("GET", f"/dags/{DAG}/runs/{urllib.parse.quote(queued_run, safe='')}")
    assert detail["run"]["waiting_reason"] == expected
    assert detail["run"]["waiting_code"] == "dag_paused"
    assert {t["waiting_reason"] for t in detail["task_instances"]} == {expected}

    browser.get(URL + "/#/")
    wait(browser, "#signin")
    if browser.find_elements(By.CSS_SELECTOR, "#signin:not([hidden]) #token"):
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.ID, "signin-button").click()
    wait(browser, "#signed-in:not([hidden])")
    browser.get(f"{URL}/#/dags/{DAG}/runs/{urllib.parse.quote(queued_run, safe='')}")
    task = detail["task_instances"][0]["task_id"]
    mark = f"#tasks tr[data-task-row='{task}'] .why"
    wait(browser, mark)
    # Hidden until hovered.
    assert browser.execute_script(TIP, mark)["shown"] is False
    assert hover_and_read(browser, mark) == expected

    # The task page says it in full.
    browser.get(f"{URL}/#/dags/{DAG}/runs/{urllib.parse.quote(queued_run, safe='')}/tasks/{task}")
    assert wait(browser, "#ti-why").text == expected
