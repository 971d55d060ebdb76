/// Simulates one day of shop sessions: page_view → add_to_cart → checkout → purchase.
///
/// Each session belongs to a user drawn Zipf-like (exponent 0.8) from the fetched users, views 1–5 distinct
/// products drawn Zipf-like (exponent 1.0) from the fetched products, then with probability `cartRate` (0.30) adds
/// 1–3 of the viewed products (quantity 1–3 each), with `checkoutRate` (0.60) checks out and with `purchaseRate`
/// (0.70) buys. Which users and products are popular is a seeded shuffle, so it varies by seed but not by run.
/// Every purchase also yields a web order. Everything derives from `SplitMix64(seed ^ fnv1a64(date))`: the same
/// seed and date give byte-identical messages. Exactly `events` events are emitted (the last session may be cut
/// short). Messages are handed to `sink` in batches, so a million events never sit in memory at once.
///
/// Event payload: `{event_id, event_type, session_id, user_id, product_id?, price?, quantity?, order_id?, amount?,
/// ts}` (ts = epoch ms inside the data interval), key = session id, with the fields of the seeds' event schemas
/// (004): a click (`page_view`) also has `page` (`/products/<id>`) and `referrer` (the previous page of the session,
/// or for the first view an external source: direct, search, social, email); a purchase also has `items`
/// (`[{product_id, quantity, unit_price}]`, USD), `total_amount` and `currency`: the session's market currency (USD
/// 60 %, EUR 20 %, GBP 10 %, CAD 5 %, AUD 5 %, from a hash of the session id, so the random stream is unchanged) and
/// the amount converted from USD with the ECB reference rates in force that day (`fxRates`; USD when there are
/// none). `amount` stays the USD value. Web order payload: the cart shape
/// (`userId, products[{id,title,price,quantity,total,discountPercentage,discountedTotal}], total,
/// discountedTotal, totalProducts, totalQuantity`) plus `order_id` (`web-<session>-1`), `channel` `"web"`,
/// `session_id` and `order_ts`; key = order id.
struct ClickstreamSimulator {
    struct Rates { var cart = 0.30, checkout = 0.60, purchase = 0.70 }

    let catalog: Catalog
    let date: LogicalDate
    let seed: UInt64
    let events: Int
    var rates = Rates()
    /// The ECB rates in force on the day (units per EUR); nil: purchases are in USD.
    var fxRates: [String: Double]? = nil
    var batchSize = 20_000

    /// Counts of what was generated.
    struct Counts {
        var eventTypes: [String: Int] = [:]
        var sessions = 0
        var webOrders = 0
    }

    /// Runs the simulation; `sink(events, orders)` receives each batch in order.
    func run(_ sink: (_ events: [OutgoingMessage], _ orders: [OutgoingMessage]) throws -> Void) throws -> Counts {
        var counts = Counts()
        guard events > 0 else { return counts }
        guard !catalog.userIds.isEmpty, !catalog.products.isEmpty else {
            throw SourceError(.invalidArgument, "clickstream needs fetched users and products, got "
                + "\(catalog.userIds.count) users and \(catalog.products.count) products")
        }
        var rng = SplitMix64(seed: seed ^ StablePartitioner.fnv1a64("clickstream/\(date)"))
        var users = catalog.userIds
        var products = Array(catalog.products.indices)
        users.shuffle(using: &rng)
        products.shuffle(using: &rng)
        let userSampler = WeightedSampler.zipf(count: users.count, exponent: 0.8)
        let productSampler = WeightedSampler.zipf(count: products.count, exponent: 1.0)
        let dayCompact = String(describing: date).replacingOccurrences(of: "-", with: "")
        let start = date.startMillis, end = date.endMillis

        var eventBatch: [OutgoingMessage] = []
        var orderBatch: [OutgoingMessage] = []
        eventBatch.reserveCapacity(batchSize)
        var emitted = 0
        var session = 0
        var counters = [0, 0, 0, 0]  // page_view, add_to_cart, checkout, purchase

        func flushIfNeeded(force: Bool) throws {
            if force || eventBatch.count >= batchSize {
                if !eventBatch.isEmpty || !orderBatch.isEmpty { try sink(eventBatch, orderBatch) }
                eventBatch.removeAll(keepingCapacity: true)
                orderBatch.removeAll(keepingCapacity: true)
            }
        }

        while emitted < events {
            session += 1
            let sessionId = "s-\(dayCompact)-\(session)"
            let sessionHash = StablePartitioner.fnv1a64(sessionId)
            let userId = users[userSampler.sample(&rng)]
            var page = Self.referrers[Int((sessionHash >> 8) % UInt64(Self.referrers.count))]
            var ts = start + Int64(rng.nextInt(86_400_000 - 3_600_000))
            var seq = 0
            func event(_ type: Int, _ fill: (inout JSONWriter) -> Void) -> Bool {
                guard emitted < events else { return false }
                seq += 1
                ts = min(end - 1, ts + 5_000 + Int64(rng.nextInt(115_000)))
                var w = JSONWriter(capacity: 224)
                w.field("event_id", "\(sessionId)-\(seq)")
                w.field("event_type", ClickstreamSimulator.types[type])
                w.field("session_id", sessionId)
                w.field("user_id", userId)
                fill(&w)
                w.field("ts", ts)
                eventBatch.append(OutgoingMessage(key: sessionId, timestampMillis: ts, payload: w.finish()))
                counters[type] += 1
                emitted += 1
                return true
            }

            var viewed: [Int] = []
            let views = 1 + rng.nextInt(5)
            for _ in 0..<views {
                var p = products[productSampler.sample(&rng)]
                if viewed.contains(p) { p = products[rng.nextInt(products.count)] }
                if viewed.contains(p) { continue }
                viewed.append(p)
                let product = catalog.products[p]
                let here = "/products/\(product.id)", from = page
                guard event(0, {
                    $0.field("product_id", product.id); $0.field("price", product.price)
                    $0.field("page", here); $0.field("referrer", from)
                }) else { break }
                page = here
            }
            var cart: [(product: Int, quantity: Int)] = []
            if rng.chance(rates.cart) {
                for p in viewed.prefix(1 + rng.nextInt(min(3, viewed.count))) {
                    let quantity = 1 + rng.nextInt(3)
                    let product = catalog.products[p]
                    guard event(1, {
                        $0.field("product_id", product.id); $0.field("price", product.price)
                        $0.field("quantity", quantity)
                    }) else { break }
                    cart.append((p, quantity))
                }
            }
            if !cart.isEmpty, rng.chance(rates.checkout) {
                let amount = JSONWriter.cents(cart.reduce(0) { $0 + catalog.products[$1.product].price * Double($1.quantity) })
                let quantity = cart.reduce(0) { $0 + $1.quantity }
                if event(2, { $0.field("amount", amount); $0.field("quantity", quantity) }), rng.chance(rates.purchase) {
                    let orderId = "web-\(sessionId)-1"
                    let (currency, total) = localTotal(amount, sessionHash: sessionHash)
                    let items = purchaseItems(cart)
                    if event(3, {
                        $0.field("order_id", orderId); $0.field("amount", amount); $0.field("quantity", quantity)
                        $0.field("items", json: items); $0.field("total_amount", total); $0.field("currency", currency)
                    }) {
                        orderBatch.append(webOrder(orderId, sessionId: sessionId, userId: userId, ts: ts, cart: cart))
                        counts.webOrders += 1
                    }
                }
            }
            try flushIfNeeded(force: false)
        }
        try flushIfNeeded(force: true)
        counts.sessions = session
        for (i, type) in ClickstreamSimulator.types.enumerated() { counts.eventTypes[type] = counters[i] }
        return counts
    }

