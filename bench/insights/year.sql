-- A year of ShopStream gold aggregates at 1,000,000 events a day, for the Insights benchmark (bench/insights/run.sh),
-- in a scratch database migrated with migrations/warehouse. Days: the 365 ending yesterday (UTC), so the 7/30/90-day
-- presets hit data. The shape follows the clickstream simulator at 1M events: ~250,000 sessions (about 4 events
-- each), ~31,500 web orders plus the snapshot's 208 cart orders, 208 customers, 194 products in 24 categories.
-- Values are deterministic (hashes of the day and key), not random, so two runs measure the same data.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_days AS
SELECT d::date AS day, row_number() OVER (ORDER BY d) AS n
FROM generate_series((now() AT TIME ZONE 'UTC')::date - 365, (now() AT TIME ZONE 'UTC')::date - 1, interval '1 day') d;

-- A deterministic number in [0, 1) from a text key.
CREATE FUNCTION pg_temp.u(key text) RETURNS double precision LANGUAGE sql IMMUTABLE
AS $$ SELECT ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0 $$;

INSERT INTO gold.dim_products (product_id, title, name, category, brand, price, price_band, rating)
SELECT p, 'Product ' || p, 'Product ' || p, 'category-' || lpad(((p - 1) % 24 + 1)::text, 2, '0'), 'Brand ' || (p % 40),
       round((5 + pg_temp.u('price' || p) * 1995)::numeric, 2), 'mid', round((1 + pg_temp.u('rating' || p) * 4)::numeric, 2)
FROM generate_series(1, 194) p;

INSERT INTO gold.dim_customers (customer_id, full_name, email, first_name, last_name, country)
SELECT c, 'Customer ' || c, 'customer' || c || '@example.com', 'Customer', c::text, 'Country ' || (c % 30)
FROM generate_series(1, 208) c;

INSERT INTO gold.dim_date (date_key, year, quarter, month, day, iso_dow, is_weekend)
SELECT day, extract(year FROM day), extract(quarter FROM day), extract(month FROM day), extract(day FROM day),
       extract(isodow FROM day), extract(isodow FROM day) >= 6
FROM bench_days ON CONFLICT DO NOTHING;

-- Per day and customer: ~152 orders each (31,700 a day over 208 customers, Zipf-like weights); net_revenue (0012) is
-- what was paid, as revenue is.
INSERT INTO gold.agg_customer_daily (order_date, customer_id, orders, revenue, gross_revenue, net_revenue)
SELECT day, c, o, paid, round((o * (90 + pg_temp.u(day || 'r' || c) * 45))::numeric, 2), paid
FROM bench_days, generate_series(1, 208) c,
     LATERAL (SELECT greatest(1, round(31700 * (1.0 / c ^ 0.8) / 10.25 * (0.9 + 0.2 * pg_temp.u(day || 'o' || c))))::int AS o) x,
     LATERAL (SELECT round((o * (80 + pg_temp.u(day || 'r' || c) * 40))::numeric, 2) AS paid) y;

INSERT INTO gold.agg_orders_daily (order_date, orders, revenue, cart_orders, web_orders, customers, units,
    gross_revenue, discount_amount, avg_order_value)
SELECT order_date, sum(orders), sum(revenue), 208, sum(orders) - 208, count(*), sum(orders) * 3, sum(gross_revenue),
       sum(gross_revenue) - sum(revenue), round(sum(revenue) / sum(orders), 2)
FROM gold.agg_customer_daily GROUP BY order_date;

INSERT INTO gold.product_performance (order_date, product_id, orders, units, gross_revenue, net_revenue)
SELECT day, p, o, o * 2, round((o * 2 * price * 1.1)::numeric, 2), round((o * 2 * price)::numeric, 2)
FROM bench_days, gold.dim_products,
     LATERAL (SELECT (200 + pg_temp.u(day || 'p' || product_id) * 400)::int AS o, product_id AS p) x;

INSERT INTO gold.revenue_by_category (order_date, category, orders, units, gross_revenue, net_revenue)
SELECT pp.order_date, p.category, sum(pp.orders), sum(pp.units), sum(pp.gross_revenue), sum(pp.net_revenue)
FROM gold.product_performance pp JOIN gold.dim_products p USING (product_id) GROUP BY 1, 2;

INSERT INTO gold.agg_events_daily (event_date, event_type, events, sessions, customers)
SELECT day, t, e, s, 208 FROM bench_days,
     LATERAL (VALUES ('page_view', 750000 + (pg_temp.u(day || 'v') * 10000)::int, 250000),
                     ('add_to_cart', 150000, 75000), ('checkout', 58000, 45000), ('purchase', 31500, 31500),
                     ('post_published', 10500, 0)) v(t, e, s);

INSERT INTO gold.daily_funnel (event_date, view_sessions, cart_sessions, checkout_sessions, purchase_sessions,
    view_to_cart_rate, cart_to_checkout_rate, checkout_to_purchase_rate, overall_conversion_rate)
SELECT day, 250000, 75000, 45000, 31500, 0.3, 0.6, 0.7, 0.126 FROM bench_days;

INSERT INTO gold.customer_ltv (customer_id, orders, gross_revenue, net_revenue, avg_order_value, first_order_date,
    last_order_date, segment)
SELECT customer_id, sum(orders), sum(gross_revenue), sum(revenue), round(sum(revenue) / sum(orders), 2),
       min(order_date), max(order_date),
       CASE WHEN customer_id <= 21 THEN 'vip' WHEN customer_id <= 62 THEN 'high' WHEN customer_id <= 125 THEN 'medium' ELSE 'low' END
FROM gold.agg_customer_daily GROUP BY customer_id;

-- The monthly roll-ups (migration 0010), as the gold task builds them from the daily rows.
INSERT INTO gold.product_performance_monthly (month, product_id, orders, units, gross_revenue, net_revenue)
SELECT date_trunc('month', order_date)::date, product_id, sum(orders), sum(units), sum(gross_revenue), sum(net_revenue)
FROM gold.product_performance GROUP BY 1, 2;
INSERT INTO gold.agg_customer_monthly (month, customer_id, orders, revenue, gross_revenue)
SELECT date_trunc('month', order_date)::date, customer_id, sum(orders), sum(revenue), sum(gross_revenue)
FROM gold.agg_customer_daily GROUP BY 1, 2;
COMMIT;
VACUUM (ANALYZE) gold.dim_products, gold.dim_customers, gold.agg_customer_daily, gold.agg_orders_daily, gold.product_performance,
    gold.revenue_by_category, gold.agg_events_daily, gold.daily_funnel, gold.customer_ltv,
    gold.product_performance_monthly, gold.agg_customer_monthly;
SELECT 'days', count(*) FROM gold.agg_orders_daily
UNION ALL SELECT 'orders (sum)', sum(orders) FROM gold.agg_orders_daily
UNION ALL SELECT 'events (sum)', sum(events) FROM gold.agg_events_daily
UNION ALL SELECT 'agg_customer_daily rows', count(*) FROM gold.agg_customer_daily
UNION ALL SELECT 'product_performance rows', count(*) FROM gold.product_performance;
