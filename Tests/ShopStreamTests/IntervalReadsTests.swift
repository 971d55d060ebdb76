import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// A day's gold and star read that day's orders, not every day's, and move an order whose time moved to another day.
@Suite("Interval reads")
struct IntervalReadsTests {
    /// On a warehouse with 200 other days, each statement that selects an interval's orders reads about as many order
    /// (and line) rows as the day has: under EXPLAIN ANALYZE, every scan of an orders or lines table returns or filters
    /// out at most twice the day's rows (a scan of every day would read 201 times them). customer_ltv, refreshed in
    /// full by every build, reads no order or line at all (PostgreSQL's counters of rows read): it sums the daily
    /// per-customer rows of the 201 days, and equals the computation from every order.
    @Test("gold's facts and counts, the star's orders and the landed-carts check read only the interval's orders; customer_ltv none")
    func intervalOrdersOnly() throws {
        try Self.withBuiltDay { db, start, end in
            let dayRows = ["orders": try db.count("SELECT count(*) FROM silver.orders"),
                           "order_items": try db.count("SELECT count(*) FROM silver.order_items")]
            #expect(dayRows["orders"]! > 0 && dayRows["order_items"]! > 0)

            // 200 earlier days holding the same orders and lines, in silver, gold and the star, and gold's daily
            // per-customer rows of them (which customer_ltv sums).
            try Self.copyToEarlierDays(db, Self.orderTables, days: 200)
            try Self.copyToEarlierDays(db, [("gold.agg_customer_daily", ", order_date = order_date - n", [])], days: 200)

            let interval: [(any PGValue)?] = [start, end]
            let starOrders = try #require(StarSQL.facts.first { $0.table == "star.fact_orders" })
            var statements = ([GoldSQL.daysOrdersLeave, GoldSQL.ordersLeavingGold, StarSQL.ordersLeaving] + GoldSQL.facts + [GoldSQL.intervalCounts, StarSQL.factRows] + starOrders.statements)
                .map { ($0, interval) }
            statements.append((Reconciliation.landedCartsSQL, interval + ["[]"]))
            // The statements run as the builds run them, in order (EXPLAIN ANALYZE executes them), and are committed.
            try db.transaction {
                for (sql, params) in statements {
                    let plan = try #require(try db.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).string(0, 0))
                    let scans = try Self.rowsRead(plan: plan, tables: Set(dayRows.keys).union(["fct_orders", "fct_order_items", "fact_orders"]))
                    #expect(!scans.isEmpty, "no scan of an orders table: \(sql)")
                    for scan in scans {
                        let day = dayRows[scan.table.hasSuffix("order_items") ? "order_items" : "orders"]!
                        #expect(scan.rows <= 2 * day, "\(scan.table) read \(scan.rows) rows for a day of \(day): \(sql)")
                    }
                }
            }
            // customer_ltv (GoldSQL.lifetime, a full refresh in every build) reads the daily per-customer rows of the
            // 201 days, each at most once, and no row of an orders or lines table: PostgreSQL's counters of rows read
            // (pg_stat_xact_user_tables, as `intervalChecksOnly` reads them) stay at 0 for each. Computed from every
            // order, as it was before, it read all 201 days of gold.fct_orders.
            let ordersAndLines = Self.orderTables.map { $0.table }
            let dailyRows = try db.count("SELECT count(*) FROM gold.agg_customer_daily")
            let lifetimeRead: [String: Int] = try db.transaction {
                try db.execute("SET LOCAL enable_indexonlyscan = off")
                try db.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                let measured = ordersAndLines + ["gold.agg_customer_daily"]
                let readBefore = try Self.xactRowsRead(db, tables: measured)
                for sql in GoldSQL.lifetime { try db.execute(sql) }
                return try Self.xactRowsRead(db, tables: measured)
                    .reduce(into: [String: Int]()) { $0[$1.key] = $1.value - (readBefore[$1.key] ?? 0) }
            }
            for table in ordersAndLines {
                #expect(lifetimeRead[table] == 0, "customer_ltv read \(lifetimeRead[table] ?? -1) rows of \(table)")
            }
            let dailyRead = lifetimeRead["gold.agg_customer_daily"] ?? 0
            #expect(dailyRead > 0 && dailyRead <= dailyRows,
                    "customer_ltv read \(dailyRead) rows of gold.agg_customer_daily, which has \(dailyRows)")

            // GoldBuilder's counts, and a rebuild that changes no row of any table (after a first one; customer_ltv,
            // over the 201 days, is what the computation from every order gives).
            try GoldBuilder(connection: db).build(start: start, end: end)
            #expect(try Self.ltvDisagreement(db) == [nil, nil])
            let before = try DailyTimeModelTests.snapshot(db)
            #expect(try GoldBuilder(connection: db).build(start: start, end: end).orders == dayRows["orders"])
            #expect(try DailyTimeModelTests.snapshot(db) == before)
        }
    }

    @Test("an order whose time moved to the next day leaves its old day's facts and aggregates in gold, and the star")
    func movedOrder() throws {
        try Self.withBuiltDay { db, start, end in
            let next = (start: end, end: end.addingTimeInterval(86_400))
            let order = try #require(try db.execute("SELECT min(order_id) FROM silver.orders").string(0, 0))
            try db.execute("""
                UPDATE silver.orders SET order_ts = order_ts + interval '1 day', order_date = order_date + 1
                WHERE order_id = $1
                """, [order])

            let oldDay = try db.execute("SELECT orders, revenue::text FROM gold.agg_orders_daily WHERE order_date = '2026-10-17'")
            let moved = try db.execute("SELECT total_amount::text FROM gold.fct_orders WHERE order_id = $1", [order])
            let gold = try GoldBuilder(connection: db).build(start: next.start, end: next.end)
            let star = try StarBuilder(connection: db, rates: try testFXRates()).build(start: next.start, end: next.end)
            #expect(gold.orders == 1 && star.orders == 1)
            #expect(gold.movedOrderDays == [start])
            #expect(try Self.ltvDisagreement(db) == [nil, nil], "customer_ltv after an order moved to the next day")
            // The old day's aggregates no longer count it (built again from its remaining facts): every day's
            // facts and aggregates agree, and its order count and revenue dropped by the order's.
            let after = try db.execute("SELECT orders, revenue::text FROM gold.agg_orders_daily WHERE order_date = '2026-10-17'")
            #expect(try after.int(0, 0) == (try oldDay.int(0, 0) ?? 0) - 1)
            #expect(try after.decimal(0, 1) == (try oldDay.decimal(0, 1) ?? 0) - (try moved.decimal(0, 0) ?? 0))
            try QualityRunner(connection: db).run(QualityCheck.dailyAgreement(.warehouse), runId: "moved", start: next.start, end: next.end)
            let days = """
                SELECT (SELECT string_agg(DISTINCT order_date::text, ',') FROM gold.fct_orders WHERE order_id = $1),
                       (SELECT string_agg(DISTINCT order_date::text, ',') FROM gold.fct_order_items WHERE order_id = $1),
                       (SELECT string_agg(DISTINCT order_date::text, ',') FROM star.fact_orders WHERE order_id = $1)
                """
            func orderDays(_ order: String) throws -> [String?] { try db.execute(days, [order]).rows.first ?? [] }
            #expect(try orderDays(order) == ["2026-10-18", "2026-10-18", "2026-10-18"])
            // Its old day built again does not bring it back.
            try GoldBuilder(connection: db).build(start: start, end: end)
            try StarBuilder(connection: db, rates: try testFXRates()).build(start: start, end: end)
            #expect(try orderDays(order) == ["2026-10-18", "2026-10-18", "2026-10-18"])

            // Orders that leave the interval, a cart order for a day already built and a web order (with its events)
            // for one never built (whose hours the star has not got yet), land there when the interval is built
            // again: their facts, in gold and the star (the web order keeps its purchase's currency and amount), and
            // those days' order aggregates. The days' other orders are not touched: the first order, which silver
            // now places on 10-19, stays on 10-18 until one of those days is built.
            let leaving = try [("cart", 1), ("web", 8)].map { channel, days in
                let id = try #require(try db.execute(
                    "SELECT min(order_id) FROM silver.orders WHERE order_date = '2026-10-17' AND channel = $1", [channel]).string(0, 0))
                for table in ["silver.orders", "silver.events"] {
                    let (ts, date) = table == "silver.orders" ? ("order_ts", "order_date") : ("event_ts", "event_date")
                    try db.execute("""
                        UPDATE \(table) SET \(ts) = \(ts) + $2::int * interval '1 day', \(date) = \(date) + $2::int
                        WHERE order_id = $1
                        """, [id, days])
                }
                return id
            }
            let webAmount = "SELECT currency_key || ' ' || total_amount FROM star.fact_orders WHERE order_id = $1"
            let webBefore = try db.execute(webAmount, [leaving[1]]).string(0, 0)
            try db.execute("UPDATE silver.orders SET order_ts = order_ts + interval '1 day', order_date = order_date + 1 WHERE order_id = $1", [order])
            let rebuilt = try GoldBuilder(connection: db).build(start: start, end: end)
            try StarBuilder(connection: db, rates: try testFXRates()).build(start: start, end: end)
            #expect(rebuilt.movedOrderDays == [next.start, start.addingTimeInterval(8 * 86_400)])
            #expect(try orderDays(leaving[0]) == ["2026-10-18", "2026-10-18", "2026-10-18"])
            #expect(try orderDays(leaving[1]) == ["2026-10-25", "2026-10-25", "2026-10-25"])
            #expect(try db.execute(webAmount, [leaving[1]]).string(0, 0) == webBefore)
            #expect(try orderDays(order) == ["2026-10-18", "2026-10-18", "2026-10-18"])
            #expect(try db.count("SELECT orders FROM gold.agg_orders_daily WHERE order_date = '2026-10-18'") == 2)
            #expect(try db.count("SELECT orders FROM gold.agg_orders_daily WHERE order_date = '2026-10-25'") == 1)
            // Every day's order facts, aggregates and star agree (the moved events' days are not rebuilt: an event
            // model is built by its day's run, and the audit's events agreement would name 10-17 and 10-25).
            let orderAgreements = QualityCheck.dailyAgreement(.warehouse).filter { !$0.name.contains("events") }
            try QualityRunner(connection: db).run(orderAgreements + QualityCheck.starAgreement(.warehouse),
                                                  runId: "moved-out", start: start, end: end)
            // customer_ltv, summed from the daily per-customer rows, is what every order gives (the moved ones on
            // their new days, the days they left without them).
            #expect(try Self.ltvDisagreement(db) == [nil, nil], "customer_ltv after orders moved out of a day")
        }
    }

    /// The day's quality checks, as shopstream_daily runs them (`.interval`), each measured in a transaction on a
    /// warehouse with 200 other days of orders, lines, star orders and events and 20 of bronze messages: a check
    /// reads (PostgreSQL's pg_stat_xact_user_tables: rows read by sequential scans and fetched by index scans) of
    /// each of those tables at most three times the day's rows (a check may read a table twice: the landed-carts
    /// check reads the day's orders for its orders and for its lines), and finds nothing wrong. The same
    /// checks reaching the whole warehouse read every day, which the counters see (over 100 times the day's reads).
    @Test("a day's quality checks read that day's rows; the warehouse audit reads every day")
    func intervalChecksOnly() throws {
        try Self.withBuiltDay { db, start, end in
            let tables = ["silver.orders", "silver.order_items", "gold.fct_orders", "gold.fct_order_items",
                          "star.fact_orders", "silver.events", "bronze.raw_events"]
            var dayRows: [String: Int] = [:]
            for table in tables { dayRows[table] = try db.count("SELECT count(*) FROM \(table)") }
            try Self.copyToEarlierDays(db, Self.orderTables + [
                ("silver.events", ", event_id = 'day-' || n || '-' || event_id, event_ts = event_ts - n * interval '1 day', event_date = event_date - n", []),
            ], days: 200)
            try Self.copyToEarlierDays(db, [("bronze.raw_events", ", \"offset\" = \"offset\" + n * 1000000000::bigint", ["id"])], days: 20)

            let landed = Reconciliation.LandedCarts(try fixtureFetchResult(date: "2026-10-17"))
            func counts() throws -> [String: Int] { try Self.xactRowsRead(db, tables: tables) }
            /// Per check: rows read of each table (not counting a relationship's referenced table: the planner reads
            /// it whole when that costs less than a lookup per row, as for 52,000 orders here), and its result.
            func measured(_ reach: CheckReach) throws -> [(name: String, read: [String: Int], result: QualityResult)] {
                try (QualityCheck.shopStream(reach) + QualityCheck.starAgreement(reach) + [.landedCartsReconcile(landed)]).map { check in
                    try db.transaction {
                        // Every row an index finds is then read from the table, and every read is this backend's
                        // (a parallel worker's reads are counted in its own), so the counters see them all.
                        try db.execute("SET LOCAL enable_indexonlyscan = off")
                        try db.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                        let before = try counts()
                        let result = try QualityRunner(connection: db).measure(check, start: start, end: end)
                        var read = try counts().reduce(into: [:]) { $0[$1.key] = $1.value - (before[$1.key] ?? 0) }
                        if case let .relationships(_, _, referenced, _) = check.kind { read[referenced] = nil }
                        return (check.name, read, result)
                    }
                }
            }

            let daily = try measured(.interval)
            for (name, read, result) in daily {
                #expect(result.status == .pass, "\(name): \(result.details)")
                for (table, rows) in read {
                    #expect(rows <= 3 * dayRows[table]!, "\(name) read \(rows) rows of \(table), which has \(dayRows[table]!) a day")
                }
            }
            // The audit's row checks and daily agreements read the 201 days: over 100 times the day's reads.
            let audit = try measured(.warehouse)
            for name in ["silver.orders.customer_id not null", "gold.fct_orders.order_id unique",
                         "gold.fct_order_items.product_id → dim_products", "silver.events.event_type accepted",
                         "gold.agg_events_daily = silver.events per day", "star.fact_orders = gold.fct_orders per day"] {
                let day = try #require(daily.first { $0.name == name }).read.values.reduce(0, +)
                let all = try #require(audit.first { $0.name == name }).read.values.reduce(0, +)
                #expect(day > 0 && all > 100 * day, "\(name) read \(all) rows in the audit, \(day) for the day")
            }
        }
    }

    /// Rows of each of `tables` (schema.name) this transaction has read so far, by PostgreSQL's counters
    /// (pg_stat_xact_user_tables): rows read by sequential scans plus rows fetched by index scans.
    static func xactRowsRead(_ db: PGConnection, tables: [String]) throws -> [String: Int] {
        let counters = """
            SELECT schemaname || '.' || relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)
            FROM pg_stat_xact_user_tables WHERE schemaname || '.' || relname = ANY($1::text[])
            """
        let names = "{" + tables.joined(separator: ",") + "}"
        return Dictionary(try db.execute(counters, [names]).rows.map { ($0[0] ?? "", Int($0[1] ?? "") ?? 0) }) { a, _ in a }
    }

    /// gold.customer_ltv's rows that differ from the full computation over every order of gold.fct_orders, which is
    /// how gold built it before it summed gold.agg_customer_daily (the oracle: every customer of dim_customers, its
    /// orders counted and summed, round(avg(net_amount), 2), first and last order days, and the segments by the
    /// same quantiles of net revenue among customers with orders). Every column of every customer is compared, both
    /// ways: the rows only in customer_ltv, then the rows only in the oracle, as text; nil when there are none.
    static func ltvDisagreement(_ db: PGConnection) throws -> [String?] {
        try db.execute("""
            WITH from_orders AS (
                SELECT c.customer_id, count(o.order_id) AS orders, coalesce(sum(o.gross_amount), 0) AS gross_revenue,
                    coalesce(sum(o.net_amount), 0) AS net_revenue, round(avg(o.net_amount), 2) AS avg_order_value,
                    min(o.order_date) AS first_order_date, max(o.order_date) AS last_order_date
                FROM gold.dim_customers c LEFT JOIN gold.fct_orders o USING (customer_id)
                GROUP BY c.customer_id
            ), oracle AS (
                SELECT customer_id, orders, gross_revenue, net_revenue, avg_order_value, first_order_date,
                    last_order_date,
                    CASE WHEN orders = 0 THEN 'none' WHEN cume_dist() OVER w > 0.9 THEN 'vip'
                         WHEN cume_dist() OVER w > 0.7 THEN 'high' WHEN cume_dist() OVER w > 0.4 THEN 'medium'
                         ELSE 'low' END AS segment
                FROM from_orders WINDOW w AS (PARTITION BY orders > 0 ORDER BY net_revenue)
            ), ltv AS (
                SELECT customer_id, orders, gross_revenue, net_revenue, avg_order_value, first_order_date,
                    last_order_date, segment
                FROM gold.customer_ltv
            )
            SELECT (SELECT string_agg(r::text, '; ' ORDER BY r.customer_id) FROM (SELECT * FROM ltv EXCEPT SELECT * FROM oracle) r),
                   (SELECT string_agg(r::text, '; ' ORDER BY r.customer_id) FROM (SELECT * FROM oracle EXCEPT SELECT * FROM ltv) r)
            """).rows.first ?? []
    }

    /// The order tables' rows copied to earlier days: ids prefixed by the day, times and dates moved back.
    static let orderTables: [(table: String, moved: String, omit: Set<String>)] = [
        ("silver.orders", ", order_id = 'day-' || n || '-' || order_id, order_ts = order_ts - n * interval '1 day', order_date = order_date - n", []),
        ("silver.order_items", ", order_id = 'day-' || n || '-' || order_id", []),
        ("gold.fct_orders", ", order_id = 'day-' || n || '-' || order_id, order_ts = order_ts - n * interval '1 day', order_date = order_date - n", []),
        ("gold.fct_order_items", ", order_id = 'day-' || n || '-' || order_id, order_date = order_date - n", []),
        ("star.fact_orders", ", order_id = 'day-' || n || '-' || order_id, ts = ts - n * interval '1 day', order_date = order_date - n", []),
    ]

    /// Copies every row of each table to `days` earlier days (`n` = 1 ... days), changed by the SET clause `moved`
    /// (which starts with a comma; `n` is the day's number), without the columns `omit` (they take their defaults).
    static func copyToEarlierDays(_ db: PGConnection, _ copies: [(table: String, moved: String, omit: Set<String>)],
                                  days: Int) throws {
        for (table, moved, omit) in copies {
            let all = try db.execute("""
                SELECT quote_ident(column_name) FROM information_schema.columns
                WHERE table_schema || '.' || table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position
                """, [table]).rows.compactMap { $0[0] }
            let columns = all.filter { !omit.contains($0) }.joined(separator: ", ")
            try db.executeScript("""
                CREATE TEMP TABLE earlier AS SELECT \(columns), g.n FROM \(table) t, generate_series(1, \(days)) AS g(n);
                UPDATE earlier SET n = n\(moved);
                INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM earlier;
                DROP TABLE earlier;
                ANALYZE \(table);
                """)
        }
    }

    /// 2026-10-17 run through every step (`DailyTimeModelTests.runDay`) in a fresh warehouse; `body` gets its interval.
    static func withBuiltDay(_ body: (PGConnection, Date, Date) throws -> Void) throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("interval-reads")
            defer { dir.cleanup() }
            let (start, end) = try DailyTimeModelTests.runDay(
                "2026-10-17", db: db, log: try SegmentEventLog(directory: dir.path + "/events"), dataDir: dir.path)
            try body(db, start, end)
        }
    }

    /// Per scan of one of `tables` in an EXPLAIN (ANALYZE, FORMAT JSON) plan: the rows it returned or removed by a
    /// filter or a recheck, times its loops.
    static func rowsRead(plan: String, tables: Set<String>) throws -> [(table: String, rows: Int)] {
        func number(_ node: [String: Any], _ key: String) -> Double { (node[key] as? NSNumber)?.doubleValue ?? 0 }
        func scans(_ node: [String: Any]) throws -> [(table: String, rows: Int)] {
            var found: [(table: String, rows: Int)] = []
            if let table = node["Relation Name"] as? String, tables.contains(table),
               (node["Node Type"] as? String)?.hasSuffix("Scan") == true {
                let returned = try #require(node["Actual Rows"] as? NSNumber).doubleValue
                let loops = try #require(node["Actual Loops"] as? NSNumber).doubleValue
                let removed = number(node, "Rows Removed by Filter") + number(node, "Rows Removed by Index Recheck")
                found.append((table, Int(((returned + removed) * loops).rounded())))
            }
            return try found + (node["Plans"] as? [[String: Any]] ?? []).flatMap(scans)
        }
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]])
        return try entries.compactMap { $0["Plan"] as? [String: Any] }.flatMap(scans)
    }
}
