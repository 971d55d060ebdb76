/// The SQL of the gold models. `$1`/`$2` are the data interval's start (inclusive) and end (exclusive) as
/// timestamptz; the days of an interval are the UTC dates from the start up to the instant before the end.
enum GoldSQL {
    static let firstDay = "($1::timestamptz AT TIME ZONE 'UTC')::date"
    static let lastDay = "(($2::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC')::date"
    static let inDays = "BETWEEN \(firstDay) AND \(lastDay)"
    /// The epoch seconds of the UTC midnight of the date `column`, as float8 (read as `Date`s: `LeavingOrders.dates`).
    static func utcMidnight(_ column: String) -> String {
        "extract(epoch FROM (\(column)::timestamp AT TIME ZONE 'UTC'))::float8"
    }
    /// The orders of `table` (a table's name or alias) placed inside the interval: `order_ts` in `[$1, $2)`. The
    /// same test on `order_date`, the UTC date of `order_ts` (silver sets both from one value; gold and the star
    /// copy both), changes no result and lets the planner find the interval's orders by the date's index instead
    /// of reading every day's orders in the warehouse.
    static func ordersPlaced(_ table: String) -> String {
        "\(table).order_ts >= $1 AND \(table).order_ts < $2 AND \(table).order_date \(inDays)"
    }
    /// The first days of the months the interval's days fall in, and every day of those months.
    static let inMonths = "BETWEEN date_trunc('month', \(firstDay))::date AND date_trunc('month', \(lastDay))::date"
    static let inMonthsDays = "BETWEEN date_trunc('month', \(firstDay))::date "
        + "AND (date_trunc('month', \(lastDay)) + interval '1 month' - interval '1 day')::date"

    /// Dimensions: full refresh from silver.
    static let dimensions = [
        "DELETE FROM gold.dim_customers",
        """
        INSERT INTO gold.dim_customers (customer_id, first_name, last_name, full_name, email, gender, age, age_band,
            city, state, country, created_at, updated_at)
        SELECT customer_id, first_name, last_name, first_name || ' ' || last_name, email, gender, age,
            CASE WHEN age IS NULL THEN 'unknown' WHEN age < 25 THEN '18-24' WHEN age < 35 THEN '25-34'
                 WHEN age < 45 THEN '35-44' WHEN age < 55 THEN '45-54' ELSE '55+' END,
            city, state, country, created_at, updated_at
        FROM silver.customers
        """,
        "DELETE FROM gold.dim_products",
        """
        INSERT INTO gold.dim_products (product_id, title, name, description, category, brand, price, price_band, rating,
            created_at, updated_at)
        SELECT product_id, title, name, description, category, brand, price,
            CASE WHEN price < 20 THEN 'budget' WHEN price < 100 THEN 'mid' WHEN price < 500 THEN 'premium' ELSE 'luxury' END,
            rating, created_at, updated_at
        FROM silver.products
        """,
        """
        INSERT INTO gold.dim_date (date_key, year, quarter, month, day, iso_dow, is_weekend)
        SELECT d, extract(year FROM d), extract(quarter FROM d), extract(month FROM d), extract(day FROM d),
            extract(isodow FROM d), extract(isodow FROM d) >= 6
        FROM generate_series(\(firstDay), \(lastDay), interval '1 day') AS g(ts), LATERAL (SELECT g.ts::date AS d) x
        ON CONFLICT (date_key) DO NOTHING
        """,
    ]

    /// The orders a build of the interval rewrites in the fact table `facts`: its own of the interval (`placed`, a
    /// condition on the alias `f`) and silver's, so an order whose time moved leaves its old day. Deleted as one
    /// semi-join: as an OR beside a time test, the subquery was a filter on every row of the table.
    static func rebuiltOrders(in facts: String, placed: String) -> String {
        "SELECT order_id FROM \(facts) f WHERE \(placed) UNION SELECT order_id FROM silver.orders o WHERE \(ordersPlaced("o"))"
    }
    static let rebuiltGoldOrders = rebuiltOrders(in: "gold.fct_orders", placed: ordersPlaced("f"))

    /// Gold's days, outside the interval, of the orders silver now places in it (their time changed), as the epoch
    /// seconds of their UTC midnights: rewriting the interval's facts moves those orders out of them. Read before;
    /// silver's orders of the interval by the date index, their gold rows by key.
    static let daysOrdersLeave = """
        SELECT DISTINCT \(utcMidnight("f.order_date")) FROM gold.fct_orders f
        WHERE f.order_id IN (SELECT order_id FROM silver.orders o WHERE \(ordersPlaced("o"))) AND f.order_date NOT \(inDays)
        ORDER BY 1
        """

