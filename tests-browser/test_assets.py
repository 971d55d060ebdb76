"""Browser tests of the Assets page and an asset page (issue 14) on a demo warehouse: shopstream_daily has run for
two days into real PostgreSQL (run-assets.sh), so every asset of the pipeline has two materializations."""
import json
import os
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
        assert "gold.fct_orders.order_id unique" in driver.find_element(By.ID, "checks").text
        shot(driver, "21-asset-page")
    finally:
        driver.quit()
