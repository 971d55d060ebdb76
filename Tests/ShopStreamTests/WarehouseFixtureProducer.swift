import Foundation
@testable import ShopStream

/// Feeds an event log with the bundled DummyJSON snapshot using the producer's message contract
/// (Sources/ShopStream/Produce/RecordMessages.swift): users → customers (key id), products → products (key id),
/// carts → orders (key `cart-<YYYYMMDD>-<id>`, payload + order_id, channel "cart", order_ts epoch ms inside the day),
/// posts → events (`post_published`). Used by the warehouse tests so they do not depend on fetch.
enum WarehouseFixtureProducer {
    static var fixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/dummyjson").path
    }

    static func records(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/\(name).json"))
        return try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    }

    static func rawText(_ name: String) throws -> String {
        try String(contentsOfFile: fixtures + "/\(name).json", encoding: .utf8)
    }

    /// Appends every fixture record for the UTC day starting at `dayStartMillis`; returns messages per topic.
    @discardableResult
    static func produce(into log: any EventLog, dayStartMillis: Int64) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let day = Self.compactDay(dayStartMillis)
        let users = try records("users").map { u in
            OutgoingMessage(key: "\(u["id"]!)", timestampMillis: dayStartMillis, payload: json(u))
        }
        try log.append(topic: "customers", messages: users)
        counts["customers"] = users.count
        let products = try records("products").map { p in
            OutgoingMessage(key: "\(p["id"]!)", timestampMillis: dayStartMillis, payload: json(p))
        }
        try log.append(topic: "products", messages: products)
        counts["products"] = products.count
        let orders = try records("carts").map { c -> OutgoingMessage in
            var c = c
            let id = c["id"] as! Int
            let ts = dayStartMillis + Int64(id * 397_000 % 86_400_000)
            c["order_id"] = "cart-\(day)-\(id)"
            c["channel"] = "cart"
            c["order_ts"] = ts
            return OutgoingMessage(key: "cart-\(day)-\(id)", timestampMillis: ts, payload: json(c))
        }
        try log.append(topic: "orders", messages: orders)
        counts["orders"] = orders.count
        let posts = try records("posts").map { p -> OutgoingMessage in
            let id = p["id"] as! Int
            let ts = dayStartMillis + Int64(id * 1_000)
            return OutgoingMessage(key: "post-\(day)-\(id)", timestampMillis: ts, payload: json([
                "event_id": "post-\(day)-\(id)", "event_type": "post_published", "post_id": id, "user_id": p["userId"]!, "ts": ts,
            ]))
        }
        try log.append(topic: "events", messages: posts)
        counts["events"] = posts.count
        return counts
    }

    /// `20261101` for the UTC day starting at `millis`.
    static func compactDay(_ millis: Int64) -> String {
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyyMMdd"
        return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
