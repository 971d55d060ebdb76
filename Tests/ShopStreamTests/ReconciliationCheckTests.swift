import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// The reconciliation checks catch what passed silently before: gold built for a window that is not the one the
/// data was produced for, and an aggregate left stale after its facts changed.
@Suite("Reconciliation checks")
struct ReconciliationCheckTests {
    static let day = Date(timeIntervalSince1970: 1_793_491_200) // 2026-11-01T00:00:00Z

    static func producedDay(_ db: PGConnection, _ dir: TemporaryDirectory) throws -> FetchResult {
        let fetched = try fixtureFetchResult(date: "2026-11-01")
        let log = try SegmentEventLog(directory: dir.path + "/events")
        _ = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dir.path, date: "2026-11-01",
                                       clickstreamEvents: 0)
        try BronzeLoader(connection: db, log: log).load(consumer: "shopstream")
        try SilverBuilder(connection: db).build()
        return fetched
    }

    @Test("gold built and checked for the produced day reconciles to the cent")
    func reconciles() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("reconcile-ok")
            defer { dir.cleanup() }
            let fetched = try Self.producedDay(db, dir)
            let end = Self.day.addingTimeInterval(86_400)
            try GoldBuilder(connection: db).build(start: Self.day, end: end)
            let results = try QualityRunner(connection: db).run([.landedCartsReconcile(.init(fetched))] + QualityCheck.dailyAgreement(.interval),
                                                                runId: "ok", start: Self.day, end: end)
            #expect(results.allSatisfy { $0.status == .pass })
            #expect(results[0].details.contains("paid landed 3456709.58, gold 3456709.58"))
        }
    }

    @Test("a window shifted to 12:46 (the old manual-run bug) fails the landed reconciliation")
    func shiftedWindowFails() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("reconcile-shift")
            defer { dir.cleanup() }
            let fetched = try Self.producedDay(db, dir)
            let start = Self.day.addingTimeInterval(12 * 3600 + 46 * 60), end = start.addingTimeInterval(86_400)
            try GoldBuilder(connection: db).build(start: start, end: end)
            do {
                try QualityRunner(connection: db).run([.landedCartsReconcile(.init(fetched))], runId: "shifted",
                                                      start: start, end: end)
                Issue.record("a shifted window must not reconcile")
            } catch let failure as QualityCheckFailure {
                #expect(failure.failed.count == 1)
                #expect(failure.failed[0].observed == "4") // orders, lines, paid and gross all differ
                #expect(failure.failed[0].details.contains("orders landed 208, gold "))
            }
        }
    }

    @Test("a stale aggregate fails the daily agreement of its day, and the warehouse audit of any later day")
    func staleAggregateFails() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("reconcile-stale")
            defer { dir.cleanup() }
            _ = try Self.producedDay(db, dir)
            let end = Self.day.addingTimeInterval(86_400)
            try GoldBuilder(connection: db).build(start: Self.day, end: end)
            try db.execute("UPDATE gold.agg_orders_daily SET orders = orders + 1, revenue = revenue + 10 WHERE order_date = '2026-11-01'")
            try db.execute("UPDATE gold.product_performance SET units = units + 1 WHERE order_date = '2026-11-01' AND product_id = (SELECT min(product_id) FROM gold.product_performance)")
            let stale: Set = ["gold.agg_orders_daily = gold.fct_orders per day", "gold.product_performance = gold.fct_order_items per day"]
            let later = end.addingTimeInterval(3 * 86_400)
            func failed(_ reach: CheckReach, _ start: Date) throws -> [QualityResult] {
                do {
                    try QualityRunner(connection: db).run(QualityCheck.dailyAgreement(reach), runId: "stale-\(reach)",
                                                          start: start, end: start.addingTimeInterval(86_400))
                    return []
                } catch let failure as QualityCheckFailure {
                    return failure.failed
                }
            }
            // The day's own checks see it.
            let own = try failed(.interval, Self.day)
            #expect(Set(own.map(\.name)) == stale)
            #expect(own.allSatisfy { $0.details.contains("2026-11-01") })
            // A later day's checks read that day only; its audit reads every day and names 2026-11-01.
            #expect(try failed(.interval, later).isEmpty)
            let audit = try failed(.warehouse, later)
            #expect(Set(audit.map(\.name)) == stale)
            #expect(audit.allSatisfy { $0.details.contains("2026-11-01") })
        }
    }
}