    static let types = ["page_view", "add_to_cart", "checkout", "purchase"]
    /// Where a session's first page view comes from.
    static let referrers = ["direct", "search", "search", "social", "email"]
    /// Session markets: currency and weight out of 100.
    static let currencies: [(code: String, weight: UInt64)] = [("USD", 60), ("EUR", 20), ("GBP", 10), ("CAD", 5), ("AUD", 5)]

    /// The session's currency and the USD amount converted with the day's rates (USD when there are none).
    private func localTotal(_ usd: Double, sessionHash: UInt64) -> (String, Double) {
        var pick = sessionHash % 100
        var code = "USD"
        for c in Self.currencies {
            if pick < c.weight { code = c.code; break }
            pick -= c.weight
        }
        guard let fxRates, let local = FXRates.convertUSD(usd, to: code, perEUR: fxRates) else { return ("USD", usd) }
        return (code, local)
    }

    /// `[{product_id, quantity, unit_price}]` of a cart.
    private func purchaseItems(_ cart: [(product: Int, quantity: Int)]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, line) in cart.enumerated() {
            var w = JSONWriter(capacity: 64)
            w.field("product_id", catalog.products[line.product].id)
            w.field("quantity", line.quantity)
            w.field("unit_price", catalog.products[line.product].price)
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += w.finish()
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    private func webOrder(_ orderId: String, sessionId: String, userId: Int, ts: Int64,
                          cart: [(product: Int, quantity: Int)]) -> OutgoingMessage {
        var lines: [UInt8] = [UInt8(ascii: "[")]
        var total = 0.0
        for (i, line) in cart.enumerated() {
            let product = catalog.products[line.product]
            let lineTotal = JSONWriter.cents(product.price * Double(line.quantity))
            total += lineTotal
            var w = JSONWriter(capacity: 160)
            w.field("id", product.id)
            w.field("title", product.title)
            w.field("price", product.price)
            w.field("quantity", line.quantity)
            w.field("total", lineTotal)
            w.field("discountPercentage", 0.0)
            w.field("discountedTotal", lineTotal)
            if i > 0 { lines.append(UInt8(ascii: ",")) }
            lines += w.finish()
        }
        lines.append(UInt8(ascii: "]"))
        total = JSONWriter.cents(total)
        var w = JSONWriter(capacity: 512)
        w.field("order_id", orderId)
        w.field("channel", "web")
        w.field("session_id", sessionId)
        w.field("order_ts", ts)
        w.field("userId", userId)
        w.field("products", json: lines)
        w.field("total", total)
        w.field("discountedTotal", total)
        w.field("totalProducts", cart.count)
        w.field("totalQuantity", cart.reduce(0) { $0 + $1.quantity })
        return OutgoingMessage(key: orderId, timestampMillis: ts, payload: w.finish())
    }
}
