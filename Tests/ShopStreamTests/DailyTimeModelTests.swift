import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// The time model for a static source: each day's fetch is that day's activity (a cart fetched for a day is a fresh
/// order placed that day, its date in its key). Runs five consecutive days through the real producer and every
/// warehouse step, then re-runs the second and the fourth: every silver and gold row of all five days is unchanged,
/// and facts agree with aggregates on each day.
@Suite("Five days, re-runs change nothing")
struct DailyTimeModelTests {
    static let days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]

    /// One day as shopstream_daily runs it: produce (idempotent per day), load bronze, silver, gold, every check.
    @discardableResult
    static func runDay(_ day: String, db: PGConnection, log: SegmentEventLog, dataDir: String) throws -> (start: Date, end: Date) {
        let date = try LogicalDate(day)
        let fetched = try fixtureFetchResult(date: day)
        _ = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dataDir, date: day, clickstreamEvents: 1_500,
                                           fxRates: try testFXRates())
        try BronzeLoader(connection: db, log: log).load(consumer: "shopstream")
        try SilverBuilder(connection: db).build()
        let start = Date(timeIntervalSince1970: Double(date.startMillis) / 1000)
        let end = Date(timeIntervalSince1970: Double(date.endMillis) / 1000)
        try GoldBuilder(connection: db).build(start: start, end: end)
        try StarBuilder(connection: db, rates: try testFXRates()).build(start: start, end: end)
        try QualityRunner(connection: db).run(QualityCheck.shopStream(.interval) + QualityCheck.starAgreement(.interval)
                                                  + [.landedCartsReconcile(.init(fetched))],
                                              runId: "run-\(day)", start: start, end: end)
        return (start, end)
    }

    /// Every row of every silver, gold and star table, hashed per table in a fixed order.
    static func snapshot(_ db: PGConnection) throws -> [String: String] {
        let tables = try db.execute("""
            SELECT table_schema || '.' || table_name FROM information_schema.tables
            WHERE table_schema IN ('silver', 'gold', 'star') AND table_type = 'BASE TABLE' ORDER BY 1
            """).rows.compactMap { $0[0] }
        var out: [String: String] = [:]
        for table in tables {
            out[table] = try db.execute(
                "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(table) t"
            ).string(0, 0)
        }
        return out
    }

    @Test func fiveDaysThenRerunsOfTheSecondAndFourth() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("five-days")
            defer { dir.cleanup() }
            let log = try SegmentEventLog(directory: dir.path + "/events")
            for day in Self.days { try Self.runDay(day, db: db, log: log, dataDir: dir.path) }

            // Every day holds its own 208 cart orders and 800 lines, paid and gross to the cent.
            let perDay = try db.execute("""
                SELECT order_date::text, count(*), sum(total_amount)::text, sum(gross_amount)::text,
                       (SELECT count(*) FROM gold.fct_order_items i WHERE i.order_date = o.order_date AND i.channel = 'cart')
                FROM gold.fct_orders o WHERE channel = 'cart' GROUP BY order_date ORDER BY 1
                """)
            #expect(perDay.rows.map { $0[0] ?? "" } == Self.days)
            for row in perDay.rows {
                #expect(row[1] == "208" && row[2] == "3456709.58" && row[3] == "3834278.63" && row[4] == "800")
            }
            // Facts equal aggregates per day.
            let disagree = try db.count("""
                SELECT count(*) FROM (SELECT order_date, count(*) n, sum(total_amount) r FROM gold.fct_orders GROUP BY 1) f
                FULL JOIN gold.agg_orders_daily a USING (order_date)
                WHERE f.n IS DISTINCT FROM a.orders OR f.r IS DISTINCT FROM a.revenue
                """)
            #expect(disagree == 0)
            #expect(try db.count("SELECT count(*) FROM gold.agg_orders_daily") == 5)
            // customer_ltv, summed from the five days' per-customer rows, is what every order of the five days gives.
            #expect(try IntervalReadsTests.ltvDisagreement(db) == [nil, nil])

            let before = try Self.snapshot(db)
            #expect(before.count >= 25)
            try Self.runDay("2026-11-02", db: db, log: log, dataDir: dir.path)
            try Self.runDay("2026-11-04", db: db, log: log, dataDir: dir.path)
            let after = try Self.snapshot(db)
            for table in before.keys.sorted() {
                #expect(after[table] == before[table], "\(table) changed after re-running 2026-11-02 and 2026-11-04")
            }
        }
    }

    @Test("segments come from quantiles of lifetime revenue, not one bucket for everyone")
    func segmentsAreQuantiles() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("segments")
            defer { dir.cleanup() }
            let log = try SegmentEventLog(directory: dir.path + "/events")
            try Self.runDay("2026-11-01", db: db, log: log, dataDir: dir.path)
            let segments = try db.execute("""
                SELECT segment, count(*) FROM gold.customer_ltv WHERE orders > 0 GROUP BY 1 ORDER BY 1
                """).rows.reduce(into: [String: Int]()) { $0[$1[0] ?? ""] = Int($1[1] ?? "0") }
            let buyers = segments.values.reduce(0, +)
            #expect(Set(segments.keys) == ["low", "medium", "high", "vip"])
            // vip is the top decile (ties may add a few).
            #expect(Double(segments["vip"] ?? 0) / Double(buyers) <= 0.12)
            #expect(Double(segments["low"] ?? 0) / Double(buyers) >= 0.35)
        }
    }
}
