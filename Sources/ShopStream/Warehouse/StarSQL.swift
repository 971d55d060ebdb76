/// The SQL of the star schema (schema `star`). `$1`/`$2` are the data interval's start (inclusive) and end
/// (exclusive). Dimensions are upserted by their natural key, so a surrogate key never changes once given; facts of
/// the interval are deleted and inserted again.
enum StarSQL {

    /// `$1`: the rates file (`date,currency,per_eur` lines).
    static let loadRates = """
        INSERT INTO star.fx_rate (rate_date, currency_code, per_eur)
        SELECT split_part(l, ',', 1)::date, split_part(l, ',', 2), split_part(l, ',', 3)::numeric
        FROM regexp_split_to_table($1, '\\n') AS l WHERE l ~ '^\\d{4}-\\d{2}-\\d{2},[A-Z]{3},'
        ON CONFLICT (rate_date, currency_code) DO UPDATE SET per_eur = EXCLUDED.per_eur
            WHERE star.fx_rate.per_eur <> EXCLUDED.per_eur
        """

    /// Users and products upserted from silver, then the interval's hours.
    static let dimensions = [
        """
        INSERT INTO star.dim_user (user_id, first_name, last_name, email, gender, age, country)
        SELECT customer_id, first_name, last_name, email, gender, age, country FROM silver.customers ORDER BY customer_id
        ON CONFLICT (user_id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
            email = EXCLUDED.email, gender = EXCLUDED.gender, age = EXCLUDED.age, country = EXCLUDED.country
        WHERE (star.dim_user.first_name, star.dim_user.last_name, star.dim_user.email, star.dim_user.gender,
               star.dim_user.age, star.dim_user.country)
              IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.email, EXCLUDED.gender,
                                EXCLUDED.age, EXCLUDED.country)
        """,
        """
        INSERT INTO star.dim_product (product_id, name, category, brand, price_usd)
        SELECT product_id, name, category, brand, price FROM silver.products ORDER BY product_id
        ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,
            brand = EXCLUDED.brand, price_usd = EXCLUDED.price_usd
        WHERE (star.dim_product.name, star.dim_product.category, star.dim_product.brand, star.dim_product.price_usd)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category, EXCLUDED.brand, EXCLUDED.price_usd)
        """,
        hours,
    ]

    /// The hours of `[$1, $2)` into star.dim_time (kept when there).
    static let hours = """
        INSERT INTO star.dim_time (time_key, hour_start, date, hour, iso_dow, is_weekend)
        SELECT to_char(h AT TIME ZONE 'UTC', 'YYYYMMDDHH24')::int, h, (h AT TIME ZONE 'UTC')::date,
            extract(hour FROM h AT TIME ZONE 'UTC'), extract(isodow FROM h AT TIME ZONE 'UTC'),
            extract(isodow FROM h AT TIME ZONE 'UTC') >= 6
        FROM generate_series(date_trunc('hour', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                             $2::timestamptz - interval '1 microsecond', interval '1 hour') AS h
        ON CONFLICT (time_key) DO NOTHING
        """


    /// The interval's UTC days (`GoldSQL.inDays`) of `silver.events e`, whose `event_date` is the UTC date of
    /// `event_ts`: beside a filter on the time it changes no result, and lets the interval's rows be found by the
    /// date's index instead of a scan of every day in the table (orders: `GoldSQL.ordersPlaced`).
    static let eventDays = "e.event_date \(GoldSQL.inDays)"

    /// The rows each fact of `facts` will get for the interval, in `facts`' order (one row, three counts).
    static let factRows = """
        SELECT count(*) FILTER (WHERE e.event_type = 'page_view'), count(*) FILTER (WHERE e.event_type = 'add_to_cart'),
               (SELECT count(*) FROM silver.orders o WHERE \(GoldSQL.ordersPlaced("o")))
        FROM silver.events e WHERE e.event_ts >= $1 AND e.event_ts < $2 AND \(eventDays)
        """

    /// The star's orders of the interval (alias `f`): `ts` in the interval, and its `order_date` (the UTC date of
    /// `ts`) in the interval's days, which changes no result and lets the planner count them by the date's index.
    static let ordersPlaced = "f.ts >= $1 AND f.ts < $2 AND f.order_date \(GoldSQL.inDays)"
    /// The star's orders of the interval that silver places on another day (`GoldSQL.ordersLeaving`).
    static let ordersLeaving = GoldSQL.ordersLeaving("star.fact_orders", placed: ordersPlaced)
    /// Orders that left the interval, inserted on their new day: `$1`/`$2` that day (whose purchase events give web
    /// orders their currency), `$3` their ids as a JSON array of strings. The day's `hours` go in first.
    static let leavingOrders = insertOrders(where: GoldSQL.ordersNamed(3))

