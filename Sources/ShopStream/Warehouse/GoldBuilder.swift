import Foundation
import OrchPostgres

/// gold: dimensions, facts and daily models for one data interval, rebuilt idempotently.
///
/// Everything happens in one transaction: dimensions and customer_ltv are refreshed in full; facts
/// (fct_orders, fct_order_items) for orders inside `[start, end)` and the per-day models for the interval's UTC
/// days (agg_orders_daily, agg_events_daily, daily_funnel, sessions, product_performance, revenue_by_category)
/// are deleted and inserted again. Rebuilding the same interval therefore yields the same rows.
public struct GoldBuilder {
    public let connection: PGConnection

    public init(connection: PGConnection) {
        self.connection = connection
    }

    /// Builds the gold models for the data interval `[start, end)`; returns row counts of the interval.
    @discardableResult
    public func build(start: Date, end: Date) throws -> GoldBuildResult {
        guard end > start else {
            throw GoldBuildError("data interval end \(end) must be after its start \(start)")
        }
        return try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [Int64(0x6f72_6368_5f67)])
            for sql in GoldSQL.dimensions + GoldSQL.facts + GoldSQL.aggregates + GoldSQL.lifetime {
                try connection.execute(sql, sql.contains("$1") ? [start, end] : [])
            }
            let r = try connection.execute(GoldSQL.intervalCounts, [start, end])
            return GoldBuildResult(orders: try r.int(0, 0) ?? 0, orderItems: try r.int(0, 1) ?? 0,
                                   grossRevenue: try r.decimal(0, 2) ?? 0, netRevenue: try r.decimal(0, 3) ?? 0,
                                   customers: try r.int(0, 4) ?? 0, products: try r.int(0, 5) ?? 0,
                                   sessions: try r.int(0, 6) ?? 0)
        }
    }
}

/// Row counts and revenue of a gold build's interval.
public struct GoldBuildResult: Sendable, Equatable, CustomStringConvertible {
    public var orders: Int
    public var orderItems: Int
    /// Sum of order totals before discounts (the carts' `total`).
    public var grossRevenue: Decimal
    /// Sum of what was paid (the carts' `discountedTotal`).
    public var netRevenue: Decimal
    public var customers: Int
    public var products: Int
    public var sessions: Int

    public var description: String {
        "orders \(orders), order items \(orderItems), gross \(grossRevenue), net \(netRevenue), customers \(customers), products \(products), sessions \(sessions)"
    }
}

/// A gold build error naming what to fix.
public struct GoldBuildError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
