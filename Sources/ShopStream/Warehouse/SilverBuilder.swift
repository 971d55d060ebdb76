import Foundation
import OrchPostgres

/// silver: types, validates and deduplicates bronze rows into silver.customers, products, orders, order_items
/// and events, incrementally.
///
/// Each source table keeps a watermark in `meta.watermarks` (the last `bronze.raw_events.id` it consumed). A
/// build reads only rows past it, up to the newest id at the start, in one transaction with the watermark
/// update, so a re-run without new bronze rows changes nothing. Within the new rows the latest offset per
/// business key wins, and an upsert never replaces a newer offset with an older one. Rows that cannot be typed go
/// to `silver.quarantine` with the reason; nothing is dropped silently.
///
/// Message contract (topic → payload): customers → DummyJSON user; products → DummyJSON product;
/// orders → DummyJSON cart plus `order_ts` (ISO-8601 or epoch ms) and optional `channel` ('cart' default, or
/// 'web'), `order_id`, `session_id`; events → `{event_id, event_type, session_id, user_id, product_id, order_id,
/// ts}` (also accepted: `id`, `type`, `userId`, `productId`, `timestamp`; the message time when no `ts`).
public struct SilverBuilder {
    public let connection: PGConnection

    public init(connection: PGConnection) {
        self.connection = connection
    }

    /// Processes the bronze rows past each watermark; returns counts per table.
    @discardableResult
    public func build() throws -> SilverBuildResult {
        try connection.transaction {
            // One silver build at a time: the watermarks are read and moved under this lock.
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [Int64(0x6f72_6368_5f73)])
            let high = Int64(try connection.execute("SELECT coalesce(max(id), 0) FROM bronze.raw_events").scalarInt())
            var result = SilverBuildResult()
            var orderItems = 0
            result.customers = try step("silver.customers", topic: "customers", high: high, problem: SilverSQL.customerProblem) { low in
                try connection.execute(SilverSQL.customers, [low, high]).affectedRows
            }
            result.products = try step("silver.products", topic: "products", high: high, problem: SilverSQL.productProblem) { low in
                try connection.execute(SilverSQL.products, [low, high]).affectedRows
            }
            result.orders = try step("silver.orders", topic: "orders", high: high, problem: SilverSQL.orderProblem) { low in
                try connection.execute(SilverSQL.stageOrders, [low, high])
                try connection.execute("CREATE TEMP TABLE silver_orders_changed (order_id text PRIMARY KEY) ON COMMIT DROP")
                let changed = try connection.execute(SilverSQL.upsertOrders).affectedRows
                try connection.execute(SilverSQL.deleteChangedItems)
                orderItems = try connection.execute(SilverSQL.insertChangedItems).affectedRows
                return changed
            }
            result.orderItems = orderItems
            result.events = try step("silver.events", topic: "events", high: high, problem: SilverSQL.eventProblem) { low in
                try connection.execute(SilverSQL.events, [low, high]).affectedRows
            }
            return result
        }
    }

    /// Runs one table's upsert and quarantine for the window past its watermark, then moves the watermark.
    private func step(_ name: String, topic: String, high: Int64, problem: String,
                      upsert: (Int64) throws -> Int) throws -> SilverTableResult {
        let low = Int64(try connection.execute(
            "SELECT coalesce((SELECT last_id FROM meta.watermarks WHERE name = $1), 0)", [name]).scalarInt())
        guard high > low else { return SilverTableResult() }
        var table = SilverTableResult()
        table.upserted = try upsert(low)
        table.quarantined = try connection.execute(
            SilverSQL.quarantine(source: topic, topic: topic, problem: problem), [low, high]).affectedRows
        table.scanned = try connection.execute(
            "SELECT count(*) FROM bronze.raw_events WHERE topic = $1 AND id > $2 AND id <= $3", [topic, low, high]).scalarInt()
        try connection.execute("""
            INSERT INTO meta.watermarks (name, last_id) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET last_id = EXCLUDED.last_id, updated_at = now()
            """, [name, high])
        return table
    }
}

/// What a silver build did to one table.
public struct SilverTableResult: Sendable, Equatable {
    /// New bronze rows read.
    public var scanned = 0
    /// Rows inserted or updated in silver (duplicates and older versions are not counted).
    public var upserted = 0
    /// Rows sent to silver.quarantine.
    public var quarantined = 0
    public init() {}
}

/// What `SilverBuilder.build()` did.
public struct SilverBuildResult: Sendable, Equatable, CustomStringConvertible {
    public var customers = SilverTableResult()
    public var products = SilverTableResult()
    public var orders = SilverTableResult()
    /// Order lines written for the orders that changed.
    public var orderItems = 0
    public var events = SilverTableResult()
    public init() {}

    public var description: String {
        func d(_ name: String, _ t: SilverTableResult) -> String { "\(name) \(t.upserted)/\(t.scanned) (quarantined \(t.quarantined))" }
        return [d("customers", customers), d("products", products), d("orders", orders), "order_items \(orderItems)", d("events", events)]
            .joined(separator: ", ")
    }
}
