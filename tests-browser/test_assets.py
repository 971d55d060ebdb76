"""Browser tests of the Assets page and an asset page (issue 14) on a demo warehouse: shopstream_daily has run for
two days into real PostgreSQL (run-assets.sh), so every asset of the pipeline has two materializations."""
import json
import os
import pathlib
import time
import urllib.request

from selenium.webdriver.common.by import By

from test_dashboard import shot, start_chromium, wait

URL = os.environ["ORCH_URL"]
FCT_ORDERS = "postgres://warehouse/gold.fct_orders"


def api(path):
    with urllib.request.urlopen(URL + "/api/v1" + path, timeout=10) as r:
        return json.loads(r.read())


def test_assets_page_draws_the_lineage_coloured_by_health():
    driver = start_chromium(height=1100)
    try:
        driver.get(URL + "/#/assets")
        wait(driver, "#lineage-svg .asset-node")
        assets = api("/assets")["assets"]
        nodes = driver.find_elements(By.CSS_SELECTOR, "#lineage-svg .asset-node")
        assert len(nodes) == len(assets) >= 30
        health = {n.get_attribute("data-uri"): n.get_attribute("data-health") for n in nodes}
        # Everything shopstream_daily writes was materialized and is fresh (no check failed on the demo data).
        assert health[FCT_ORDERS] == "ok"
        assert health["postgres://warehouse/bronze.raw_events"] == "ok"
        # Sources nobody writes are never materialized, and drawn as such.
        assert health["dummyjson://source/users"] == "never_materialized"
        # Layers: a topic left of bronze, bronze left of silver, silver left of gold.
        def x(uri):
            return float(driver.find_element(By.CSS_SELECTOR, f".asset-node[data-uri='{uri}'] rect").get_attribute("x"))
        assert x("eventlog://shopstream/orders") < x("postgres://warehouse/bronze.raw_events") \
            < x("postgres://warehouse/silver.orders") < x(FCT_ORDERS)
        label = driver.find_element(By.CSS_SELECTOR, f".asset-node[data-uri='{FCT_ORDERS}']").text
        rows = next(a for a in assets if a["uri"] == FCT_ORDERS)["latest_materialization"]["rows"]
        assert f"{rows:,} rows" in label, label
        shot(driver, "20-assets-lineage")
        # The filter dims what does not match.
        driver.find_element(By.ID, "asset-filter").send_keys("gold.")
        dimmed = driver.find_elements(By.CSS_SELECTOR, ".asset-node.dim")
        assert dimmed and all("gold." not in n.get_attribute("data-uri") for n in dimmed)
        assert not driver.find_elements(By.CSS_SELECTOR, f".asset-node.dim[data-uri='{FCT_ORDERS}']")
    finally:
        driver.quit()


def test_asset_page_shows_history_chart_producers_and_consumers():
    driver = start_chromium(height=1100)
    try:
        asset = next(a for a in api("/assets")["assets"] if a["uri"] == FCT_ORDERS)
        driver.get(URL + f"/#/assets/{asset['id']}")
        wait(driver, "#rows-svg")
        assert driver.find_element(By.ID, "asset-health").text == "ok"
        assert "shopstream_daily.gold" in driver.find_element(By.ID, "producers").text.replace("\n", "")
        assert "quality_checks" in driver.find_element(By.ID, "consumers").text
        assert len(driver.find_elements(By.CSS_SELECTOR, "#rows-svg circle.pt")) == 2, "one point per day's run"
        assert len(driver.find_elements(By.CSS_SELECTOR, "#materializations tbody tr")) == 2
        assert "26 h" in driver.find_element(By.ID, "main").text, "the freshness policy is shown"
        # Two checks belong to gold.fct_orders (an error and a warn check), each ran after gold on both days.
        checks = driver.find_elements(By.CSS_SELECTOR, "#checks tbody tr[data-passed]")
        assert len(checks) == 4 and all(c.get_attribute("data-passed") == "true" for c in checks)
        table = driver.find_element(By.ID, "checks")
        assert "gold.fct_orders.order_id unique" in table.text
        # The page polls every 3 s; an answer that did not change leaves the page as it is (the element held
        # before the poll is still the one shown, so a reader's selection and scroll survive).
        time.sleep(3.5)
        assert table.is_displayed() and "gold.fct_orders.order_id unique" in table.text
        shot(driver, "21-asset-page")
    finally:
        driver.quit()


def test_the_report_dag_runs_once_on_gold_and_writes_the_days_csv():
    """Data-aware scheduling: the scheduler triggered shopstream_daily_report after gold was materialized (both days'
    materializations were consumed by one run, for the newest day), and it wrote its CSV and materialized its asset."""
    report = "file://shopstream/reports/daily_summary"
    deadline = time.time() + 120
    while time.time() < deadline:
        asset = next(a for a in api("/assets")["assets"] if a["uri"] == report)
        if asset["latest_materialization"]:
            break
        time.sleep(1)
    m = asset["latest_materialization"]
    assert m, f"the report never materialized: {asset}"
    assert m["run_id"].startswith("asset_triggered__") and m["data_interval_start"].startswith("2026-11-20")
    runs = api("/dags/shopstream_daily_report/runs")["runs"]
    assert [r["run_id"] for r in runs] == [m["run_id"]], "exactly one asset-triggered run"
    csv = pathlib.Path(os.environ["ORCH_HOME"], "data/reports/shopstream_2026-11-20.csv").read_text().splitlines()
    assert csv[0] == "day,channel,orders,customers,units,gross_revenue,net_revenue,avg_order_value"
    assert len(csv) == 1 + m["rows"] >= 3 and all(line.startswith("2026-11-20,") for line in csv[1:])
    channels = [line.split(",")[1] for line in csv[1:]]
    assert channels[-1] == "all" and "cart" in channels
    # The channels' orders add up to the day's total.
    assert sum(int(line.split(",")[2]) for line in csv[1:-1]) == int(csv[-1].split(",")[2])
    assert asset["health"]["status"] == "ok"