    /// The orders the fact table `facts` has in the interval (`placed`, a condition on the alias `f`) that silver now
    /// places on another day, with that day's UTC midnight in epoch seconds: rewriting the interval's facts deletes
    /// them, and they are inserted on their new day. Read before; each side by an index and the other by key.
    static func ordersLeaving(_ facts: String, placed: String) -> String {
        """
        SELECT o.order_id, \(utcMidnight("o.order_date")) FROM silver.orders o
        WHERE o.order_id IN (SELECT order_id FROM \(facts) f WHERE \(placed)) AND o.order_date NOT \(inDays)
        ORDER BY 2, 1
        """
    }
    static let ordersLeavingGold = ordersLeaving("gold.fct_orders", placed: ordersPlaced("f"))

    /// Facts for the interval: delete then insert (orders whose time moved are moved too).
    static let facts = [
        "DELETE FROM gold.fct_order_items WHERE order_id IN (\(rebuiltGoldOrders))",
        "DELETE FROM gold.fct_orders WHERE order_id IN (\(rebuiltGoldOrders))",
        insertOrders(where: ordersPlaced("o")),
        insertOrderLines(where: ordersPlaced("o")),
    ]

    /// Orders that left the interval, inserted on their new days: `$1` their ids as a JSON array of strings.
    static let orderFacts = [insertOrders(where: ordersNamed(1)), insertOrderLines(where: ordersNamed(1))]

    /// Silver's orders (alias `o`) whose ids are in the JSON array of strings in parameter `$n`.
    static func ordersNamed(_ n: Int) -> String {
        "o.order_id IN (SELECT jsonb_array_elements_text($\(n)::jsonb))"
    }

    /// Silver's orders that meet `condition` (on the alias `o`) into gold.fct_orders.
    static func insertOrders(where condition: String) -> String {
        """
        INSERT INTO gold.fct_orders (order_id, channel, customer_id, customer_email, order_date, order_ts, status,
            total_amount, gross_amount, net_amount, discount_amount, line_count, quantity)
        SELECT o.order_id, o.channel, o.customer_id, c.email, o.order_date, o.order_ts, o.status, o.total_amount,
            o.total, o.discounted_total, o.total - o.discounted_total, o.total_products, o.total_quantity
        FROM silver.orders o LEFT JOIN silver.customers c USING (customer_id) WHERE \(condition)
        """
    }

    /// The lines of silver's orders that meet `condition` (on the alias `o`) into gold.fct_order_items.
    static func insertOrderLines(where condition: String) -> String {
        """
        INSERT INTO gold.fct_order_items (order_id, line_no, product_id, customer_id, order_date, channel, quantity,
            unit_price, line_total, discounted_line_total)
        SELECT i.order_id, i.line_no, i.product_id, o.customer_id, o.order_date, o.channel, i.quantity, i.price,
            i.total, i.discounted_total
        FROM silver.order_items i JOIN silver.orders o USING (order_id)
        WHERE \(condition)
        """
    }

    /// Aggregates for the interval's days: delete then insert.
    static let aggregates = orderAggregates + eventAggregates

