import Foundation
import Testing
@testable import ShopStream

@Suite("Clickstream simulator")
struct ClickstreamTests {
    private func simulate(date: String, seed: UInt64 = 7, events: Int = 5_000, batchSize: Int = 1_000)
        throws -> (events: [OutgoingMessage], orders: [OutgoingMessage], counts: ClickstreamSimulator.Counts) {
        let catalog = try Catalog(try fixtureFetchResult())
        var sim = ClickstreamSimulator(catalog: catalog, date: try LogicalDate(date), seed: seed, events: events)
        sim.batchSize = batchSize
        var allEvents: [OutgoingMessage] = [], allOrders: [OutgoingMessage] = []
        var batches = 0
        let counts = try sim.run { e, o in
            allEvents += e; allOrders += o; batches += 1
            #expect(e.count < batchSize + 10, "a batch is flushed after the session that fills it (at most 10 events)")
        }
        #expect(batches >= events / batchSize)
        return (allEvents, allOrders, counts)
    }

    @Test func sameSeedAndDateGiveIdenticalOutput() throws {
        let a = try simulate(date: "2026-11-01")
        let b = try simulate(date: "2026-11-01", batchSize: 333)
        #expect(a.events == b.events)
        #expect(a.orders == b.orders)
    }

    @Test func differentDateOrSeedGiveDifferentOutput() throws {
        let a = try simulate(date: "2026-11-01")
        let b = try simulate(date: "2026-11-02")
        let c = try simulate(date: "2026-11-01", seed: 8)
        #expect(a.events.map(\.payload) != b.events.map(\.payload))
        #expect(a.events.map(\.payload) != c.events.map(\.payload))
    }

    @Test func volumeIsHonouredExactly() throws {
        for n in [0, 1, 999, 12_345] {
            let run = try simulate(date: "2026-11-03", events: n)
            #expect(run.events.count == n)
            #expect(run.counts.eventTypes.values.reduce(0, +) == n)
        }
    }

    @Test func funnelIsMonotoneWithRealisticDropOff() throws {
        let run = try simulate(date: "2026-11-04", events: 20_000)
        let t = run.counts.eventTypes
        let views = t["page_view"]!, carts = t["add_to_cart"]!, checkouts = t["checkout"]!, purchases = t["purchase"]!
        #expect(views >= carts && carts >= checkouts && checkouts >= purchases && purchases > 0)
        #expect(run.orders.count == purchases)
        // Per session: ~30% add to cart, ~60% of those check out, ~70% of those buy.
        let sessions = Double(run.counts.sessions)
        let sessionsWithCart = Double(Set(run.events.filter { object(LogRecord(topic: "", partition: 0, offset: 0,
            key: $0.key, timestampMillis: 0, payload: $0.payload))["event_type"] as? String == "add_to_cart" }
            .map(\.key)).count)
        #expect((0.25...0.35).contains(sessionsWithCart / sessions))
        #expect((0.50...0.70).contains(Double(checkouts) / sessionsWithCart))
        #expect((0.60...0.80).contains(Double(purchases) / Double(checkouts)))
    }

    @Test func eventsAreWellFormedAndInsideTheDay() throws {
        let date = try LogicalDate("2026-11-05")
        let run = try simulate(date: "2026-11-05", events: 3_000)
        var ids = Set<String>()
        let productIds = Set(try fixtureFetchResult().records(.products).map(\.id))
        for message in run.events {
            let e = object(LogRecord(topic: "", partition: 0, offset: 0, key: nil, timestampMillis: 0, payload: message.payload))
            let ts = e["ts"] as! Int64
            #expect(ts >= date.startMillis && ts < date.endMillis && ts == message.timestampMillis)
            #expect(ids.insert(e["event_id"] as! String).inserted)
            #expect(e["session_id"] as? String == message.key)
            #expect(e["user_id"] as? Int != nil)
            if let p = e["product_id"] as? Int { #expect(productIds.contains(p)) }
        }
        // Web orders: totals are the sum of their lines.
        for order in run.orders {
            let o = object(LogRecord(topic: "", partition: 0, offset: 0, key: nil, timestampMillis: 0, payload: order.payload))
            #expect(o["channel"] as? String == "web")
            #expect(order.key == o["order_id"] as? String)
            let lines = o["products"] as! [[String: Any]]
            let sum = lines.reduce(0.0) { $0 + ($1["price"] as! Double) * Double($1["quantity"] as! Int) }
            #expect(abs(sum - (o["total"] as! Double)) < 0.011 * Double(lines.count))
        }
    }

    @Test("events carry the fields of the seeds' event schemas (004); purchases are priced in their currency")
    func seedEventSchemas() throws {
        let catalog = try Catalog(try fixtureFetchResult())
        var sim = ClickstreamSimulator(catalog: catalog, date: try LogicalDate("2026-10-16"), seed: 7, events: 6_000)
        let perEUR = try #require(try testFXRates().inForce(on: "2026-10-16")?.perEUR)
        sim.fxRates = perEUR
        var events: [[String: Any]] = []
        _ = try sim.run { e, _ in
            events += e.map { object(LogRecord(topic: "", partition: 0, offset: 0, key: nil, timestampMillis: 0, payload: $0.payload)) }
        }
        let required: [String: [String]] = [
            "page_view": ["event_id", "user_id", "session_id", "product_id", "ts", "page", "referrer"],
            "add_to_cart": ["event_id", "user_id", "session_id", "product_id", "quantity", "ts"],
            "purchase": ["event_id", "user_id", "session_id", "items", "total_amount", "currency", "ts"],
        ]
        var currencies = Set<String>()
        for e in events {
            let type = e["event_type"] as? String ?? ""
            for field in required[type] ?? [] { #expect(e[field] != nil, "\(type) lacks \(field)") }
            guard type == "purchase" else { continue }
            let currency = try #require(e["currency"] as? String)
            currencies.insert(currency)
            let usd = try #require(e["amount"] as? Double), local = try #require(e["total_amount"] as? Double)
            #expect(local == FXRates.convertUSD(usd, to: currency, perEUR: perEUR))
            let items = try #require(e["items"] as? [[String: Any]])
            let sum = items.reduce(0.0) { $0 + ($1["unit_price"] as! Double) * Double($1["quantity"] as! Int) }
            #expect(abs(sum - usd) < 0.011 * Double(items.count))
        }
        #expect(currencies.isSuperset(of: ["USD", "EUR", "GBP"]))
    }

    @Test func popularityIsSkewed() throws {
        let run = try simulate(date: "2026-11-06", events: 20_000)
        var perUser: [Int: Int] = [:]
        for m in run.events {
            let e = object(LogRecord(topic: "", partition: 0, offset: 0, key: nil, timestampMillis: 0, payload: m.payload))
            perUser[e["user_id"] as! Int, default: 0] += 1
        }
        let sorted = perUser.values.sorted(by: >)
        #expect(sorted.prefix(20).reduce(0, +) > sorted.suffix(20).reduce(0, +) * 5)
    }
}
