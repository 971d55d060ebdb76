-- gold.customer_ltv is refreshed from gold.agg_customer_daily (days × customers rows) instead of every row of
-- gold.fct_orders, so each gold build no longer reads every order in the warehouse. It needs what was paid per day and
-- customer, sum(net_amount): `revenue` is sum(total_amount), a column of its own (0007), not net_amount by definition.
-- Every day × customer row is built again from the facts with it, as 0009 built them: the backfill is exact, and a
-- row left stale by an order whose time moved, from before gold built such an order's other day again (2026-12-04),
-- agrees with the facts again, as customer_ltv now needs. The monthly roll-ups (0010) are built again from them.
ALTER TABLE gold.agg_customer_daily ADD COLUMN net_revenue numeric(16,2);

DELETE FROM gold.agg_customer_daily;
INSERT INTO gold.agg_customer_daily (order_date, customer_id, orders, revenue, gross_revenue, net_revenue)
SELECT order_date, customer_id, count(*), sum(total_amount), sum(gross_amount), sum(net_amount)
FROM gold.fct_orders GROUP BY order_date, customer_id;

ALTER TABLE gold.agg_customer_daily ALTER COLUMN net_revenue SET NOT NULL;

DELETE FROM gold.agg_customer_monthly;
INSERT INTO gold.agg_customer_monthly (month, customer_id, orders, revenue, gross_revenue)
SELECT date_trunc('month', order_date)::date, customer_id, sum(orders), sum(revenue), sum(gross_revenue)
FROM gold.agg_customer_daily GROUP BY 1, 2;
