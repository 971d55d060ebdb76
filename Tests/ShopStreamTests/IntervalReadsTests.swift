import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// A day's gold and star read that day's orders, not every day's, and move an order whose time moved to another day.
@Suite("Interval reads")
struct IntervalReadsTests {
    /// On a warehouse with 200 other days, each statement that selects an interval's orders reads about as many order
    /// (and line) rows as the day has: under EXPLAIN ANALYZE, every scan of an orders or lines table returns or filters
    /// out at most twice the day's rows (a scan of every day would read 201 times them).
    @Test("gold's facts and counts, the star's orders and the landed-carts check read only the interval's orders")
    func intervalOrdersOnly() throws {
        try Self.withBuiltDay { db, start, end in
            let dayRows = ["orders": try db.count("SELECT count(*) FROM silver.orders"),
                           "order_items": try db.count("SELECT count(*) FROM silver.order_items")]
            #expect(dayRows["orders"]! > 0 && dayRows["order_items"]! > 0)

            // 200 earlier days holding the same orders and lines, in silver and in gold.
            let earlier: [(table: String, moved: String)] = [
                ("silver.orders", ", order_ts = order_ts - n * interval '1 day', order_date = order_date - n"),
                ("silver.order_items", ""),
                ("gold.fct_orders", ", order_ts = order_ts - n * interval '1 day', order_date = order_date - n"),
                ("gold.fct_order_items", ", order_date = order_date - n"),
            ]
            for (table, moved) in earlier {
                let columns = try #require(try db.execute("""
                    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
                    WHERE table_schema || '.' || table_name = $1 AND is_generated = 'NEVER'
                    """, [table]).string(0, 0))
                try db.executeScript("""
                    CREATE TEMP TABLE earlier AS SELECT \(columns), g.n FROM \(table) t, generate_series(1, 200) AS g(n);
                    UPDATE earlier SET order_id = 'day-' || n || '-' || order_id\(moved);
                    INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM earlier;
                    DROP TABLE earlier;
                    ANALYZE \(table);
                    """)
            }

            let interval: [(any PGValue)?] = [start, end]
            let starOrders = try #require(StarSQL.facts.first { $0.table == "star.fact_orders" })
            var statements = (GoldSQL.facts + [GoldSQL.intervalCounts, StarSQL.factRows] + starOrders.statements)
                .map { ($0, interval) }
            statements.append((Reconciliation.landedCartsSQL, interval + ["[]"]))
            // The statements run as the builds run them, in order (EXPLAIN ANALYZE executes them), and are committed.
            try db.transaction {
                for (sql, params) in statements {
                    let plan = try #require(try db.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).string(0, 0))
                    let scans = try Self.rowsRead(plan: plan, tables: Set(dayRows.keys).union(["fct_orders", "fct_order_items"]))
                    #expect(!scans.isEmpty, "no scan of an orders table: \(sql)")
                    for scan in scans {
                        let day = dayRows[scan.table.replacingOccurrences(of: "fct_", with: "")]!
                        #expect(scan.rows <= 2 * day, "\(scan.table) read \(scan.rows) rows for a day of \(day): \(sql)")
                    }
                }
            }
            // GoldBuilder's counts, and a rebuild that changes no row of any table (after one that brings
            // customer_ltv up to the earlier days).
            try GoldBuilder(connection: db).build(start: start, end: end)
            let before = try DailyTimeModelTests.snapshot(db)
            #expect(try GoldBuilder(connection: db).build(start: start, end: end).orders == dayRows["orders"])
            #expect(try DailyTimeModelTests.snapshot(db) == before)
        }
    }

    @Test("an order whose time moved to the next day leaves its old day in gold and in the star")
    func movedOrder() throws {
        try Self.withBuiltDay { db, start, end in
            let next = (start: end, end: end.addingTimeInterval(86_400))
            let order = try #require(try db.execute("SELECT min(order_id) FROM silver.orders").string(0, 0))
            try db.execute("""
                UPDATE silver.orders SET order_ts = order_ts + interval '1 day', order_date = order_date + 1
                WHERE order_id = $1
                """, [order])

            let gold = try GoldBuilder(connection: db).build(start: next.start, end: next.end)
            let star = try StarBuilder(connection: db, rates: try testFXRates()).build(start: next.start, end: next.end)
            #expect(gold.orders == 1 && star.orders == 1)
            let days = """
                SELECT (SELECT string_agg(DISTINCT order_date::text, ',') FROM gold.fct_orders WHERE order_id = $1),
                       (SELECT string_agg(DISTINCT order_date::text, ',') FROM gold.fct_order_items WHERE order_id = $1),
                       (SELECT string_agg(DISTINCT order_date::text, ',') FROM star.fact_orders WHERE order_id = $1)
                """
            func orderDays() throws -> [String?] { try db.execute(days, [order]).rows.first ?? [] }
            #expect(try orderDays() == ["2026-10-18", "2026-10-18", "2026-10-18"])
            // Its old day built again does not bring it back.
            try GoldBuilder(connection: db).build(start: start, end: end)
            try StarBuilder(connection: db, rates: try testFXRates()).build(start: start, end: end)
            #expect(try orderDays() == ["2026-10-18", "2026-10-18", "2026-10-18"])
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
