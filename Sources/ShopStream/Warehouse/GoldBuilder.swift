import Foundation
import OrchCore
import OrchPostgres

/// gold: dimensions, facts and daily models for one data interval, rebuilt idempotently.
///
/// Everything happens in one transaction: dimensions are refreshed in full; facts (fct_orders, fct_order_items) for
/// orders inside `[start, end)` and the per-day models for the interval's UTC days (agg_orders_daily,
/// agg_customer_daily, agg_events_daily, daily_funnel, sessions, product_performance, revenue_by_category) are
/// deleted and inserted again. Rebuilding the same interval therefore yields the same rows. An order whose time
/// changed in silver moves between the interval and another day, and that day's order models are built again, in
/// the same transaction. Last, customer_ltv is refreshed in full from the daily per-customer aggregates
/// (agg_customer_daily: days × customers rows, not every order; `GoldSQL.lifetime`).
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
            // Read before the interval's facts are rewritten: the orders that move between it and other days.
            let left = try LeavingOrders.dates(try connection.execute(GoldSQL.daysOrdersLeave, [start, end]), column: 0)
            let leaving = try LeavingOrders(connection, GoldSQL.ordersLeavingGold, start: start, end: end)
            for sql in GoldSQL.dimensions + GoldSQL.facts + GoldSQL.aggregates {
                try connection.execute(sql, sql.contains("$1") ? [start, end] : [])
            }
            // The orders that left the interval land on their new days (those days' other orders are not touched).
            if !leaving.byDay.isEmpty {
                let ids = try LeavingOrders.json(leaving.byDay.values.flatMap { $0 })
                for sql in GoldSQL.orderFacts { try connection.execute(sql, [ids]) }
            }
            // The other days' order aggregates (and their months' roll-ups) are built again from their facts, so
            // none keeps or misses a moved order. Their event models are left alone: they do not depend on orders.
            let otherDays = Set(left + leaving.days).sorted()
            for day in otherDays {
                for sql in GoldSQL.orderAggregates {
                    try connection.execute(sql, [day, day.addingTimeInterval(86_400)])
                }
            }
            // Only now: customer_ltv sums agg_customer_daily, which must hold every day's orders, moved ones too.
            for sql in GoldSQL.lifetime { try connection.execute(sql) }
            let r = try connection.execute(GoldSQL.intervalCounts, [start, end])
            return GoldBuildResult(orders: try r.int(0, 0) ?? 0, orderItems: try r.int(0, 1) ?? 0,
                                   grossRevenue: try r.decimal(0, 2) ?? 0, netRevenue: try r.decimal(0, 3) ?? 0,
                                   customers: try r.int(0, 4) ?? 0, products: try r.int(0, 5) ?? 0,
                                   sessions: try r.int(0, 6) ?? 0, movedOrderDays: otherDays)
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
    /// UTC midnights of the days outside the interval that an order moved from or to: their order aggregates were
    /// built again.
    public var movedOrderDays: [Date] = []

    public var description: String {
        let moved = movedOrderDays.isEmpty ? ""
            : ", order aggregates rebuilt for the days orders moved from or to: "
                + movedOrderDays.map(UTCFormat.day).joined(separator: ", ")
        return "orders \(orders), order items \(orderItems), gross \(grossRevenue), net \(netRevenue), customers \(customers), products \(products), sessions \(sessions)" + moved
    }
}

/// A gold build error naming what to fix.
public struct GoldBuildError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
