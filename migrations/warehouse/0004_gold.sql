-- Gold: dimensions (full refresh), facts and aggregates per day (rebuilt per data interval).
CREATE TABLE gold.dim_customers (
    customer_id  integer PRIMARY KEY,
    full_name    text NOT NULL,
    email        text NOT NULL,
    gender       text,
    age          integer,
    age_band     text,
    city         text,
    state        text,
    country      text
);

CREATE TABLE gold.dim_products (
    product_id   integer PRIMARY KEY,
    title        text NOT NULL,
    category     text NOT NULL,
    brand        text,
    price        numeric(12,2) NOT NULL,
    price_band   text NOT NULL,
    rating       numeric(4,2)
);

CREATE TABLE gold.dim_date (
    date_key     date PRIMARY KEY,
    year         integer NOT NULL,
    quarter      integer NOT NULL,
    month        integer NOT NULL,
    day          integer NOT NULL,
    iso_dow      integer NOT NULL,
    is_weekend   boolean NOT NULL
);

CREATE TABLE gold.fct_orders (
    order_id     text PRIMARY KEY,
    channel      text NOT NULL,
    customer_id  integer NOT NULL,
    order_date   date NOT NULL,
    order_ts     timestamptz NOT NULL,
    gross_amount numeric(14,2) NOT NULL,
    net_amount   numeric(14,2) NOT NULL,
    discount_amount numeric(14,2) NOT NULL,
    line_count   integer NOT NULL,
    quantity     integer NOT NULL
);
CREATE INDEX fct_orders_date ON gold.fct_orders (order_date);

CREATE TABLE gold.fct_order_items (
    order_id     text NOT NULL,
    line_no      integer NOT NULL,
    product_id   integer NOT NULL,
    customer_id  integer NOT NULL,
    order_date   date NOT NULL,
    channel      text NOT NULL,
    quantity     integer NOT NULL,
    unit_price   numeric(12,2) NOT NULL,
    line_total   numeric(14,2) NOT NULL,
    discounted_line_total numeric(14,2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX fct_order_items_date ON gold.fct_order_items (order_date);

CREATE TABLE gold.agg_orders_daily (
    order_date   date NOT NULL,
    channel      text NOT NULL,
    orders       integer NOT NULL,
    customers    integer NOT NULL,
    items        integer NOT NULL,
    gross_revenue numeric(16,2) NOT NULL,
    net_revenue  numeric(16,2) NOT NULL,
    avg_order_value numeric(14,2) NOT NULL,
    PRIMARY KEY (order_date, channel)
);

CREATE TABLE gold.agg_events_daily (
    event_date   date NOT NULL,
    event_type   text NOT NULL,
    events       integer NOT NULL,
    sessions     integer NOT NULL,
    customers    integer NOT NULL,
    PRIMARY KEY (event_date, event_type)
);

CREATE TABLE gold.daily_funnel (
    event_date   date PRIMARY KEY,
    view_sessions     integer NOT NULL,
    cart_sessions     integer NOT NULL,
    checkout_sessions integer NOT NULL,
    purchase_sessions integer NOT NULL,
    view_to_cart_rate      numeric(7,4),
    cart_to_checkout_rate  numeric(7,4),
    checkout_to_purchase_rate numeric(7,4),
    overall_conversion_rate numeric(7,4)
);

CREATE TABLE gold.customer_ltv (
    customer_id  integer PRIMARY KEY,
    orders       integer NOT NULL,
    gross_revenue numeric(16,2) NOT NULL,
    net_revenue  numeric(16,2) NOT NULL,
    avg_order_value numeric(14,2),
    first_order_date date,
    last_order_date date,
    segment      text NOT NULL CHECK (segment IN ('none', 'low', 'medium', 'high', 'vip'))
);

CREATE TABLE gold.product_performance (
    order_date   date NOT NULL,
    product_id   integer NOT NULL,
    orders       integer NOT NULL,
    units        integer NOT NULL,
    gross_revenue numeric(16,2) NOT NULL,
    net_revenue  numeric(16,2) NOT NULL,
    PRIMARY KEY (order_date, product_id)
);

CREATE TABLE gold.revenue_by_category (
    order_date   date NOT NULL,
    category     text NOT NULL,
    orders       integer NOT NULL,
    units        integer NOT NULL,
    gross_revenue numeric(16,2) NOT NULL,
    net_revenue  numeric(16,2) NOT NULL,
    PRIMARY KEY (order_date, category)
);

CREATE TABLE gold.sessions (
    session_id   text PRIMARY KEY,
    session_date date NOT NULL,
    customer_id  integer,
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz NOT NULL,
    duration_seconds integer NOT NULL,
    events       integer NOT NULL,
    page_views   integer NOT NULL,
    add_to_carts integer NOT NULL,
    checkouts    integer NOT NULL,
    purchases    integer NOT NULL,
    converted    boolean NOT NULL
);
CREATE INDEX sessions_date ON gold.sessions (session_date);
