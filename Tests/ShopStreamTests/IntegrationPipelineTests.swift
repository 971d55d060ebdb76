import Foundation
import OrchPostgres
import Testing
@testable import ShopStream
import ShopStreamSourceServer

/// shopstream_daily end to end at library level: the snapshot served by a real DummyJSONServer on loopback,
/// the real fetcher and producer, an on-disk SegmentEventLog, and a fresh PostgreSQL database per test.
@Suite("Integration: fetch → produce → bronze → silver → gold → checks")
struct IntegrationPipelineTests {
    static let date = "2026-11-20"

    private func withPipeline<T>(faults: Faults = .none, _ body: (IntegrationHarness, DummyJSONServer) throws -> T) throws -> T {
        let dir = try TemporaryDirectory("integration")
        defer { dir.cleanup() }
        return try withServer(faults: faults) { server in
            try WarehouseTestDB.withDatabase { db, _ in
                try body(IntegrationHarness(baseURL: server.baseURL, dataDir: dir.path, db: db), server)
            }
        }
    }

    @Test func snapshotWithoutClickstreamMatchesTheSourceAndARerunChangesNothing() throws {
        try withPipeline { h, _ in
            let day = try h.runDay(Self.date, clickstreamEvents: 0)
            let customers = try SnapshotTruth.count("users"), products = try SnapshotTruth.count("products")
            let carts = try SnapshotTruth.count("carts")
            let truth = try SnapshotTruth.cartTotals(h.db)
            // The figures, which the snapshot itself must agree with.
            #expect(customers == 208 && products == 194 && carts == 208 && truth.lines == 800)
            #expect(day.fetched.counts == ["users": customers, "products": products, "carts": carts,
                                           "posts": try SnapshotTruth.count("posts")])
            #expect(day.produced.ordersByChannel == ["cart": carts, "web": 0])
            #expect(day.bronze.deadLetters == 0 && day.bronze.loaded == day.bronze.read)

            let db = h.db
            #expect(try db.count("SELECT count(*) FROM silver.customers") == customers)
            #expect(try db.count("SELECT count(*) FROM silver.products") == products)
            #expect(try db.count("SELECT count(*) FROM silver.orders WHERE channel = 'cart'") == carts)
            #expect(try db.count("SELECT count(*) FROM silver.orders") == carts)
            #expect(try db.count("SELECT count(*) FROM silver.order_items") == truth.lines)
            #expect(try db.count("SELECT count(*) FROM silver.quarantine") == 0)
            #expect(try db.count("SELECT count(*) FROM gold.dim_customers") == customers)
            #expect(try db.count("SELECT count(*) FROM gold.dim_products") == products)
            #expect(try db.count("SELECT count(*) FROM gold.fct_orders") == carts)
            #expect(try db.count("SELECT count(*) FROM gold.fct_order_items") == truth.lines)
            #expect(day.gold.orders == carts && day.gold.orderItems == truth.lines)

            // Revenue: what was paid (discountedTotal) and the gross amount (total), from the carts file.
            #expect(day.gold.netRevenue == truth.net)
            #expect(day.gold.grossRevenue == truth.gross)
            let fct = try db.execute("SELECT sum(net_amount)::text, sum(gross_amount)::text FROM gold.fct_orders")
            #expect(try fct.decimal(0, 0) == truth.net && fct.decimal(0, 1) == truth.gross)
            #expect(try db.execute("SELECT sum(revenue)::text FROM gold.agg_orders_daily").decimal(0, 0) == truth.net)
            #expect(try db.count("SELECT count(*) FROM gold.daily_funnel WHERE view_sessions > 0") == 0)
            #expect(!day.checks.isEmpty && day.checks.allSatisfy { $0.status == .pass })