    /// The aggregates of orders (daily, and the monthly roll-ups of the days' months, after them).
    static let orderAggregates = [
        "DELETE FROM gold.agg_orders_daily WHERE order_date \(inDays)",
        """
        INSERT INTO gold.agg_orders_daily (order_date, orders, revenue, cart_orders, web_orders, customers, units,
            gross_revenue, discount_amount, avg_order_value)
        SELECT order_date, count(*), sum(total_amount), count(*) FILTER (WHERE channel = 'cart'),
            count(*) FILTER (WHERE channel = 'web'), count(DISTINCT customer_id), sum(quantity), sum(gross_amount),
            sum(gross_amount - total_amount), round(avg(total_amount), 2)
        FROM gold.fct_orders WHERE order_date \(inDays) GROUP BY order_date
        """,
        "DELETE FROM gold.agg_customer_daily WHERE order_date \(inDays)",
        """
        INSERT INTO gold.agg_customer_daily (order_date, customer_id, orders, revenue, gross_revenue, net_revenue)
        SELECT order_date, customer_id, count(*), sum(total_amount), sum(gross_amount), sum(net_amount)
        FROM gold.fct_orders WHERE order_date \(inDays) GROUP BY order_date, customer_id
        """,
        "DELETE FROM gold.product_performance WHERE order_date \(inDays)",
        """
        INSERT INTO gold.product_performance (order_date, product_id, orders, units, gross_revenue, net_revenue)
        SELECT order_date, product_id, count(DISTINCT order_id), sum(quantity), sum(line_total), sum(discounted_line_total)
        FROM gold.fct_order_items WHERE order_date \(inDays) GROUP BY order_date, product_id
        """,
        // Monthly roll-ups (migration 0010) of the months the interval touches, from the daily rows just written.
        "DELETE FROM gold.product_performance_monthly WHERE month \(inMonths)",
        """
        INSERT INTO gold.product_performance_monthly (month, product_id, orders, units, gross_revenue, net_revenue)
        SELECT date_trunc('month', order_date)::date, product_id, sum(orders), sum(units), sum(gross_revenue),
            sum(net_revenue)
        FROM gold.product_performance WHERE order_date \(inMonthsDays) GROUP BY 1, 2
        """,
        "DELETE FROM gold.agg_customer_monthly WHERE month \(inMonths)",
        """
        INSERT INTO gold.agg_customer_monthly (month, customer_id, orders, revenue, gross_revenue)
        SELECT date_trunc('month', order_date)::date, customer_id, sum(orders), sum(revenue), sum(gross_revenue)
        FROM gold.agg_customer_daily WHERE order_date \(inMonthsDays) GROUP BY 1, 2
        """,
        "DELETE FROM gold.revenue_by_category WHERE order_date \(inDays)",
        """
        INSERT INTO gold.revenue_by_category (order_date, category, orders, units, gross_revenue, net_revenue)
        SELECT i.order_date, coalesce(p.category, 'unknown'), count(DISTINCT i.order_id), sum(i.quantity),
            sum(i.line_total), sum(i.discounted_line_total)
        FROM gold.fct_order_items i LEFT JOIN gold.dim_products p USING (product_id)
        WHERE i.order_date \(inDays) GROUP BY i.order_date, coalesce(p.category, 'unknown')
        """,
    ]

    /// The aggregates of events: per day and type, the funnel, sessions.
    static let eventAggregates = [
        "DELETE FROM gold.agg_events_daily WHERE event_date \(inDays)",
        """
        INSERT INTO gold.agg_events_daily (event_date, event_type, events, sessions, customers)
        SELECT event_date, event_type, count(*), count(DISTINCT session_id), count(DISTINCT customer_id)
        FROM silver.events WHERE event_date \(inDays) GROUP BY event_date, event_type
        """,
        "DELETE FROM gold.daily_funnel WHERE event_date \(inDays)",
        """
        INSERT INTO gold.daily_funnel (event_date, view_sessions, cart_sessions, checkout_sessions, purchase_sessions,
            view_to_cart_rate, cart_to_checkout_rate, checkout_to_purchase_rate, overall_conversion_rate)
        SELECT d, coalesce(f.v, 0), coalesce(f.c, 0), coalesce(f.k, 0), coalesce(f.p, 0),
            round(f.c::numeric / nullif(f.v, 0), 4), round(f.k::numeric / nullif(f.c, 0), 4),
            round(f.p::numeric / nullif(f.k, 0), 4), round(f.p::numeric / nullif(f.v, 0), 4)
        FROM (SELECT g::date AS d FROM generate_series(\(firstDay), \(lastDay), interval '1 day') g) days
        LEFT JOIN (
            SELECT event_date,
                count(DISTINCT session_id) FILTER (WHERE event_type = 'page_view') AS v,
                count(DISTINCT session_id) FILTER (WHERE event_type = 'add_to_cart') AS c,
                count(DISTINCT session_id) FILTER (WHERE event_type = 'checkout') AS k,
                count(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS p
            FROM silver.events WHERE event_date \(inDays) GROUP BY event_date
        ) f ON f.event_date = days.d
        """,
        "DELETE FROM gold.sessions WHERE session_date \(inDays)",
        """
        INSERT INTO gold.sessions (session_id, session_date, customer_id, started_at, ended_at, duration_seconds, events,
            page_views, add_to_carts, checkouts, purchases, converted)
        SELECT session_id, (min(event_ts) AT TIME ZONE 'UTC')::date, max(customer_id), min(event_ts), max(event_ts),
            extract(epoch FROM max(event_ts) - min(event_ts))::int, count(*),
            count(*) FILTER (WHERE event_type = 'page_view'), count(*) FILTER (WHERE event_type = 'add_to_cart'),
            count(*) FILTER (WHERE event_type = 'checkout'), count(*) FILTER (WHERE event_type = 'purchase'),
            bool_or(event_type = 'purchase')
        FROM silver.events WHERE event_date \(inDays) AND session_id IS NOT NULL GROUP BY session_id
        ON CONFLICT (session_id) DO UPDATE SET session_date = EXCLUDED.session_date, customer_id = EXCLUDED.customer_id,
            started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, duration_seconds = EXCLUDED.duration_seconds,
            events = EXCLUDED.events, page_views = EXCLUDED.page_views, add_to_carts = EXCLUDED.add_to_carts,
            checkouts = EXCLUDED.checkouts, purchases = EXCLUDED.purchases, converted = EXCLUDED.converted
        """,
    ]

