import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// The seeds' 004 star: surrogate-keyed dimensions, click/cart/order facts, purchases in their session's currency
/// converted with the ECB reference rate in force on the order's day.
@Suite("Star schema and currencies")
struct StarSchemaTests {
    @Test("rates: the day's published rate, or the latest before it; conversion rounds to the minor unit")
    func ratesInForce() throws {
        let rates = try testFXRates()
        #expect(rates.inForce(on: "2026-10-16")?.published == "2026-10-16")
        #expect(rates.inForce(on: "2026-10-17")?.published == "2026-10-16") // a Saturday
        #expect(rates.inForce(on: "2026-11-20")?.published == "2026-10-30") // after the file's last day
        #expect(rates.inForce(on: "2026-08-31") == nil)
        let perEUR = try #require(rates.inForce(on: "2026-10-30")?.perEUR)
        #expect(perEUR["USD"] == 1.1172 && perEUR["GBP"] == 0.8338)
        #expect(FXRates.convertUSD(111.72, to: "EUR", perEUR: perEUR) == 100)
        #expect(FXRates.convertUSD(111.72, to: "GBP", perEUR: perEUR) == 83.38)
    }

    @Test("a day through the star: every order once, surrogate keys, currencies converted at the day's rate")
    func oneDay() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let dir = try TemporaryDirectory("star")
            defer { dir.cleanup() }
            let log = try SegmentEventLog(directory: dir.path + "/events")
            let rates = try testFXRates()
            let day = "2026-10-17", start = Date(timeIntervalSince1970: 1_792_195_200) // 2026-10-17T00:00:00Z
            let end = start.addingTimeInterval(86_400)
            _ = try ShopStreamProducer.produce(fetched: try fixtureFetchResult(date: day), log: log, dataDir: dir.path,
                                               date: day, clickstreamEvents: 3_000, fxRates: rates)
            try BronzeLoader(connection: db, log: log).load(consumer: "shopstream")
            try SilverBuilder(connection: db).build()
            try GoldBuilder(connection: db).build(start: start, end: end)
            var builder = StarBuilder(connection: db, rates: rates)
            builder.bulkEventRows = 1 // the path a million-event day takes: keys validated in one pass
            let factKeys = """
                SELECT oid::bigint FROM pg_constraint WHERE contype = 'f' AND convalidated
                AND conrelid IN ('star.fact_clicks'::regclass, 'star.fact_cart'::regclass, 'star.fact_orders'::regclass)
                """
            let keysBefore = Set(try db.execute(factKeys).rows.compactMap { $0[0] })
            let star = try builder.build(start: start, end: end)
            // All nine keys are back, validated, each a new constraint: dropped and re-added around the write.
            let keysAfter = Set(try db.execute(factKeys).rows.compactMap { $0[0] })
            #expect(keysBefore.count == 9 && keysAfter.count == 9 && keysAfter.isDisjoint(with: keysBefore))
            #expect(star.orders == (try db.count("SELECT count(*) FROM gold.fct_orders")))
            #expect(star.currencies >= 3)
            #expect(star.clicks == (try db.count("SELECT count(*) FROM silver.events WHERE event_type = 'page_view'")))
            #expect(try db.count("SELECT count(*) FROM star.fact_clicks WHERE page IS NULL OR referrer IS NULL") == 0)
            #expect(try db.count("SELECT count(*) FROM star.dim_time") == 24)

            // Every order used the 2026-10-16 rates (the Friday before); USD amounts agree with gold's to a cent or two
            // (local amounts were rounded to the cent, then converted back).
            #expect(try db.count("SELECT count(*) FROM star.fact_orders WHERE fx_rate_date IS DISTINCT FROM '2026-10-16'") == 0)
            #expect(try db.count("""
                SELECT count(*) FROM star.fact_orders s JOIN gold.fct_orders g USING (order_id)
                WHERE abs(s.total_amount_usd - g.total_amount) > 0.02
                """) == 0)
            // A GBP order: EUR amount = local / GBP rate; USD = EUR × USD rate, with the file's 2026-10-16 rates.
            let gbp = try db.execute("""
                SELECT s.total_amount::text, s.total_amount_eur::text, s.total_amount_usd::text,
                       (SELECT per_eur FROM star.fx_rate WHERE rate_date = '2026-10-16' AND currency_code = 'GBP')::text,
                       (SELECT per_eur FROM star.fx_rate WHERE rate_date = '2026-10-16' AND currency_code = 'USD')::text
                FROM star.fact_orders s JOIN star.dim_currency c USING (currency_key) WHERE c.currency_code = 'GBP'
                ORDER BY order_id LIMIT 1
                """)
            let local = try #require(try gbp.decimal(0, 0)), eur = try #require(try gbp.decimal(0, 1))
            let usd = try #require(try gbp.decimal(0, 2))
            let gbpRate = try #require(try gbp.decimal(0, 3)), usdRate = try #require(try gbp.decimal(0, 4))
            let file = try #require(rates.days["2026-10-16"])
            #expect(gbpRate == Decimal(string: String(file["GBP"]!)) && usdRate == Decimal(string: String(file["USD"]!)))
            #expect(abs(NSDecimalNumber(decimal: eur - local / gbpRate).doubleValue) <= 0.005)
            #expect(abs(NSDecimalNumber(decimal: usd - local / gbpRate * usdRate).doubleValue) <= 0.005)

            // Rebuilding the interval keeps every row and every surrogate key.
            let before = try db.execute("SELECT md5(string_agg(f::text, '|' ORDER BY f::text)) FROM star.fact_orders f").string(0, 0)
            let users = try db.execute("SELECT md5(string_agg(u::text, '|' ORDER BY u::text)) FROM star.dim_user u").string(0, 0)
            try StarBuilder(connection: db, rates: rates).build(start: start, end: end)
            #expect(try db.execute("SELECT md5(string_agg(f::text, '|' ORDER BY f::text)) FROM star.fact_orders f").string(0, 0) == before)
            #expect(try db.execute("SELECT md5(string_agg(u::text, '|' ORDER BY u::text)) FROM star.dim_user u").string(0, 0) == users)
            try QualityRunner(connection: db).run(QualityCheck.starAgreement(.interval), runId: "star", start: start, end: end)

            // Gold days the star never held (built before it existed) are skipped by a later day's audit; a star day
            // that lost an order is not.
            let later = end.addingTimeInterval(86_400)
            try db.execute("UPDATE gold.fct_orders SET order_date = '2026-10-10' WHERE order_id = (SELECT min(order_id) FROM gold.fct_orders)")
            try db.execute("UPDATE gold.fct_order_items SET order_date = '2026-10-10' WHERE order_id = (SELECT min(order_id) FROM gold.fct_orders WHERE order_date = '2026-10-10')")
            try db.execute("UPDATE star.fact_orders SET order_date = '2026-10-10' WHERE order_id = (SELECT min(order_id) FROM gold.fct_orders WHERE order_date = '2026-10-10')")
            try db.execute("DELETE FROM star.fact_orders WHERE order_date = '2026-10-10'")
            try QualityRunner(connection: db).run(QualityCheck.starAgreement(.warehouse), runId: "old-day", start: later,
                                                  end: later.addingTimeInterval(86_400))
            try db.execute("DELETE FROM star.fact_orders WHERE order_id = (SELECT max(order_id) FROM star.fact_orders)")
            #expect(throws: QualityCheckFailure.self) {
                try QualityRunner(connection: db).run(QualityCheck.starAgreement(.warehouse), runId: "lost", start: later,
                                                      end: later.addingTimeInterval(86_400))
            }
        }
    }
}