            // A second run of the same date, every task again: nothing changes anywhere.
            let gold = try TableFingerprint.of(db, schema: "gold", tables: TableFingerprint.goldTables)
            let silver = try TableFingerprint.of(db, schema: "silver", tables: TableFingerprint.silverTables)
            let bronzeRows = try db.count("SELECT count(*) FROM bronze.raw_events")
            let again = try h.runDay(Self.date, clickstreamEvents: 0)
            #expect(again.produced.alreadyProduced)
            #expect(again.bronze.read == 0 && again.bronze.loaded == 0)
            #expect(again.silver == SilverBuildResult())
            #expect(again.checks.allSatisfy { $0.status == .pass })
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events") == bronzeRows)
            #expect(try TableFingerprint.of(db, schema: "silver", tables: TableFingerprint.silverTables) == silver)
            #expect(try TableFingerprint.of(db, schema: "gold", tables: TableFingerprint.goldTables) == gold)
        }
    }

    @Test func clickstreamPurchasesBecomeWebOrdersAndTheFunnelMatchesTheEvents() throws {
        try withPipeline { h, _ in
            let day = try h.runDay(Self.date, clickstreamEvents: 5_000)
            let p = day.produced
            let db = h.db
            let carts = try SnapshotTruth.count("carts")
            let purchases = try #require(p.eventTypes["purchase"])
            #expect(purchases > 0 && p.sessions > 0)
            #expect(p.eventTypes.filter { $0.key != "post_published" }.values.reduce(0, +) == 5_000)
            #expect(p.ordersByChannel == ["cart": carts, "web": purchases])

            // Purchases became orders, told apart by channel, in silver and gold.
            #expect(try db.count("SELECT count(*) FROM silver.orders WHERE channel = 'web'") == purchases)
            #expect(try db.count("SELECT count(*) FROM silver.orders WHERE channel = 'cart'") == carts)
            #expect(try db.count("SELECT count(*) FROM gold.fct_orders WHERE channel = 'web'") == purchases)
            #expect(try db.count("SELECT count(*) FROM gold.fct_orders WHERE channel = 'cart'") == carts)
            #expect(day.gold.orders == carts + purchases)
            // Every web order is tied to the session that bought.
            #expect(try db.count("""
                SELECT count(*) FROM silver.orders o JOIN silver.events e
                  ON e.order_id = o.order_id AND e.event_type = 'purchase' AND e.session_id = o.session_id
                WHERE o.channel = 'web'
                """) == purchases)
            // The cart channel's revenue is still exactly the carts file.
            let truth = try SnapshotTruth.cartTotals(db)
            let cartRevenue = try db.execute("""
                SELECT sum(net_amount)::text, sum(gross_amount)::text FROM gold.fct_orders WHERE channel = 'cart'
                """)
            #expect(try cartRevenue.decimal(0, 0) == truth.net && cartRevenue.decimal(0, 1) == truth.gross)

            // Events per type in gold equal what produce wrote.
            for (type, n) in p.eventTypes {
                #expect(try db.count("SELECT coalesce(sum(events), 0)::int FROM gold.agg_events_daily WHERE event_type = $1", [type]) == n,
                        "agg_events_daily \(type)")
            }
            // The funnel counts sessions per step. Every simulated session starts with a page view and has at
            // most one checkout and one purchase; sessions that added to cart are counted from the log itself.
            let log = try SegmentEventLog(directory: h.eventLogDirectory)
            var cartSessions = Set<String>()
            for record in try allRecords(log, topic: "events") {
                let object = try JSONSerialization.jsonObject(with: Data(record.payload)) as? [String: Any]
                if object?["event_type"] as? String == "add_to_cart", let s = object?["session_id"] as? String {
                    cartSessions.insert(s)
                }
            }
            let funnel = try db.execute("""
                SELECT view_sessions, cart_sessions, checkout_sessions, purchase_sessions, overall_conversion_rate::text
                FROM gold.daily_funnel WHERE event_date = $1::date
                """, [Self.date])
            #expect(funnel.rows.count == 1)
            #expect(try funnel.int(0, 0) == p.sessions)
            #expect(try funnel.int(0, 1) == cartSessions.count)
            #expect(try funnel.int(0, 2) == p.eventTypes["checkout"])
            #expect(try funnel.int(0, 3) == purchases)
            let rate = (Decimal(purchases) / Decimal(p.sessions) as NSDecimalNumber)
                .rounding(accordingToBehavior: NSDecimalNumberHandler(roundingMode: .plain, scale: 4, raiseOnExactness: false,
                                                                      raiseOnOverflow: false, raiseOnUnderflow: false,
                                                                      raiseOnDivideByZero: false))
            #expect(try funnel.decimal(0, 4) == rate.decimalValue)
            #expect(try db.count("SELECT count(*) FROM gold.sessions") == p.sessions)
            #expect(try db.count("SELECT count(*) FROM gold.sessions WHERE converted") == purchases)
            #expect(day.checks.allSatisfy { $0.status == .pass })

            // Re-running the day with the clickstream on changes nothing either.
            let gold = try TableFingerprint.of(db, schema: "gold", tables: TableFingerprint.goldTables)
            let again = try h.runDay(Self.date, clickstreamEvents: 5_000)
            #expect(again.produced.alreadyProduced && again.bronze.loaded == 0)
            #expect(try TableFingerprint.of(db, schema: "gold", tables: TableFingerprint.goldTables) == gold)
        }
    }

    @Test func malformedPageFailsFetchClearlyAndLandsNothing() throws {
        let faults = Faults(rules: [.init(.wrongShape, requests: .numbers([2]), resource: .carts)])
        try withPipeline(faults: faults) { h, server throws in
            let error = #expect(throws: SourceError.self) { try h.runDay(Self.date, clickstreamEvents: 1_000) }
            #expect(error?.kind == .malformedPage)
            #expect(error?.message == "carts page skip=100: expected key 'carts' to be an array")
            // Nothing landed, nothing produced, nothing loaded.
            let landing = (try? FileManager.default.contentsOfDirectory(atPath: h.dataDir + "/landing")) ?? []
            #expect(landing.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: h.eventLogDirectory))
            #expect((try? SourceLanding.read(dataDir: h.dataDir, date: Self.date)) == nil, "no landing to read")
            #expect(try h.db.count("SELECT count(*) FROM bronze.raw_events") == 0)
            #expect(try h.db.count("SELECT count(*) FROM silver.orders") == 0)
            #expect(server.requestLog.contains { $0.path.hasPrefix("/carts") })
        }
    }

    @Test func malformedPageOnARerunKeepsTheEarlierLanding() throws {
        // A good landing exists for the date; a later fetch of the same date that meets a malformed page
        // must fail without touching it (landing is swapped in only after every resource validated).
        let dir = try TemporaryDirectory("integration-rerun")
        defer { dir.cleanup() }
        try WarehouseTestDB.withDatabase { db, _ in
            let manifestPath = dir.path + "/landing/\(Self.date)/manifest.json"
            try withServer { server in
                _ = try IntegrationHarness(baseURL: server.baseURL, dataDir: dir.path, db: db).fetch(Self.date)
            }
            let before = try #require(FileManager.default.contents(atPath: manifestPath))
            let faults = Faults(rules: [.init(.wrongShape, requests: .numbers([1]), resource: .posts)])
            try withServer(faults: faults) { server in
                let error = #expect(throws: SourceError.self) {
                    try IntegrationHarness(baseURL: server.baseURL, dataDir: dir.path, db: db).fetch(Self.date)
                }
                #expect(error?.description.contains("posts page skip=0") == true)
            }
            #expect(FileManager.default.contents(atPath: manifestPath) == before)
            #expect(try SourceLanding.read(dataDir: dir.path, date: Self.date).counts["carts"] == 208)
        }
    }
}