    /// What a build wrote for the interval: orders, their lines, gross and net revenue, dimension sizes, sessions.
    static let intervalCounts = """
        SELECT (SELECT count(*) FROM gold.fct_orders o WHERE \(ordersPlaced("o"))),
               (SELECT count(*) FROM gold.fct_order_items i JOIN gold.fct_orders o USING (order_id)
                    WHERE \(ordersPlaced("o"))),
               (SELECT coalesce(sum(gross_amount), 0)::text FROM gold.fct_orders o WHERE \(ordersPlaced("o"))),
               (SELECT coalesce(sum(net_amount), 0)::text FROM gold.fct_orders o WHERE \(ordersPlaced("o"))),
               (SELECT count(*) FROM gold.dim_customers), (SELECT count(*) FROM gold.dim_products),
               (SELECT count(*) FROM gold.sessions WHERE started_at >= $1 AND started_at < $2 AND session_date \(inDays))
        """

    /// Lifetime value over all orders so far: full refresh from the daily per-customer aggregates
    /// (gold.agg_customer_daily): reads days × customers rows, not every order. Run after the order aggregates of the
    /// interval's days and of the days orders moved from or to, so every day's rows agree with its facts.
    ///
    /// The same values as from every row of gold.fct_orders (`dim_customers LEFT JOIN fct_orders`): a day's row holds
    /// count(*), sum(gross_amount) and sum(net_amount) of the customer's orders of that day, and has at least one, so
    /// summed over the days they are the customer's count and sums, and min/max(order_date) its first and last order
    /// days. avg_order_value is round(sum(net) / orders, 2), which is round(avg(net_amount), 2): PostgreSQL's avg of
    /// numeric is the exact sum divided by the count as numerics (numeric_avg calls numeric_div), and this divides
    /// the same exact sum (net_amount has 2 decimals, so do the daily sums) by the same count. A customer without
    /// orders has no daily row: 0 orders, 0 revenue, no average, no dates, segment none, as before.
    static let lifetime = [
        "DELETE FROM gold.customer_ltv",
        """
        INSERT INTO gold.customer_ltv (customer_id, orders, gross_revenue, net_revenue, avg_order_value,
            first_order_date, last_order_date, segment)
        SELECT c.customer_id, coalesce(sum(d.orders), 0), coalesce(sum(d.gross_revenue), 0),
            coalesce(sum(d.net_revenue), 0), round(sum(d.net_revenue) / nullif(sum(d.orders), 0), 2),
            min(d.order_date), max(d.order_date), 'none'
        FROM gold.dim_customers c LEFT JOIN gold.agg_customer_daily d USING (customer_id)
        GROUP BY c.customer_id
        """,
        // Segments by quantile of lifetime paid revenue among customers with orders (ties share a segment):
        // top 10 % vip, next 20 % high, next 30 % medium, the remaining 40 % low; no orders: none.
        """
        UPDATE gold.customer_ltv l SET segment = r.segment
        FROM (SELECT customer_id, CASE WHEN cume_dist() OVER w > 0.9 THEN 'vip' WHEN cume_dist() OVER w > 0.7 THEN 'high'
                                       WHEN cume_dist() OVER w > 0.4 THEN 'medium' ELSE 'low' END AS segment
              FROM gold.customer_ltv WHERE orders > 0 WINDOW w AS (ORDER BY net_revenue)) r
        WHERE r.customer_id = l.customer_id
        """,
    ]
}
