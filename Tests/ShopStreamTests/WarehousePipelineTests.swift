import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// load_bronze → silver → gold → quality on the DummyJSON snapshot, clickstream volume 0.
@Suite("Warehouse pipeline on the snapshot")
struct WarehousePipelineTests {
    static let day = Date(timeIntervalSince1970: 1_795_132_800) // 2026-11-20T00:00:00Z
    static let next = day.addingTimeInterval(86_400)

    /// A fingerprint of every gold table (ordered rows hashed), to prove a re-run changes nothing.
    func goldFingerprint(_ db: PGConnection) throws -> [String: String] {
        var out: [String: String] = [:]
        for table in ["dim_customers", "dim_products", "dim_date", "fct_orders", "fct_order_items", "agg_orders_daily",
                      "agg_events_daily", "daily_funnel", "customer_ltv", "product_performance", "revenue_by_category", "sessions"] {
            out[table] = try db.execute("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM gold.\(table) t").string(0, 0)
        }
        return out
    }

    @Test func snapshotCountsRevenueAndIdempotentRerun() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try WarehouseFixtureProducer.produce(into: log, dayStartMillis: Int64(Self.day.timeIntervalSince1970 * 1000))

            let bronze = try BronzeLoader(connection: db, log: log).load(consumer: "shopstream")
            #expect(bronze.loaded == 208 + 194 + 208 + 251 && bronze.deadLetters == 0)

            let silver = try SilverBuilder(connection: db).build()
            #expect(silver.customers.upserted == 208 && silver.products.upserted == 194)
            #expect(silver.orders.upserted == 208 && silver.orderItems == 800)
            #expect(silver.customers.quarantined + silver.products.quarantined + silver.orders.quarantined + silver.events.quarantined == 0)
            #expect(try db.count("SELECT count(*) FROM silver.orders WHERE channel = 'cart'") == 208)

            let gold = try GoldBuilder(connection: db).build(start: Self.day, end: Self.next)
            #expect(gold.orders == 208 && gold.orderItems == 800 && gold.customers == 208 && gold.products == 194)
            // Expected revenue straight from the snapshot file, summed by PostgreSQL from its text.
            let expected = try db.execute("""
                SELECT sum((c->>'discountedTotal')::numeric)::text, sum((c->>'total')::numeric)::text,
                       sum(jsonb_array_length(c->'products'))::int
                FROM jsonb_array_elements($1::jsonb) c
                """, [try WarehouseFixtureProducer.rawText("carts")])
            #expect(gold.netRevenue == (try expected.decimal(0, 0)))
            #expect(gold.grossRevenue == (try expected.decimal(0, 1)))
            #expect(try expected.int(0, 2) == 800)
            #expect(try db.execute("SELECT sum(revenue)::text FROM gold.agg_orders_daily").decimal(0, 0) == (try expected.decimal(0, 0)))
            #expect(try db.execute("SELECT sum(net_revenue)::text FROM gold.revenue_by_category").decimal(0, 0) == (try expected.decimal(0, 0)))
            #expect(try db.count("SELECT count(*) FROM gold.customer_ltv WHERE orders = 1") == 208)
            #expect(try db.count("SELECT view_sessions FROM gold.daily_funnel WHERE event_date = '2026-11-20'") == 0)

            let results = try QualityRunner(connection: db).run(QualityCheck.shopStream(.interval), runId: "run-1", start: Self.day, end: Self.next)
            #expect(results.allSatisfy { $0.status == .pass })
            #expect(try db.count("SELECT count(*) FROM quality.check_results WHERE run_id = 'run-1' AND status = 'pass'") == QualityCheck.shopStream(.interval).count)

