"""Bulk actions in the dashboard (issue 17, item 5): select runs on the Runs page, mark them failed, then clear
them, each after a confirmation that names what will change. Headless Chromium against the real `orch serve` of
run.sh; the runs belong to a paused DAG so the scheduler leaves them where the actions put them.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from test_dashboard import TOKEN, URL, api, shot, start_chromium, wait
from test_operations import q, send, signed_in, until

DAG = "example_shell"
RUNS = [f"manual__2026-08-0{d}T00:00:00Z" for d in (1, 2)]


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium(height=1000)
    yield driver
    driver.quit()


def states():
    return [api(f"/dags/{DAG}/runs/{q(r)}")["run"]["state"] for r in RUNS]


def audit(action):
    return send("GET", f"/audit?action={action}&limit=5")["entries"]


def acted(driver, action):
    """The newest audit entry of `action` once it is the one that acted, not the dry run before it: the API writes an
    entry after its change commits, so the runs' new states can be read a moment before it."""
    until(driver, lambda d: audit(action)[0]["target"].get("dry_run") == "false")
    return audit(action)[0]


def show_early_august(driver):
    """The Runs page filtered to 2026-08-01..02 (a range no other browser test uses; the date inputs set as a person would, through the form)."""
    driver.get(URL + "/#/runs")
    wait(driver, "#run-filters")
    driver.execute_script("""
        const f = document.getElementById('run-filters');
        f.logical_date_gte.value = '2026-08-01'; f.logical_date_lte.value = '2026-08-02';
        f.dispatchEvent(new Event('change'));""")
    until(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#runs tbody tr")) == 2)


def select_both(driver):
    for run in RUNS:
        # Clicked through the DOM: the page re-renders every 3 s, and a held element handle may go stale.
        until(driver, lambda d: d.execute_script(
            "const b = document.querySelector(`tr[data-run-row='${arguments[0]}'] [data-select-run]`);"
            "if (!b) return false; if (!b.checked) b.click(); return b.checked;", run))
    until(driver, lambda d: d.find_element(By.ID, "bulk-count").text == "2 run(s) selected")


def wait_alert(driver):
    """The confirmation comes after the dry run's answer, so it is waited for."""
    return WebDriverWait(driver, 10).until(expected_conditions.alert_is_present())


def confirm_text(driver):
    alert = wait_alert(driver)
    message = alert.text
    alert.accept()
    return message


def test_select_runs_mark_them_failed_then_clear_them(browser):
    send("PATCH", f"/dags/{DAG}", {"is_paused": True})
    for run in RUNS:
        send("POST", f"/dags/{DAG}/runs", {"logical_date": run[8:18]})   # run id: manual__<logical date>
    assert states() == ["queued", "queued"]
    signed_in(browser)
    show_early_august(browser)
    assert browser.find_element(By.CSS_SELECTOR, "[data-bulk-action='mark-failed']").get_attribute("disabled")
    select_both(browser)
    shot(browser, "20-bulk-selected")
    browser.find_element(By.CSS_SELECTOR, "[data-bulk-action='mark-failed']").click()
    message = confirm_text(browser)
    assert "Mark failed: 2 run(s) become failed" in message, message
    until(browser, lambda d: states() == ["failed", "failed"])
    entry = acted(browser, "run.bulk_mark")
    assert entry["target"]["state"] == "failed"
    assert set(entry["target"]["changed_run_ids"].split(",")) == set(RUNS)
    assert entry["target"]["run_ids"] == ",".join(RUNS)

    # The selection was emptied by the action; select again and clear: both runs are queued again.
    until(browser, lambda d: d.find_element(By.ID, "bulk-count").text == "Select runs for a bulk action")
    select_both(browser)
    browser.find_element(By.CSS_SELECTOR, "[data-bulk-action='clear']").click()
    message = confirm_text(browser)
    assert "Clear: " in message and "in 2 run(s) run again" in message, message
    until(browser, lambda d: states() == ["queued", "queued"])
    assert acted(browser, "run.bulk_clear")["target"]["changed_run_ids"]
    until(browser, lambda d: "s-queued" in d.find_element(By.CSS_SELECTOR, f"tr[data-run-row='{RUNS[0]}'] .state").get_attribute("class"))
    shot(browser, "21-bulk-cleared")


def test_dismissing_the_confirmation_changes_nothing(browser):
    signed_in(browser)
    show_early_august(browser)
    before = states()
    select_both(browser)
    browser.find_element(By.CSS_SELECTOR, "[data-bulk-action='mark-success']").click()
    wait_alert(browser).dismiss()
    assert states() == before
    assert not [e for e in audit("run.bulk_mark") if e["target"].get("state") == "success" and e["target"].get("dry_run") == "false"]
