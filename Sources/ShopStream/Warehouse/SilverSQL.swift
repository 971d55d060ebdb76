/// The SQL of the silver models: why a bronze row is invalid (NULL when valid), and how a valid row is typed.
/// A step first copies the bronze rows of its topic with `$1 < id <= $2` (the table's watermark and the snapshot's
/// end) into the temp table `silver_window` (one scan of bronze per topic); the upsert, quarantine and count then
/// read that table.
enum SilverSQL {
    /// Name of the temp table holding the current topic's window.
    static let windowTable = "silver_window"

    /// The bronze rows of one topic inside the watermark window, with the columns a window has.
    static func windowRows(_ topic: String) -> String {
        """
        SELECT id AS bronze_id, record_key, record_value AS v, "partition", "offset", event_ts
        FROM bronze.raw_events WHERE topic = '\(topic)' AND id > $1 AND id <= $2
        """
    }

    /// Copies the bronze rows of one topic inside the watermark window into `silver_window`; with `problem`, each
    /// row's problem (NULL when valid) is computed once while staging, for a topic whose problem is costly to find
    /// (orders: every line's product is looked up), so the upsert and the quarantine both read it.
    static func stageWindow(_ topic: String, problem: String? = nil) -> String {
        guard let problem else { return "CREATE TEMP TABLE \(windowTable) ON COMMIT DROP AS \(windowRows(topic))" }
        return "CREATE TEMP TABLE \(windowTable) ON COMMIT DROP AS SELECT w.*, (\(problem)) AS problem "
            + "FROM (\(windowRows(topic)) OFFSET 0) w"
    }

    /// The current topic's window rows (staged by `stageWindow` or `stageEvents`).
    static let window = "SELECT * FROM \(windowTable)"

    static let customerProblem = """
        CASE
            WHEN jsonb_typeof(v) <> 'object' THEN 'payload is not a JSON object'
            WHEN NOT meta.is_int(v->'id') THEN 'id missing or not a non-negative integer'
            WHEN coalesce(v->>'firstName', '') = '' THEN 'firstName missing'
            WHEN coalesce(v->>'lastName', '') = '' THEN 'lastName missing'
            WHEN coalesce(v->>'email', '') !~ '^[^@\\s]+@[^@\\s]+$' THEN 'email missing or malformed'
            WHEN v ? 'age' AND NOT meta.is_int(v->'age') THEN 'age is not an integer'
            WHEN v ? 'birthDate' AND meta.try_date(v->>'birthDate') IS NULL THEN 'birthDate is not a date'
            WHEN EXISTS (SELECT 1 FROM silver.customers o WHERE o.email = v->>'email' AND o.customer_id <> (v->>'id')::int)
                THEN 'email belongs to another customer'
        END
        """

    static let customers = """
        INSERT INTO silver.customers AS t (customer_id, first_name, last_name, email, username, gender, age, birth_date,
            city, state, country, role, src_partition, src_offset, bronze_id, created_at, updated_at)
        SELECT DISTINCT ON ((v->>'id')::int)
            (v->>'id')::int, v->>'firstName', v->>'lastName', v->>'email', v->>'username', v->>'gender',
            (v->>'age')::int, meta.try_date(v->>'birthDate'), v#>>'{address,city}', v#>>'{address,state}',
            v#>>'{address,country}', v->>'role', "partition", "offset", bronze_id, event_ts, event_ts
        FROM (\(window)) s
        WHERE (\(customerProblem)) IS NULL
        ORDER BY (v->>'id')::int, "offset" DESC, bronze_id DESC
        ON CONFLICT (customer_id) DO UPDATE SET
            first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, email = EXCLUDED.email,
            username = EXCLUDED.username, gender = EXCLUDED.gender, age = EXCLUDED.age, birth_date = EXCLUDED.birth_date,
            city = EXCLUDED.city, state = EXCLUDED.state, country = EXCLUDED.country, role = EXCLUDED.role,
            src_partition = EXCLUDED.src_partition, src_offset = EXCLUDED.src_offset, bronze_id = EXCLUDED.bronze_id,
            created_at = least(t.created_at, EXCLUDED.created_at), updated_at = greatest(t.updated_at, EXCLUDED.updated_at)
        WHERE EXCLUDED.src_partition <> t.src_partition OR EXCLUDED.src_offset >= t.src_offset
        """

