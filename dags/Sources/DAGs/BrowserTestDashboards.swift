import OrchCore

/// For `tests-browser/test_insights.py`: a panel whose query outlasts the statement timeout (run.sh serves with
/// `ORCH_INSIGHTS_TIMEOUT_MS=1500`) beside one that answers at once, to show the slow one cut and saying so while the
/// rest of the page renders.
let browserInsights = Dashboard(
    "browser_insights", title: "Browser test: a slow panel",
    description: "One query sleeps past the statement timeout; the other answers",
    defaultRange: "7d",
    panels: [
        Panel("slow", title: "Sleeps 20 s", kind: .kpi, sql: "SELECT 1 AS one FROM pg_sleep(20)",
              reads: [ShopStreamAssets.aggOrdersDaily], format: .integer),
        Panel("orders", title: "Orders", kind: .kpi, sql: """
            SELECT coalesce(sum(orders), 0) AS orders FROM gold.agg_orders_daily WHERE order_date >= $1 AND order_date < $2
            """, reads: [ShopStreamAssets.aggOrdersDaily], format: .integer),
    ])
