import Foundation
import OrchCore

/// Turns fetched records into keyed messages (the source's half of produce).
///
/// - users → `customers`, key = user id, payload = the user object as fetched.
/// - products → `products`, key = product id, payload = the product object as fetched.
/// - carts → `orders`, key = `cart-<YYYYMMDD>-<id>`, payload = the cart object as fetched with `order_id` (the key),
///   `channel` (`"cart"`) and `order_ts` (epoch ms, deterministic inside the data interval) added in front.
/// - posts → `events`, key = `post-<YYYYMMDD>-<id>`, payload `{event_id: <the key>, event_type: "post_published",
///   post_id, user_id, ts}`: posts are content, not commerce, but they are user activity and land as events so every
///   fetched record reaches bronze; they never count in the funnel.
///
/// The time model (docs/data-dictionary.md): the source is static, so each day's fetch is that day's activity — a
/// cart fetched for a day is a fresh order placed that day, and its date is part of its key. Producing a day again
/// gives the same keys, times and payloads, so no day ever overwrites another.
enum RecordMessages {
    /// Users and products carry the start of the data interval as their message time (they have no dates).
    static func customers(_ fetched: FetchResult, date: LogicalDate) -> [OutgoingMessage] {
        fetched.records(.users).map { raw($0, key: String($0.id), ts: date.startMillis) }
    }

    static func products(_ fetched: FetchResult, date: LogicalDate) -> [OutgoingMessage] {
        fetched.records(.products).map { raw($0, key: String($0.id), ts: date.startMillis) }
    }

    static func cartOrders(_ fetched: FetchResult, date: LogicalDate, seed: UInt64) throws -> [OutgoingMessage] {
        try fetched.records(.carts).map { record in
            let key = dailyKey("cart", record.id, date)
            let ts = timestamp(for: "cart-\(record.id)", date: date, seed: seed)
            var prefix = JSONWriter()
            prefix.field("order_id", key)
            prefix.field("channel", "cart")
            prefix.field("order_ts", ts)
            return OutgoingMessage(key: key, timestampMillis: ts,
                                   payload: try merge(prefix.bytes, into: record, what: "cart"))
        }
    }

    static func postEvents(_ fetched: FetchResult, date: LogicalDate, seed: UInt64) throws -> [OutgoingMessage] {
        let decoder = JSONDecoder()
        return try fetched.records(.posts).map { record in
            guard let post = try? decoder.decode(Catalog.Post.self, from: record.json) else {
                throw SourceError(.malformedPage, "post \(record.id) has no numeric 'userId'")
            }
            let key = dailyKey("post", record.id, date)
            let ts = timestamp(for: "post-\(record.id)", date: date, seed: seed)
            var w = JSONWriter()
            w.field("event_id", key)
            w.field("event_type", "post_published")
            w.field("post_id", record.id)
            w.field("user_id", post.userId)
            w.field("ts", ts)
            return OutgoingMessage(key: key, timestampMillis: ts, payload: w.finish())
        }
    }

    /// `cart-20261101-7`: a source record's key for one day.
    static func dailyKey(_ kind: String, _ id: Int, _ date: LogicalDate) -> String {
        "\(kind)-\(String(describing: date).replacingOccurrences(of: "-", with: ""))-\(id)"
    }

    /// A deterministic time inside [date 00:00, next day 00:00) UTC for a key.
    static func timestamp(for key: String, date: LogicalDate, seed: UInt64) -> Int64 {
        var rng = SplitMix64(seed: seed ^ StablePartitioner.fnv1a64("\(date)/\(key)"))
        return date.startMillis + Int64(rng.nextInt(86_400_000))
    }

    private static func raw(_ record: SourceRecord, key: String, ts: Int64) -> OutgoingMessage {
        OutgoingMessage(key: key, timestampMillis: ts, payload: [UInt8](record.json))
    }

    /// `{<prefix fields>, <the record's own members>}`; `prefix` is an unterminated writer buffer (`{"a":1`).
    private static func merge(_ prefix: [UInt8], into record: SourceRecord, what: String) throws -> [UInt8] {
        let bytes = [UInt8](record.json)
        let open = JSONSpans.skipWhitespace(bytes, 0)
        guard open < bytes.count, bytes[open] == UInt8(ascii: "{") else {
            throw SourceError(.malformedPage, "\(what) \(record.id) is not a JSON object")
        }
        let rest = bytes[(open + 1)...]
        let empty = rest.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "}")
        return prefix + (empty ? [] : [UInt8(ascii: ",")]) + rest
    }
}
