import OrchCore

/// The ShopStream business dashboard (the seeds' Power BI / Grafana / Superset dashboards), served by orch at
/// `#/insights/shopstream`. Every panel reads gold through the `warehouse` connection; `$1` is the range's first
/// day and `$2` the day after its last. Revenue is net of discounts (what customers paid), as in gold.
/// The same SQL runs unchanged in a BI tool: docs/bi-tools.md.
let shopstreamDashboard = Dashboard(
    "shopstream", title: "ShopStream sales",
    description: "Revenue, orders, products, customers and the funnel, from shopstream_daily's gold tables",
    defaultRange: "30d",
    panels: [
        Panel("revenue", title: "Revenue", kind: .kpi, sql: """
            SELECT coalesce(sum(revenue), 0)::numeric(16,2) AS revenue
            FROM gold.agg_orders_daily WHERE order_date >= $1 AND order_date < $2
            """, reads: [ShopStreamAssets.aggOrdersDaily], format: .currency, note: "Paid (net of discounts), all channels"),
        Panel("orders", title: "Orders", kind: .kpi, sql: """
            SELECT coalesce(sum(orders), 0) AS orders
            FROM gold.agg_orders_daily WHERE order_date >= $1 AND order_date < $2
            """, reads: [ShopStreamAssets.aggOrdersDaily], format: .integer),
        Panel("aov", title: "Average order value", kind: .kpi, sql: """
            SELECT round(sum(revenue) / nullif(sum(orders), 0), 2) AS avg_order_value
            FROM gold.agg_orders_daily WHERE order_date >= $1 AND order_date < $2
            """, reads: [ShopStreamAssets.aggOrdersDaily], format: .currency, note: "Revenue ÷ orders over the range"),
        Panel("conversion", title: "Session conversion", kind: .kpi, sql: """
            SELECT round(sum(purchase_sessions)::numeric / nullif(sum(view_sessions), 0), 4) AS conversion
            FROM gold.daily_funnel WHERE event_date >= $1 AND event_date < $2
            """, reads: [ShopStreamAssets.dailyFunnel], format: .percent, note: "Sessions with a purchase ÷ sessions with a view"),
        Panel("sales_trend", title: "Daily sales", kind: .line, sql: """
            SELECT d::date AS day, coalesce(a.revenue, 0) AS revenue, coalesce(a.gross_revenue, 0) AS gross_revenue
            FROM generate_series($1::date, $2::date - 1, interval '1 day') d
            LEFT JOIN gold.agg_orders_daily a ON a.order_date = d::date
            ORDER BY 1
            """, reads: [ShopStreamAssets.aggOrdersDaily], encoding: PanelEncoding(x: "day"), format: .currency),
        Panel("orders_by_channel", title: "Orders per day by channel", kind: .area, sql: """
            SELECT d::date AS day, coalesce(a.cart_orders, 0) AS cart_orders, coalesce(a.web_orders, 0) AS web_orders
            FROM generate_series($1::date, $2::date - 1, interval '1 day') d
            LEFT JOIN gold.agg_orders_daily a ON a.order_date = d::date
            ORDER BY 1
            """, reads: [ShopStreamAssets.aggOrdersDaily], encoding: PanelEncoding(x: "day"), format: .integer),
        Panel("revenue_by_category", title: "Revenue by category", kind: .bar, sql: """
            SELECT category, sum(net_revenue)::numeric(16,2) AS net_revenue
            FROM gold.revenue_by_category WHERE order_date >= $1 AND order_date < $2
            GROUP BY category ORDER BY 2 DESC, 1
            """, reads: [ShopStreamAssets.revenueByCategory], encoding: PanelEncoding(x: "category", y: ["net_revenue"]),
            format: .currency),
        Panel("category_comparison", title: "Category comparison", kind: .table, sql: """
            SELECT category, sum(orders) AS orders, sum(units) AS units,
                   sum(net_revenue)::numeric(16,2) AS net_revenue,
                   round(100 * sum(net_revenue) / nullif(sum(sum(net_revenue)) OVER (), 0), 2) AS revenue_share_pct,
                   round(sum(net_revenue) / nullif(sum(units), 0), 2) AS revenue_per_unit
            FROM gold.revenue_by_category WHERE order_date >= $1 AND order_date < $2
            GROUP BY category ORDER BY net_revenue DESC, category
            """, reads: [ShopStreamAssets.revenueByCategory], format: .number),
        Panel("top_products", title: "Top 10 products by revenue", kind: .bar, sql: """
            SELECT p.title AS product, t.net_revenue
            FROM (SELECT product_id, sum(net_revenue)::numeric(16,2) AS net_revenue FROM (
                      SELECT product_id, net_revenue FROM gold.product_performance_monthly
                      WHERE month >= $1::date AND month < date_trunc('month', $2::date)
                      UNION ALL
                      SELECT product_id, net_revenue FROM gold.product_performance
                      WHERE order_date >= $1::date
                        AND order_date < least($2::date, (date_trunc('month', $1::date - 1) + interval '1 month')::date)
                      UNION ALL
                      SELECT product_id, net_revenue FROM gold.product_performance
                      WHERE order_date >= greatest((date_trunc('month', $1::date - 1) + interval '1 month')::date,
                                                   date_trunc('month', $2::date)::date)
                        AND order_date < $2::date) r
                  GROUP BY product_id ORDER BY 2 DESC, 1 LIMIT 10) t
            JOIN gold.dim_products p USING (product_id)
            ORDER BY t.net_revenue DESC, t.product_id
            """, reads: [ShopStreamAssets.productPerformance, ShopStreamAssets.productPerformanceMonthly,
                         ShopStreamAssets.dimProducts],
            encoding: PanelEncoding(x: "product", y: ["net_revenue"]), format: .currency),
        Panel("product_rankings", title: "Product performance ranking", kind: .table, sql: """
            SELECT rank() OVER (ORDER BY t.net_revenue DESC) AS rank, p.title AS product, p.category,
                   t.units, t.orders, t.net_revenue
            FROM (SELECT product_id, sum(units) AS units, sum(orders) AS orders,
                         sum(net_revenue)::numeric(16,2) AS net_revenue FROM (
                      SELECT product_id, units, orders, net_revenue FROM gold.product_performance_monthly
                      WHERE month >= $1::date AND month < date_trunc('month', $2::date)
                      UNION ALL
                      SELECT product_id, units, orders, net_revenue FROM gold.product_performance
                      WHERE order_date >= $1::date
                        AND order_date < least($2::date, (date_trunc('month', $1::date - 1) + interval '1 month')::date)
                      UNION ALL
                      SELECT product_id, units, orders, net_revenue FROM gold.product_performance
                      WHERE order_date >= greatest((date_trunc('month', $1::date - 1) + interval '1 month')::date,
                                                   date_trunc('month', $2::date)::date)
                        AND order_date < $2::date) r
                  GROUP BY product_id ORDER BY net_revenue DESC, product_id LIMIT 50) t
            JOIN gold.dim_products p USING (product_id)
            ORDER BY rank, t.product_id
            """, reads: [ShopStreamAssets.productPerformance, ShopStreamAssets.productPerformanceMonthly,
                         ShopStreamAssets.dimProducts]),
        Panel("top_customers", title: "Top 10 customers", kind: .table, sql: """
            SELECT c.full_name AS customer, c.country, t.orders, t.revenue, l.segment AS ltv_segment
            FROM (SELECT customer_id, sum(orders) AS orders, sum(revenue)::numeric(16,2) AS revenue FROM (
                      SELECT customer_id, orders, revenue FROM gold.agg_customer_monthly
                      WHERE month >= $1::date AND month < date_trunc('month', $2::date)
                      UNION ALL
                      SELECT customer_id, orders, revenue FROM gold.agg_customer_daily
                      WHERE order_date >= $1::date
                        AND order_date < least($2::date, (date_trunc('month', $1::date - 1) + interval '1 month')::date)
                      UNION ALL
                      SELECT customer_id, orders, revenue FROM gold.agg_customer_daily
                      WHERE order_date >= greatest((date_trunc('month', $1::date - 1) + interval '1 month')::date,
                                                   date_trunc('month', $2::date)::date)
                        AND order_date < $2::date) r
                  GROUP BY customer_id ORDER BY 3 DESC, 1 LIMIT 10) t
            JOIN gold.dim_customers c USING (customer_id) LEFT JOIN gold.customer_ltv l USING (customer_id)
            ORDER BY t.revenue DESC, t.customer_id
            """, reads: [ShopStreamAssets.aggCustomerDaily, ShopStreamAssets.aggCustomerMonthly,
                         ShopStreamAssets.dimCustomers, ShopStreamAssets.customerLTV]),
        Panel("ltv_segments", title: "Customer lifetime value by segment", kind: .bar, sql: """
            SELECT segment, count(*) AS customers, round(avg(net_revenue), 2) AS avg_lifetime_value
            FROM gold.customer_ltv
            GROUP BY segment ORDER BY array_position(ARRAY['vip','high','medium','low','none'], segment)
            """, reads: [ShopStreamAssets.customerLTV],
            encoding: PanelEncoding(x: "segment", y: ["avg_lifetime_value"]), format: .currency,
            note: "All time (lifetime value does not follow the range)"),
        Panel("funnel", title: "View → cart → checkout → purchase", kind: .funnel, sql: """
            SELECT step, sessions FROM (VALUES
                (1, 'view', (SELECT coalesce(sum(view_sessions), 0) FROM gold.daily_funnel WHERE event_date >= $1 AND event_date < $2)),
                (2, 'cart', (SELECT coalesce(sum(cart_sessions), 0) FROM gold.daily_funnel WHERE event_date >= $1 AND event_date < $2)),
                (3, 'checkout', (SELECT coalesce(sum(checkout_sessions), 0) FROM gold.daily_funnel WHERE event_date >= $1 AND event_date < $2)),
                (4, 'purchase', (SELECT coalesce(sum(purchase_sessions), 0) FROM gold.daily_funnel WHERE event_date >= $1 AND event_date < $2))
            ) AS f(n, step, sessions) ORDER BY n
            """, reads: [ShopStreamAssets.dailyFunnel], encoding: PanelEncoding(x: "step", y: ["sessions"]),
            format: .integer, note: "Sessions reaching each step; conversion from the step before"),
        Panel("events_by_type", title: "Events by type per day", kind: .line, sql: """
            SELECT event_date AS day, event_type, events
            FROM gold.agg_events_daily WHERE event_date >= $1 AND event_date < $2
            ORDER BY event_date, event_type
            """, reads: [ShopStreamAssets.aggEventsDaily],
            encoding: PanelEncoding(x: "day", y: ["events"], series: "event_type"), format: .integer),
    ])

/// The gold tables the dashboard reads, each produced by shopstream_daily's `gold` task.
enum ShopStreamAssets {
    static func gold(_ table: String) -> AssetRead { AssetRead("gold.\(table)", producedBy: "shopstream_daily", "gold") }
    static let aggOrdersDaily = gold("agg_orders_daily")
    static let aggEventsDaily = gold("agg_events_daily")
    static let dailyFunnel = gold("daily_funnel")
    static let revenueByCategory = gold("revenue_by_category")
    static let productPerformance = gold("product_performance")
    static let aggCustomerDaily = gold("agg_customer_daily")
    static let aggCustomerMonthly = gold("agg_customer_monthly")
    static let productPerformanceMonthly = gold("product_performance_monthly")
    static let dimProducts = gold("dim_products")
    static let dimCustomers = gold("dim_customers")
    static let customerLTV = gold("customer_ltv")
}
