import Foundation
import OrchPostgres

/// silver: types, validates and deduplicates bronze rows into silver.customers, products, orders, order_items
/// and events, incrementally.
///
/// Each source table keeps a watermark in `meta.watermarks` (the last `bronze.raw_events.id` it consumed). A
/// build reads only rows past it, up to the newest id at the start, in one transaction with the watermark
/// update, so a re-run without new bronze rows changes nothing. Within the new rows the latest offset per
/// business key wins, and an upsert never replaces a newer offset with an older one. Rows that cannot be typed go
/// to `silver.quarantine` with the reason; nothing is dropped silently. A large events window is upserted with the
/// events → customers foreign key dropped and re-added in the same transaction when validating the whole table
/// costs less than checking the window row by row (see `BulkForeignKeys`).
///
/// Message contract (topic → payload): customers → DummyJSON user; products → DummyJSON product;
/// orders → DummyJSON cart plus `order_ts` (ISO-8601 or epoch ms) and optional `channel` ('cart' default, or
/// 'web'), `order_id`, `session_id`; events → `{event_id, event_type, session_id, user_id, product_id, order_id,
/// ts}` (also accepted: `id`, `type`, `userId`, `productId`, `timestamp`; the message time when no `ts`).
public struct SilverBuilder {
    public let connection: PGConnection
    /// Events windows at least this large may be upserted through `BulkForeignKeys`.
    public var bulkEventRows = SilverSQL.bulkEventRows

    public init(connection: PGConnection) {
        self.connection = connection
    }

    /// Processes the bronze rows past each watermark; returns counts per table.
    @discardableResult
    public func build() throws -> SilverBuildResult {
        try connection.transaction {
            // One silver build at a time: the watermarks are read and moved under this lock.
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [Int64(0x6f72_6368_5f73)])
            // Room for the window hashes and sorts of a large batch in memory.
            try connection.execute("SET LOCAL work_mem = '256MB'")
            let high = Int64(try connection.execute("SELECT coalesce(max(id), 0) FROM bronze.raw_events").scalarInt())
            var result = SilverBuildResult()
            var orderItems = 0
            result.customers = try step("silver.customers", topic: "customers", high: high, problem: SilverSQL.customerProblem) { _ in
                try connection.execute(SilverSQL.customers).affectedRows
            }
            result.products = try step("silver.products", topic: "products", high: high, problem: SilverSQL.productProblem) { _ in
                try connection.execute(SilverSQL.products).affectedRows
            }
            result.orders = try step("silver.orders", topic: "orders", high: high, problem: SilverSQL.stagedProblem,
                                     stage: SilverSQL.stageWindow("orders", problem: SilverSQL.orderProblem)) { _ in
                try connection.execute(SilverSQL.stageOrders)
                try connection.execute("CREATE TEMP TABLE silver_orders_changed (order_id text PRIMARY KEY) ON COMMIT DROP")
                let changed = try connection.execute(SilverSQL.upsertOrders).affectedRows
                try connection.execute(SilverSQL.deleteChangedItems)
                orderItems = try connection.execute(SilverSQL.insertChangedItems).affectedRows
                return changed
            }
            result.orderItems = orderItems
            result.events = try step("silver.events", topic: "events", high: high, problem: SilverSQL.stagedProblem,
                                     stage: SilverSQL.stageEvents) { scanned in
                try BulkForeignKeys(connection: connection, table: "silver.events").write(rows: scanned, minimumRows: bulkEventRows) {
                    try connection.execute(SilverSQL.events).affectedRows
                }
            }
            return result
        }
    }

    /// Copies the window past the table's watermark into `silver_window` (with `stage`, else the plain bronze
    /// columns), runs the upsert and quarantine from it, drops it, then moves the watermark.
    private func step(_ name: String, topic: String, high: Int64, problem: String, stage: String? = nil,
                      upsert: (_ scanned: Int) throws -> Int) throws -> SilverTableResult {
        let low = Int64(try connection.execute(
            "SELECT coalesce((SELECT last_id FROM meta.watermarks WHERE name = $1), 0)", [name]).scalarInt())
        guard high > low else { return SilverTableResult() }
        var table = SilverTableResult()
        table.scanned = try connection.execute(stage ?? SilverSQL.stageWindow(topic), [low, high]).affectedRows
        try connection.execute("ANALYZE \(SilverSQL.windowTable)")
        table.upserted = try upsert(table.scanned)
        table.quarantined = try connection.execute(SilverSQL.quarantine(source: topic, problem: problem)).affectedRows
        try connection.execute("DROP TABLE \(SilverSQL.windowTable)")
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
