-- Insights (issue 15): monthly roll-ups of the two per-day summaries the heaviest panels read (top products,
-- product ranking: gold.product_performance; top customers: gold.agg_customer_daily). A long range reads the whole
-- months it covers from these (about 200 rows a month) and only its partial first and last months from the daily
-- tables, instead of every day × product or customer (about 71,000 and 76,000 rows for a year at 1,000,000 events a
-- day). Rebuilt by the gold task for the months its interval touches, from the daily tables, so they always agree.
CREATE TABLE gold.product_performance_monthly (
    month         date NOT NULL CHECK (extract(day FROM month) = 1),
    product_id    integer NOT NULL,
    orders        bigint NOT NULL,
    units         bigint NOT NULL,
    gross_revenue numeric(18,2) NOT NULL,
    net_revenue   numeric(18,2) NOT NULL,
    PRIMARY KEY (month, product_id)
);

INSERT INTO gold.product_performance_monthly (month, product_id, orders, units, gross_revenue, net_revenue)
SELECT date_trunc('month', order_date)::date, product_id, sum(orders), sum(units), sum(gross_revenue), sum(net_revenue)
FROM gold.product_performance GROUP BY 1, 2;

CREATE TABLE gold.agg_customer_monthly (
    month         date NOT NULL CHECK (extract(day FROM month) = 1),
    customer_id   integer NOT NULL,
    orders        bigint NOT NULL,
    revenue       numeric(18,2) NOT NULL,
    gross_revenue numeric(18,2) NOT NULL,
    PRIMARY KEY (month, customer_id)
);

INSERT INTO gold.agg_customer_monthly (month, customer_id, orders, revenue, gross_revenue)
SELECT date_trunc('month', order_date)::date, customer_id, sum(orders), sum(revenue), sum(gross_revenue)
FROM gold.agg_customer_daily GROUP BY 1, 2;