    /// Per fact table, the statements that rebuild its rows of the interval.
    static let facts: [(table: String, statements: [String])] = [
        ("star.fact_clicks", [
            "DELETE FROM star.fact_clicks WHERE ts >= $1 AND ts < $2",
            """
            INSERT INTO star.fact_clicks (event_id, user_key, product_key, time_key, session_id, page, referrer, ts)
            SELECT e.event_id, u.user_key, p.product_key, to_char(e.event_ts AT TIME ZONE 'UTC', 'YYYYMMDDHH24')::int,
                e.session_id, e.event_data->>'page', e.event_data->>'referrer', e.event_ts
            FROM silver.events e JOIN star.dim_user u ON u.user_id = e.customer_id
            LEFT JOIN star.dim_product p ON p.product_id = e.product_id
            WHERE e.event_type = 'page_view' AND e.event_ts >= $1 AND e.event_ts < $2 AND \(eventDays)
            """]),
        ("star.fact_cart", [
            "DELETE FROM star.fact_cart WHERE ts >= $1 AND ts < $2",
            """
            INSERT INTO star.fact_cart (event_id, user_key, product_key, time_key, session_id, quantity, unit_price_usd, ts)
            SELECT e.event_id, u.user_key, p.product_key, to_char(e.event_ts AT TIME ZONE 'UTC', 'YYYYMMDDHH24')::int,
                e.session_id, coalesce((e.event_data->>'quantity')::int, 1), (e.event_data->>'price')::numeric, e.event_ts
            FROM silver.events e JOIN star.dim_user u ON u.user_id = e.customer_id
            JOIN star.dim_product p ON p.product_id = e.product_id
            WHERE e.event_type = 'add_to_cart' AND e.event_ts >= $1 AND e.event_ts < $2 AND \(eventDays)
            """]),
        ("star.fact_orders", [
            """
            DELETE FROM star.fact_orders WHERE order_id IN (
                \(GoldSQL.rebuiltOrders(in: "star.fact_orders", placed: ordersPlaced)))
            """,
            insertOrders(where: GoldSQL.ordersPlaced("o")),
        ]),
    ]

    /// Silver's orders that meet `condition` (on the alias `o`) into star.fact_orders; `$1`/`$2` are the days whose
    /// purchase events give web orders their currency and amount.
    static func insertOrders(where condition: String) -> String {
        // Web orders take the currency and amount of their purchase event (placed at the same instant, so on the
        // order's day); carts are in USD (the source's prices).
        // Conversion uses the rate in force on the order's day: published that day or the latest before it.
        // The currency is compared as the column's char(3), so the primary key finds the rate by a short
        // backward scan (compared as text, every earlier day's rates were read per order: 6 s of 1M events' day).
        """
        INSERT INTO star.fact_orders (order_id, user_key, time_key, currency_key, channel, session_id, order_date, ts,
            items, units, total_amount, fx_rate_date, total_amount_eur, total_amount_usd)
        SELECT o.order_id, u.user_key, to_char(o.order_ts AT TIME ZONE 'UTC', 'YYYYMMDDHH24')::int, c.currency_key,
            o.channel, o.session_id, o.order_date, o.order_ts, o.total_products, o.total_quantity, a.amount,
            r.rate_date, round(a.amount / r.per_eur, 2),
            CASE WHEN a.code = 'USD' THEN a.amount ELSE round(a.amount / r.per_eur * usd.per_eur, 2) END
        FROM silver.orders o
        JOIN star.dim_user u ON u.user_id = o.customer_id
        LEFT JOIN (SELECT DISTINCT ON (e.order_id) e.order_id, e.event_data FROM silver.events e
                   WHERE e.event_type = 'purchase' AND e.order_id IS NOT NULL AND \(eventDays)
                   ORDER BY e.order_id, e.event_id) pe ON o.channel = 'web' AND pe.order_id = o.order_id
        CROSS JOIN LATERAL (SELECT coalesce(pe.event_data->>'currency', 'USD') AS code,
                                   coalesce((pe.event_data->>'total_amount')::numeric, o.total_amount) AS amount) a
        JOIN star.dim_currency c ON c.currency_code = a.code
        LEFT JOIN LATERAL (SELECT x.rate_date, x.per_eur FROM (
                               SELECT rate_date, CASE WHEN a.code = 'EUR' THEN 1 ELSE per_eur END AS per_eur
                               FROM star.fx_rate WHERE currency_code = (CASE WHEN a.code = 'EUR' THEN 'USD' ELSE a.code END)::char(3)
                                 AND rate_date <= o.order_date ORDER BY rate_date DESC LIMIT 1) x) r ON true
        LEFT JOIN LATERAL (SELECT per_eur FROM star.fx_rate WHERE currency_code = 'USD' AND rate_date = r.rate_date) usd ON true
        WHERE \(condition)
        """
    }
}
