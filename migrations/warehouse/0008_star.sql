-- The star schema of the seeds' 004 plan, beside gold in its own schema: dimensions with warehouse-generated
-- surrogate keys (dim_user, dim_product, dim_time, dim_currency), facts referencing them (fact_clicks, fact_cart,
-- fact_orders), and the ECB euro reference rates that convert order amounts (star.fx_rate, loaded from the
-- project's fixtures/ecb/eurofxref.csv).
CREATE SCHEMA IF NOT EXISTS star;

CREATE TABLE star.fx_rate (
    rate_date     date NOT NULL,
    currency_code char(3) NOT NULL,
    per_eur       numeric(18,6) NOT NULL CHECK (per_eur > 0),
    PRIMARY KEY (rate_date, currency_code)
);

CREATE TABLE star.dim_currency (
    currency_key  serial PRIMARY KEY,
    currency_code char(3) NOT NULL UNIQUE,
    name          text NOT NULL
);
INSERT INTO star.dim_currency (currency_code, name) VALUES
    ('EUR', 'Euro'), ('USD', 'US dollar'), ('GBP', 'Pound sterling'), ('CHF', 'Swiss franc'), ('JPY', 'Japanese yen'),
    ('CAD', 'Canadian dollar'), ('AUD', 'Australian dollar'), ('SEK', 'Swedish krona'), ('PLN', 'Polish zloty');

CREATE TABLE star.dim_user (
    user_key    bigserial PRIMARY KEY,
    user_id     integer NOT NULL UNIQUE,
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    email       text NOT NULL,
    gender      text,
    age         integer,
    country     text
);

CREATE TABLE star.dim_product (
    product_key bigserial PRIMARY KEY,
    product_id  integer NOT NULL UNIQUE,
    name        text NOT NULL,
    category    text NOT NULL,
    brand       text,
    price_usd   numeric(12,2) NOT NULL
);

-- One row per UTC hour; time_key is YYYYMMDDHH.
CREATE TABLE star.dim_time (
    time_key    integer PRIMARY KEY,
    hour_start  timestamptz NOT NULL UNIQUE,
    date        date NOT NULL,
    hour        integer NOT NULL,
    iso_dow     integer NOT NULL,
    is_weekend  boolean NOT NULL
);

CREATE TABLE star.fact_clicks (
    event_id    text PRIMARY KEY,
    user_key    bigint NOT NULL REFERENCES star.dim_user (user_key),
    product_key bigint REFERENCES star.dim_product (product_key),
    time_key    integer NOT NULL REFERENCES star.dim_time (time_key),
    session_id  text,
    page        text,
    referrer    text,
    ts          timestamptz NOT NULL
);
CREATE INDEX fact_clicks_ts ON star.fact_clicks (ts);

CREATE TABLE star.fact_cart (
    event_id    text PRIMARY KEY,
    user_key    bigint NOT NULL REFERENCES star.dim_user (user_key),
    product_key bigint NOT NULL REFERENCES star.dim_product (product_key),
    time_key    integer NOT NULL REFERENCES star.dim_time (time_key),
    session_id  text,
    quantity    integer NOT NULL,
    unit_price_usd numeric(12,2),
    ts          timestamptz NOT NULL
);
CREATE INDEX fact_cart_ts ON star.fact_cart (ts);

CREATE TABLE star.fact_orders (
    order_id         text PRIMARY KEY,
    user_key         bigint NOT NULL REFERENCES star.dim_user (user_key),
    time_key         integer NOT NULL REFERENCES star.dim_time (time_key),
    currency_key     integer NOT NULL REFERENCES star.dim_currency (currency_key),
    channel          text NOT NULL,
    session_id       text,
    order_date       date NOT NULL,
    ts               timestamptz NOT NULL,
    items            integer NOT NULL,
    units            integer NOT NULL,
    total_amount     numeric(14,2) NOT NULL,
    fx_rate_date     date,
    total_amount_eur numeric(14,2),
    total_amount_usd numeric(14,2)
);
CREATE INDEX fact_orders_ts ON star.fact_orders (ts);