    static let productProblem = """
        CASE
            WHEN jsonb_typeof(v) <> 'object' THEN 'payload is not a JSON object'
            WHEN NOT meta.is_int(v->'id') THEN 'id missing or not a non-negative integer'
            WHEN coalesce(v->>'title', '') = '' THEN 'title missing'
            WHEN coalesce(v->>'category', '') = '' THEN 'category missing'
            WHEN NOT meta.is_num(v->'price') THEN 'price missing or not a number'
            WHEN (v->>'price')::numeric < 0 THEN 'price is negative'
            WHEN v ? 'discountPercentage' AND NOT meta.is_num(v->'discountPercentage') THEN 'discountPercentage is not a number'
            WHEN v ? 'rating' AND NOT meta.is_num(v->'rating') THEN 'rating is not a number'
            WHEN v ? 'stock' AND NOT meta.is_int(v->'stock') THEN 'stock is not an integer'
        END
        """

    static let products = """
        INSERT INTO silver.products AS t (product_id, title, name, description, category, brand, price,
            discount_percentage, rating, stock, availability_status, src_partition, src_offset, bronze_id, created_at,
            updated_at)
        SELECT DISTINCT ON ((v->>'id')::int)
            (v->>'id')::int, v->>'title', v->>'title', v->>'description', v->>'category', v->>'brand',
            (v->>'price')::numeric, (v->>'discountPercentage')::numeric, (v->>'rating')::numeric, (v->>'stock')::int,
            v->>'availabilityStatus', "partition", "offset", bronze_id,
            coalesce(meta.json_ts(v#>'{meta,createdAt}'), event_ts), coalesce(meta.json_ts(v#>'{meta,updatedAt}'), event_ts)
        FROM (\(window)) s
        WHERE (\(productProblem)) IS NULL
        ORDER BY (v->>'id')::int, "offset" DESC, bronze_id DESC
        ON CONFLICT (product_id) DO UPDATE SET
            title = EXCLUDED.title, name = EXCLUDED.name, description = EXCLUDED.description,
            category = EXCLUDED.category, brand = EXCLUDED.brand, price = EXCLUDED.price,
            discount_percentage = EXCLUDED.discount_percentage, rating = EXCLUDED.rating, stock = EXCLUDED.stock,
            availability_status = EXCLUDED.availability_status, src_partition = EXCLUDED.src_partition,
            src_offset = EXCLUDED.src_offset, bronze_id = EXCLUDED.bronze_id, created_at = EXCLUDED.created_at,
            updated_at = EXCLUDED.updated_at
        WHERE EXCLUDED.src_partition <> t.src_partition OR EXCLUDED.src_offset >= t.src_offset
        """

    /// The order's channel: 'web' for clickstream purchases, 'cart' (the default) for carts from the source.
    static let orderChannel = "coalesce(v->>'channel', 'cart')"
    /// The order's business key: `order_id` when given, else channel-id (cart 7 → `cart-7`).
    static let orderKey = "coalesce(v->>'order_id', \(orderChannel) || '-' || (v->>'id'))"
    static let orderTime = "coalesce(meta.json_ts(v->'order_ts'), event_ts)"

    static let orderProblem = """
        CASE
            WHEN jsonb_typeof(v) <> 'object' THEN 'payload is not a JSON object'
            WHEN NOT (meta.is_int(v->'id') OR coalesce(v->>'order_id', '') <> '') THEN 'id (or order_id) missing'
            WHEN \(orderChannel) NOT IN ('cart', 'web') THEN 'channel must be cart or web'
            WHEN NOT meta.is_int(v->'userId') THEN 'userId missing or not an integer'
            WHEN NOT EXISTS (SELECT 1 FROM silver.customers c WHERE c.customer_id = (v->>'userId')::int)
                THEN 'userId is not a known customer'
            WHEN NOT meta.is_num(v->'total') THEN 'total missing or not a number'
            WHEN NOT meta.is_num(v->'discountedTotal') THEN 'discountedTotal missing or not a number'
            WHEN v ? 'order_ts' AND meta.json_ts(v->'order_ts') IS NULL THEN 'order_ts is not a timestamp'
            WHEN jsonb_typeof(v->'products') IS DISTINCT FROM 'array' OR jsonb_array_length(v->'products') = 0
                THEN 'products missing or empty'
            WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(v->'products') e WHERE NOT (
                    jsonb_typeof(e) = 'object' AND meta.is_int(e->'id') AND meta.is_int(e->'quantity')
                    AND (e->>'quantity')::int > 0 AND meta.is_num(e->'price') AND meta.is_num(e->'total')
                    AND meta.is_num(e->'discountedTotal')))
                THEN 'a product line lacks id, positive quantity, price, total or discountedTotal'
            WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(v->'products') e
                         WHERE NOT EXISTS (SELECT 1 FROM silver.products p WHERE p.product_id = (e->>'id')::int))
                THEN 'a product line names an unknown product'
        END
        """

