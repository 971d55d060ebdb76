"""Browser tests of the orch dashboard: headless Chromium driven by selenium against a real `orch serve`.

Started by run.sh, which sets ORCH_URL and ORCH_API_TOKEN and has already run example_fanout (all success) and
example_trigger_rules (failed, skipped and upstream_failed tasks) into the served ORCH_HOME.
"""
import json
import os
import pathlib
import tempfile
import time
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ["ORCH_URL"]
TOKEN = os.environ["ORCH_API_TOKEN"]
SHOTS = pathlib.Path(__file__).parent / "screenshots"


def api(path):
    with urllib.request.urlopen(URL + "/api/v1" + path, timeout=10) as r:
        return json.loads(r.read())


def start_chromium(height=900):
    """Debian's headless Chromium through chromedriver, with a fresh profile (the flags PLATFORM-NOTES lists)."""
    options = webdriver.ChromeOptions()
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", f"--window-size=1400,{height}",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='orch-chromium-')}"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


def wait(driver, css, timeout=10):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def shot(driver, name):
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def sign_in(driver):
    driver.get(URL + "/#/")
    if driver.find_elements(By.CSS_SELECTOR, "#signin:not([hidden]) #token"):
        driver.find_element(By.ID, "token").send_keys(TOKEN)
        driver.find_element(By.ID, "signin-button").click()
    wait(driver, "#signed-in:not([hidden])")


def test_dag_list_loads(browser):
    browser.get(URL + "/#/")
    table = wait(browser, "#dags tr[data-dag='example_fanout']")
    assert "example_fanout" in table.text
    assert "@daily" in table.text
    marks = browser.find_elements(By.CSS_SELECTOR, "#dags tr[data-dag='example_fanout'] .mark.s-success")
    assert marks, "the successful run shows as a green mark"
    assert TOKEN not in browser.current_url
    shot(browser, "01-dag-list")


def test_grid_shows_real_states(browser):
    browser.get(URL + "/#/dags/example_trigger_rules/grid")
    wait(browser, "#grid td.cell a")
    states = {a.get_attribute("data-task"): a.get_attribute("data-state")
              for a in browser.find_elements(By.CSS_SELECTOR, "#grid td.cell a")}
    run = api("/dags/example_trigger_rules/grid?limit=1")["runs"][0]
    expected = {c["task_id"]: c["state"] for c in run["task_instances"]}
    assert states == expected
    assert states["extract_bad"] == "failed"
    assert "success" in states.values()
    # The cell colour comes from the state class.
    cell = browser.find_element(By.CSS_SELECTOR, "#grid a[data-task='extract_bad']")
    assert "s-failed" in cell.get_attribute("class")
    shot(browser, "02-grid")


def test_graph_colours_tasks(browser):
    browser.get(URL + "/#/dags/example_fanout/graph")
    wait(browser, "#graph svg g.node")
    nodes = browser.find_elements(By.CSS_SELECTOR, "#graph g.node")
    assert len(nodes) == 7
    assert {n.get_attribute("data-state") for n in nodes} == {"success"}
    assert browser.find_elements(By.CSS_SELECTOR, "#graph path.edge")
    shot(browser, "03-graph")


def test_run_page_has_gantt(browser):
    run = api("/dags/example_trigger_rules/runs?limit=1")["runs"][0]
    browser.get(URL + f"/#/dags/example_trigger_rules/runs/{urllib.parse.quote(run['run_id'], safe='')}")
    wait(browser, "#gantt .bar")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#gantt .bar")) >= 3
    assert browser.find_element(By.ID, "run-state").text == run["state"]
    shot(browser, "04-run-gantt")


def test_log_opens(browser):
    run = api("/dags/example_fanout/runs?limit=1")["runs"][0]
    rid = urllib.parse.quote(run["run_id"], safe="")
    browser.get(URL + f"/#/dags/example_fanout/runs/{rid}/tasks/join")
    WebDriverWait(browser, 10).until(lambda d: "sum of squares = 55" in d.find_element(By.ID, "log").text)
    assert "Try 1" in browser.find_element(By.ID, "tries").text
    shot(browser, "05-task-log")


def test_trigger_creates_a_run_that_appears(browser):
    sign_in(browser)
    before = api("/dags/example_fanout/runs")["total_entries"]
    browser.get(URL + "/#/dags/example_fanout/grid")
    wait(browser, "#grid")
    browser.find_element(By.ID, "trigger").click()
    wait(browser, "#trigger-dialog[open]")
    browser.find_element(By.CSS_SELECTOR, "#trigger-advanced summary").click()   # raw JSON is the advanced option
    conf = browser.find_element(By.ID, "trigger-conf")
    conf.clear()
    conf.send_keys('{"from": "selenium"}')
    shot(browser, "06-trigger-dialog")
    browser.find_element(By.ID, "trigger-submit").click()
    WebDriverWait(browser, 10).until(lambda d: api("/dags/example_fanout/runs")["total_entries"] == before + 1)
    newest = api("/dags/example_fanout/runs?limit=1")["runs"][0]
    assert newest["conf"] == {"from": "selenium"}
    # The page refreshes itself: the new run's column shows up without a reload.
    WebDriverWait(browser, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#grid a[data-run='{newest['run_id']}']"))
    # ... and the scheduler of `orch serve` runs it to the end.
    WebDriverWait(browser, 60).until(
        lambda d: api("/dags/example_fanout/runs?limit=1")["runs"][0]["state"] == "success")
    time.sleep(3.5)
    shot(browser, "07-grid-after-trigger")


def test_runs_and_alerts_pages(browser):
    browser.get(URL + "/#/runs")
    wait(browser, "#runs tbody tr")
    assert "example_fanout" in browser.find_element(By.ID, "runs").text
    shot(browser, "08-runs")
    browser.get(URL + "/#/alerts")
    wait(browser, "#alert-total")
    WebDriverWait(browser, 5).until(lambda d: "alerts" in d.find_element(By.ID, "alert-total").text)
    shot(browser, "09-alerts")


def test_audit_page_shows_the_trigger(browser):
    """The trigger of test_trigger_creates_a_run_that_appears (signed in with the admin token) is in the log."""
    sign_in(browser)
    browser.get(URL + "/#/audit")
    wait(browser, "#audit tbody tr")
    text = browser.find_element(By.ID, "audit").text
    assert "run.trigger" in text and "api-token" in text and "example_fanout" in text
    assert TOKEN not in text
    shot(browser, "10-audit")
