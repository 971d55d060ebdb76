"""Browser tests of the Insights dashboards after a demo run: run.sh has run shopstream_daily for yesterday on the
bundled DummyJSON snapshot into a scratch warehouse (ORCH_CONN_WAREHOUSE) and serves with a 1.5 s statement timeout.
Checks the page against the API, the charts' axes, legend and tooltip, a range change (preset and custom), a CSV
download, and a slow panel cut at its timeout while the rest renders. Screenshots: tests-browser/screenshots/."""
import datetime
import os
import pathlib
import tempfile
import time
import urllib.request

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_dashboard import URL, api, shot, start_chromium, wait

DOWNLOADS = pathlib.Path(tempfile.mkdtemp(prefix="orch-insights-downloads-"))
YESTERDAY = (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium(height=2400)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(DOWNLOADS)})
    yield driver
    driver.quit()


def settled(query):
    """The page rendered for `query` (its hash's query string) and every panel has answered or failed."""
    def check(driver):
        try:
            grid = driver.find_elements(By.CSS_SELECTOR, f".insights-grid[data-query='{query}']")
            sections = grid[0].find_elements(By.CSS_SELECTOR, "section.insight") if grid else []
            return bool(sections) and all(s.get_attribute("data-loaded") for s in sections)
        except StaleElementReferenceException:
            return False
    return check


def open_dashboard(driver, fragment):
    driver.get(URL + "/#/insights/" + fragment)
    WebDriverWait(driver, 30).until(settled(fragment.split("?", 1)[1]))


def test_list_shows_the_declared_dashboards(browser):
    browser.get(URL + "/#/insights")
    row = wait(browser, "#dashboards tr[data-dashboard='shopstream']")
    assert "ShopStream sales" in row.text
    assert browser.find_element(By.CSS_SELECTOR, "[data-nav='insights']").get_attribute("class") == "active"
    shot(browser, "insights-01-list")


def test_dashboard_matches_the_api_and_draws_charts(browser):
    open_dashboard(browser, "shopstream?range=7d")
    errors = browser.find_elements(By.CSS_SELECTOR, "section.insight[data-loaded='error']")
    assert not errors, [e.text for e in errors]
    revenue = api("/insights/shopstream/panels/revenue?range=7d")["kpi"]["value"]
    assert float(revenue) > 0, "the demo run put a day of orders in gold"
    shown = browser.find_element(By.CSS_SELECTOR, "#panel-revenue .kpi-value")
    assert shown.get_attribute("data-value") == revenue
    assert shown.text == f"{float(revenue):,.2f}"
    # A line chart: axis labels, points with the API's values, a legend for two series.
    trend = browser.find_element(By.CSS_SELECTOR, "#panel-sales_trend")
    labels = [t.text for t in trend.find_elements(By.CSS_SELECTOR, "svg .axis-label")]
    assert labels == ["day", "value"]
    assert [i.text for i in trend.find_elements(By.CSS_SELECTOR, ".legend-item")] == ["revenue", "gross_revenue"]
    point = trend.find_element(By.CSS_SELECTOR, f"circle.point[data-series='revenue'][data-x='{YESTERDAY}']")
    api_rows = api("/insights/shopstream/panels/sales_trend?range=7d")["rows"]
    assert float(point.get_attribute("data-value")) == float([r for r in api_rows if r[0] == YESTERDAY][0][1])
    # Tooltip on hover.
    ActionChains(browser).move_to_element(point).perform()
    tip = WebDriverWait(browser, 5).until(lambda d: trend.find_element(By.CSS_SELECTOR, ".chart-tip:not([hidden])"))
    assert YESTERDAY in tip.text and "revenue" in tip.text
    # Bars, the funnel and a table are drawn; every panel names its freshness.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#panel-top_products rect.bar")) == 10
    steps = [s.get_attribute("data-x") for s in browser.find_elements(By.CSS_SELECTOR, "#panel-funnel rect.funnel-step")]
    assert steps == ["view", "cart", "checkout", "purchase"]
    assert browser.find_elements(By.CSS_SELECTOR, "#panel-product_rankings table tbody tr")
    fresh = browser.find_element(By.CSS_SELECTOR, "#panel-revenue .freshness").text
    # From the asset's materialization (issue 14), not from the producing task's last success.
    assert "gold.agg_orders_daily materialized" in fresh and "last materialization, by shopstream_daily.gold" in fresh
    shot(browser, "insights-02-shopstream-7d")


def test_range_change_preset_and_custom(browser):
    open_dashboard(browser, "shopstream?range=7d")
    browser.find_element(By.CSS_SELECTOR, "button.range[data-range='90d']").click()
    WebDriverWait(browser, 30).until(settled("range=90d"))
    assert "(90 days, UTC)" in browser.find_element(By.ID, "range-shown").text
    assert browser.find_element(By.CSS_SELECTOR, "button.range.active").get_attribute("data-range") == "90d"
    shot(browser, "insights-03-range-90d")
    # A custom range of one day before yesterday's data: KPIs are zero and the previous period holds the day.
    day_before = (datetime.date.fromisoformat(YESTERDAY) + datetime.timedelta(days=1)).isoformat()
    browser.execute_script(
        "document.getElementById('range-start').value = arguments[0];"
        "document.getElementById('range-end').value = arguments[0];", day_before)
    browser.find_element(By.CSS_SELECTOR, "#custom-range button[type=submit]").click()
    WebDriverWait(browser, 30).until(settled(f"start={day_before}&end={day_before}"))
    assert browser.find_element(By.ID, "range-shown").text == f"{day_before} to {day_before} (1 day, UTC)"
    orders = browser.find_element(By.CSS_SELECTOR, "#panel-orders .kpi-value").get_attribute("data-value")
    assert orders == "0"
    expected_previous = api(f"/insights/shopstream/panels/orders?start={day_before}&end={day_before}")["kpi"]["previous"]
    assert int(expected_previous) > 0
    assert f"vs {int(expected_previous):,}" in browser.find_element(By.CSS_SELECTOR, "#panel-orders .kpi-change").text
    shot(browser, "insights-04-custom-range")


def test_csv_download(browser):
    open_dashboard(browser, "shopstream?range=30d")
    for old in DOWNLOADS.glob("*"):
        old.unlink()
    browser.find_element(By.CSS_SELECTOR, "button.csv[data-panel='revenue_by_category']").click()
    deadline = time.time() + 15
    files = []
    while time.time() < deadline:
        files = [f for f in DOWNLOADS.glob("*.csv")]
        if files:
            break
        time.sleep(0.2)
    assert files, "the CSV was downloaded"
    assert files[0].name.startswith("shopstream-revenue_by_category-")
    with urllib.request.urlopen(URL + "/api/v1/insights/shopstream/panels/revenue_by_category?range=30d&format=csv") as r:
        assert files[0].read_bytes() == r.read()
    assert files[0].read_bytes().startswith(b"category,net_revenue\r\n")


def test_slow_panel_is_cut_and_the_rest_renders(browser):
    started = time.time()
    open_dashboard(browser, "browser_insights?range=7d")
    slow = browser.find_element(By.ID, "panel-slow")
    assert slow.get_attribute("data-error") == "timeout"
    assert "Timed out" in slow.text and "stopped at its timeout of 1500 ms" in slow.text
    assert time.time() - started < 15, "cut at 1.5 s, not after the query's 20 s"
    assert browser.find_element(By.ID, "panel-orders").get_attribute("data-loaded") == "true"
    shot(browser, "insights-05-slow-panel")