    /// Stages the winning valid order rows of the window (staged with its `problem`) in `silver_orders_stage`.
    static let stageOrders = """
        CREATE TEMP TABLE silver_orders_stage ON COMMIT DROP AS
        SELECT DISTINCT ON (\(orderKey)) \(orderKey) AS order_id, v, "partition", "offset", bronze_id, event_ts
        FROM (\(window)) s
        WHERE problem IS NULL
        ORDER BY \(orderKey), "offset" DESC, bronze_id DESC
        """

    /// Upserts the staged orders; records the orders that changed in `silver_orders_changed`.
    static let upsertOrders = """
        WITH up AS (
            INSERT INTO silver.orders AS t (order_id, channel, source_id, customer_id, order_ts, order_date, total,
                discounted_total, total_amount, status, total_products, total_quantity, session_id, src_partition,
                src_offset, bronze_id, created_at, updated_at)
            SELECT order_id, \(orderChannel), coalesce(v->>'id', order_id), (v->>'userId')::int, \(orderTime),
                (\(orderTime) AT TIME ZONE 'UTC')::date, (v->>'total')::numeric, (v->>'discountedTotal')::numeric,
                (v->>'discountedTotal')::numeric, 'completed', jsonb_array_length(v->'products'),
                (SELECT sum((e->>'quantity')::int) FROM jsonb_array_elements(v->'products') e),
                v->>'session_id', "partition", "offset", bronze_id, \(orderTime), event_ts
            FROM silver_orders_stage
            ON CONFLICT (order_id) DO UPDATE SET
                channel = EXCLUDED.channel, source_id = EXCLUDED.source_id, customer_id = EXCLUDED.customer_id,
                order_ts = EXCLUDED.order_ts, order_date = EXCLUDED.order_date, total = EXCLUDED.total,
                discounted_total = EXCLUDED.discounted_total, total_amount = EXCLUDED.total_amount,
                status = EXCLUDED.status, total_products = EXCLUDED.total_products,
                total_quantity = EXCLUDED.total_quantity, session_id = EXCLUDED.session_id,
                src_partition = EXCLUDED.src_partition, src_offset = EXCLUDED.src_offset,
                bronze_id = EXCLUDED.bronze_id, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
            WHERE EXCLUDED.src_partition <> t.src_partition OR EXCLUDED.src_offset >= t.src_offset
            RETURNING order_id
        )
        INSERT INTO silver_orders_changed SELECT order_id FROM up
        """

    static let deleteChangedItems = """
        DELETE FROM silver.order_items i USING silver_orders_changed c WHERE i.order_id = c.order_id
        """

    static let insertChangedItems = """
        INSERT INTO silver.order_items (order_id, line_no, product_id, title, price, quantity, total,
            discount_percentage, discounted_total, created_at)
        SELECT s.order_id, e.n::int, (e.item->>'id')::int, e.item->>'title', (e.item->>'price')::numeric,
            (e.item->>'quantity')::int, (e.item->>'total')::numeric, (e.item->>'discountPercentage')::numeric,
            (e.item->>'discountedTotal')::numeric, coalesce(meta.json_ts(s.v->'order_ts'), s.event_ts)
        FROM silver_orders_stage s JOIN silver_orders_changed c ON c.order_id = s.order_id
        CROSS JOIN LATERAL jsonb_array_elements(s.v->'products') WITH ORDINALITY AS e(item, n)
        """

    static let eventKey = "coalesce(v->>'event_id', v->>'id', record_key || '@' || \"partition\" || ':' || \"offset\")"
    static let eventType = "coalesce(v->>'event_type', v->>'type')"
    static let eventTime = "coalesce(meta.json_ts(coalesce(v->'ts', v->'timestamp', v->'event_ts')), event_ts)"
    static let eventUser = "coalesce(v->'user_id', v->'userId', v->'customer_id')"
    static let eventProduct = "coalesce(v->'product_id', v->'productId')"

