-- Silver: typed and deduplicated (latest offset per business key wins). src_* columns point back at bronze.
CREATE TABLE silver.customers (
    customer_id  integer PRIMARY KEY,
    first_name   text NOT NULL,
    last_name    text NOT NULL,
    email        text NOT NULL,
    username     text,
    gender       text,
    age          integer,
    birth_date   date,
    city         text,
    state        text,
    country      text,
    role         text,
    src_partition integer NOT NULL,
    src_offset   bigint  NOT NULL,
    bronze_id    bigint  NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE silver.products (
    product_id   integer PRIMARY KEY,
    title        text NOT NULL,
    category     text NOT NULL,
    brand        text,
    price        numeric(12,2) NOT NULL CHECK (price >= 0),
    discount_percentage numeric(6,2),
    rating       numeric(4,2),
    stock        integer,
    availability_status text,
    src_partition integer NOT NULL,
    src_offset   bigint  NOT NULL,
    bronze_id    bigint  NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE silver.orders (
    order_id     text PRIMARY KEY,
    channel      text NOT NULL CHECK (channel IN ('cart', 'web')),
    source_id    text NOT NULL,
    customer_id  integer NOT NULL,
    order_ts     timestamptz NOT NULL,
    order_date   date NOT NULL,
    total        numeric(14,2) NOT NULL,
    discounted_total numeric(14,2) NOT NULL,
    total_products integer NOT NULL,
    total_quantity integer NOT NULL,
    session_id   text,
    src_partition integer NOT NULL,
    src_offset   bigint  NOT NULL,
    bronze_id    bigint  NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_order_date ON silver.orders (order_date);

CREATE TABLE silver.order_items (
    order_id     text    NOT NULL REFERENCES silver.orders (order_id) ON DELETE CASCADE,
    line_no      integer NOT NULL,
    product_id   integer NOT NULL,
    title        text,
    price        numeric(12,2) NOT NULL,
    quantity     integer NOT NULL CHECK (quantity > 0),
    total        numeric(14,2) NOT NULL,
    discount_percentage numeric(6,2),
    discounted_total numeric(14,2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE silver.events (
    event_id     text PRIMARY KEY,
    event_type   text NOT NULL,
    session_id   text,
    customer_id  integer,
    product_id   integer,
    order_id     text,
    event_ts     timestamptz NOT NULL,
    event_date   date NOT NULL,
    properties   jsonb NOT NULL,
    src_partition integer NOT NULL,
    src_offset   bigint  NOT NULL,
    bronze_id    bigint  NOT NULL
);
CREATE INDEX events_event_date ON silver.events (event_date);

-- Rows that could not be typed, with the reason; never dropped.
CREATE TABLE silver.quarantine (
    id           bigserial PRIMARY KEY,
    source       text   NOT NULL,
    record_key   text,
    reason       text   NOT NULL,
    raw          jsonb  NOT NULL,
    bronze_id    bigint NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT quarantine_once UNIQUE (source, bronze_id)
);

-- Incremental processing: the last bronze.raw_events.id each silver table has consumed.
CREATE TABLE meta.watermarks (
    name         text PRIMARY KEY,
    last_id      bigint NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