            // Second run of the same date: nothing changes.
            let before = try goldFingerprint(db)
            let silverBefore = try db.execute("SELECT md5(string_agg(o::text, '|' ORDER BY order_id)) FROM (SELECT order_id, total, discounted_total, order_ts, bronze_id FROM silver.orders) o").string(0, 0)
            try WarehouseFixtureProducer.produce(into: log, dayStartMillis: Int64(Self.day.timeIntervalSince1970 * 1000))
            let bronze2 = try BronzeLoader(connection: db, log: log).load(consumer: "shopstream")
            #expect(bronze2.loaded == 861) // the log holds a second copy of every message (a re-produced day)
            let silver2 = try SilverBuilder(connection: db).build()
            #expect(silver2.orderItems == 800 && silver2.orders.upserted == 208) // same values, newer offsets
            try GoldBuilder(connection: db).build(start: Self.day, end: Self.next)
            #expect(try goldFingerprint(db) == before)
            #expect(try db.count("SELECT count(*) FROM silver.orders") == 208)
            #expect(try db.count("SELECT count(*) FROM silver.order_items") == 800)
            _ = silverBefore
            // And a run with no new messages does not touch silver at all.
            #expect(try BronzeLoader(connection: db, log: log).load(consumer: "shopstream").read == 0)
            #expect(try SilverBuilder(connection: db).build() == SilverBuildResult())
            try GoldBuilder(connection: db).build(start: Self.day, end: Self.next)
            #expect(try goldFingerprint(db) == before)
        }
    }

    @Test func silverKeepsLatestOffsetAndQuarantinesInvalidRows() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let base: [String: Any] = ["id": 1, "firstName": "Emily", "lastName": "Johnson", "email": "old@x.io", "age": 28, "birthDate": "1996-5-30"]
            var newer = base; newer["email"] = "new@x.io"
            var bad = base; bad["id"] = 2; bad["birthDate"] = "1996-2-30"
            try log.append(topic: "customers", messages: [
                OutgoingMessage(key: "1", timestampMillis: 1, payload: json(base)),
                OutgoingMessage(key: "1", timestampMillis: 2, payload: json(newer)),
                OutgoingMessage(key: "2", timestampMillis: 3, payload: json(bad)),
            ])
            try log.append(topic: "products", messages: [
                OutgoingMessage(key: "9", timestampMillis: 1, payload: json(["id": 9, "title": "T", "category": "c", "price": "abc"])),
            ])
            try BronzeLoader(connection: db, log: log).load(consumer: "c")
            let first = try SilverBuilder(connection: db).build()
            #expect(first.customers.upserted == 1 && first.customers.quarantined == 1 && first.products.quarantined == 1)
            #expect(try db.execute("SELECT email FROM silver.customers WHERE customer_id = 1").string(0, 0) == "new@x.io")
            let q = try db.execute("SELECT source, record_key, reason FROM silver.quarantine ORDER BY source")
            #expect(try q.string(0, "reason") == "birthDate is not a date" && q.string(0, "record_key") == "2")
            #expect(try q.string(1, "reason") == "price missing or not a number")

            // Incremental: a later, older-looking version in a new batch still wins by offset; quarantine is not repeated.
            var newest = base; newest["email"] = "newest@x.io"
            try log.append(topic: "customers", messages: [OutgoingMessage(key: "1", timestampMillis: 0, payload: json(newest))])
            try BronzeLoader(connection: db, log: log).load(consumer: "c")
            let second = try SilverBuilder(connection: db).build()
            #expect(second.customers.scanned == 1 && second.customers.upserted == 1)
            #expect(try db.execute("SELECT email FROM silver.customers WHERE customer_id = 1").string(0, 0) == "newest@x.io")
            #expect(try db.count("SELECT count(*) FROM silver.quarantine") == 2)
        }
    }

    @Test("the bulk events path keeps the foreign key and quarantines events of unknown customers")
    func bulkEventsKeepTheForeignKey() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try WarehouseFixtureProducer.produce(into: log, dayStartMillis: Int64(Self.day.timeIntervalSince1970 * 1000))
            try log.append(topic: "events", messages: [OutgoingMessage(key: "s-x", timestampMillis: 1, payload: json([
                "event_id": "s-x-1", "event_type": "page_view", "session_id": "s-x", "user_id": 99_999, "ts": 1_795_132_800_000,
            ]))])
            try BronzeLoader(connection: db, log: log).load(consumer: "c")
            var builder = SilverBuilder(connection: db)
            builder.bulkEventRows = 1
            let silver = try builder.build()
            #expect(silver.events.upserted == 251 && silver.events.quarantined == 1)
            #expect(try db.execute("SELECT reason FROM silver.quarantine WHERE source = 'events'").string(0, 0)
                    == "user_id is not a known customer")
            #expect(try db.count("""
                SELECT count(*) FROM pg_constraint WHERE conname = 'events_customer_fk' AND convalidated
                AND conrelid = 'silver.events'::regclass AND confrelid = 'silver.customers'::regclass
                """) == 1)
        }
    }

    @Test func failingCheckIsStoredAndThrows() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let (log, dir) = try makeTempEventLog()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try WarehouseFixtureProducer.produce(into: log, dayStartMillis: Int64(Self.day.timeIntervalSince1970 * 1000))
            try BronzeLoader(connection: db, log: log).load(consumer: "c")
            try SilverBuilder(connection: db).build()
            try GoldBuilder(connection: db).build(start: Self.day, end: Self.next)
            // Break gold: unbalance one day's line totals (an item whose order or product does not exist is refused by
            // the foreign keys now, so the relationship checks cannot see one).
            try db.execute("""
                UPDATE gold.fct_order_items SET line_total = line_total + 5
                WHERE order_item_id = (SELECT min(order_item_id) FROM gold.fct_order_items)
                """)
            do {
                try QualityRunner(connection: db).run(QualityCheck.shopStream(.interval), runId: "run-bad", start: Self.day, end: Self.next)
                Issue.record("expected the quality run to fail")
            } catch let failure as QualityCheckFailure {
                let names = Set(failure.failed.map(\.name))
                #expect(names == ["order-item line totals = order gross per day",
                                  "gold.fct_order_items lines = gold.fct_orders line_count per day",
                                  "gold.product_performance = gold.fct_order_items per day",
                                  "gold.revenue_by_category = gold.fct_order_items per day"])
                #expect(failure.description.contains("2026-11-20"))
            }
            #expect(try db.count("SELECT count(*) FROM quality.check_results WHERE run_id = 'run-bad' AND status = 'fail'") == 4)
            // A line of an order gold does not have is refused by its foreign key (SQLSTATE 23503), not by anything else.
            let refusal = #expect(throws: PGError.self) {
                try db.execute("INSERT INTO gold.fct_order_items (order_id, line_no, product_id, customer_id, order_date, channel, quantity, unit_price, line_total, discounted_line_total) VALUES ('ghost', 1, 99999, 1, '2026-11-20', 'cart', 1, 5, 5, 5)")
            }
            #expect(refusal?.sqlState == "23503", "\(refusal.map(String.init(describing:)) ?? "")")
            #expect(try db.count("SELECT count(*) FROM quality.check_results WHERE run_id = 'run-bad'") == QualityCheck.shopStream(.interval).count)
        }
    }
}