    /// Stages the events window in `silver_window` with the typed parts computed once per row: `event_key`,
    /// `event_type`, `user_j`, `product_j`, `ts_raw`, `ts` (the parsed time, only for rows valid so far) and
    /// `problem` (NULL when valid). OFFSET 0 keeps each level from being inlined, so `meta.json_ts` runs once.
    static let stageEvents = """
        CREATE TEMP TABLE \(windowTable) ON COMMIT DROP AS
        SELECT c.*, coalesce(c.pre_problem,
                CASE WHEN c.ts_raw IS NOT NULL AND c.ts IS NULL THEN 'timestamp is not a time' END) AS problem
        FROM (
            SELECT b.*, CASE WHEN b.pre_problem IS NULL AND b.ts_raw IS NOT NULL THEN meta.json_ts(b.ts_raw) END AS ts
            FROM (
                SELECT a.*, CASE
                    WHEN jsonb_typeof(v) <> 'object' THEN 'payload is not a JSON object'
                    WHEN coalesce(event_type, '') = '' THEN 'event_type missing'
                    WHEN user_j IS NULL OR jsonb_typeof(user_j) = 'null' THEN 'user_id missing'
                    WHEN NOT meta.is_int(user_j) THEN 'user_id is not an integer'
                    WHEN NOT EXISTS (SELECT 1 FROM silver.customers k WHERE k.customer_id = (user_j #>> '{}')::int)
                        THEN 'user_id is not a known customer'
                    WHEN product_j IS NOT NULL AND jsonb_typeof(product_j) <> 'null' AND NOT meta.is_int(product_j) THEN 'product_id is not an integer'
                END AS pre_problem
                FROM (
                    SELECT r.*, \(eventKey) AS event_key, \(eventType) AS event_type, \(eventUser) AS user_j,
                        \(eventProduct) AS product_j, coalesce(v->'ts', v->'timestamp', v->'event_ts') AS ts_raw
                    FROM (\(windowRows("events")) OFFSET 0) r
                    OFFSET 0) a
                OFFSET 0) b
            OFFSET 0) c
        """

    /// The problem column of a window staged with it (`stageEvents`, `stageWindow` with a problem), for the quarantine.
    static let stagedProblem = "problem"

    /// Upserts the valid staged events; per event key only the latest offset (then bronze id) is taken, by an
    /// anti-join instead of sorting every row.
    static let events = """
        INSERT INTO silver.events AS t (event_id, event_type, session_id, customer_id, product_id, order_id, event_ts,
            event_date, event_data, src_partition, src_offset, bronze_id)
        SELECT event_key, event_type, v->>'session_id', (user_j #>> '{}')::int, (product_j #>> '{}')::int,
            v->>'order_id', coalesce(ts, event_ts), (coalesce(ts, event_ts) AT TIME ZONE 'UTC')::date, v,
            "partition", "offset", bronze_id
        FROM \(windowTable) s
        WHERE problem IS NULL AND NOT EXISTS (
            SELECT 1 FROM \(windowTable) d
            WHERE d.problem IS NULL AND d.event_key = s.event_key
              AND (d."offset", d.bronze_id) > (s."offset", s.bronze_id))
        ON CONFLICT (event_id) DO UPDATE SET
            event_type = EXCLUDED.event_type, session_id = EXCLUDED.session_id, customer_id = EXCLUDED.customer_id,
            product_id = EXCLUDED.product_id, order_id = EXCLUDED.order_id, event_ts = EXCLUDED.event_ts,
            event_date = EXCLUDED.event_date, event_data = EXCLUDED.event_data, src_partition = EXCLUDED.src_partition,
            src_offset = EXCLUDED.src_offset, bronze_id = EXCLUDED.bronze_id
        WHERE EXCLUDED.src_partition <> t.src_partition OR EXCLUDED.src_offset >= t.src_offset
        """

    /// Events windows at least this large may be upserted through `BulkForeignKeys`.
    static let bulkEventRows = 100_000

    /// Quarantines the invalid rows of the window for a source, once per bronze row.
    static func quarantine(source: String, problem: String) -> String {
        """
        INSERT INTO silver.quarantine (source, record_key, reason, raw, bronze_id)
        SELECT '\(source)', record_key, reason, v, bronze_id
        FROM (SELECT s.*, (\(problem)) AS reason FROM (\(window)) s) q
        WHERE reason IS NOT NULL
        ON CONFLICT (source, bronze_id) DO NOTHING
        """
    }
}
