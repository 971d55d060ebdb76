import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// A day's gold and star read that day's orders, not every day's: on a warehouse with many other days, each
/// statement that selects an interval's orders reads about as many order rows as the day has (EXPLAIN ANALYZE: what
/// every scan of silver.orders and gold.fct_orders returned or filtered out, times its loops).
@Suite("Interval reads")
struct IntervalReadsTests {
    @Test("gold's facts and counts, the star's orders and the landed-carts check read only the interval's orders")
    func intervalOrdersOnly() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("interval-reads")
            defer { dir.cleanup() }
            let day = try LogicalDate("2026-10-17")
            try DailyTimeModelTests.runDay(day.description, db: db, log: try SegmentEventLog(directory: dir.path + "/events"),
                                           dataDir: dir.path)
            let start = Date(timeIntervalSince1970: Double(day.startMillis) / 1000)
            let end = Date(timeIntervalSince1970: Double(day.endMillis) / 1000)
            let dayOrders = try db.count("SELECT count(*) FROM silver.orders")
            #expect(dayOrders > 0)

            // 200 earlier days holding the same orders, in silver and in gold.
            for table in ["silver.orders", "gold.fct_orders"] {
                try db.executeScript("""
                    CREATE TEMP TABLE earlier AS SELECT t.*, g.n FROM \(table) t, generate_series(1, 200) AS g(n);
                    UPDATE earlier SET order_id = 'day-' || n || '-' || order_id, order_ts = order_ts - n * interval '1 day',
                        order_date = order_date - n;
                    ALTER TABLE earlier DROP COLUMN n;
                    INSERT INTO \(table) SELECT * FROM earlier;
                    DROP TABLE earlier;
                    ANALYZE \(table);
                    """)
            }

            let interval: [(any PGValue)?] = [start, end]
            var statements = GoldSQL.facts.map { ($0, interval) }
            statements.append((StarSQL.factRows, interval))
            let starOrders = try #require(StarSQL.facts.first { $0.table == "star.fact_orders" })
            statements += starOrders.statements.map { ($0, interval) }
            statements.append((Reconciliation.landedCartsSQL, interval + ["[]"]))
            try db.transaction {
                for (sql, params) in statements {
                    let plan = try #require(try db.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).string(0, 0))
                    let read = try orderRowsRead(plan: plan)
                    #expect(read <= 4 * dayOrders, "read \(read) order rows for a day of \(dayOrders): \(sql)")
                }
            }
            // GoldBuilder's own counts, and a rebuild that changes no row of any table (after one that brings
            // customer_ltv up to the earlier days).
            try GoldBuilder(connection: db).build(start: start, end: end)
            let before = try DailyTimeModelTests.snapshot(db)
            #expect(try GoldBuilder(connection: db).build(start: start, end: end).orders == dayOrders)
            #expect(try DailyTimeModelTests.snapshot(db) == before)
        }
    }

    /// Rows the scans of silver.orders and gold.fct_orders read in an EXPLAIN (ANALYZE, FORMAT JSON) plan: returned,
    /// removed by a filter or by a recheck, times the scan's loops.
    func orderRowsRead(plan: String) throws -> Int {
        func number(_ node: [String: Any], _ key: String) -> Double { (node[key] as? NSNumber)?.doubleValue ?? 0 }
        func read(_ node: [String: Any]) -> Double {
            var rows = 0.0
            if let relation = node["Relation Name"] as? String, ["orders", "fct_orders"].contains(relation),
               (node["Node Type"] as? String)?.hasSuffix("Scan") == true {
                rows = (number(node, "Actual Rows") + number(node, "Rows Removed by Filter")
                        + number(node, "Rows Removed by Index Recheck")) * max(number(node, "Actual Loops"), 1)
            }
            return rows + (node["Plans"] as? [[String: Any]] ?? []).reduce(0) { $0 + read($1) }
        }
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]])
        return Int(entries.compactMap { $0["Plan"] as? [String: Any] }.reduce(0) { $0 + read($1) })
    }
}
