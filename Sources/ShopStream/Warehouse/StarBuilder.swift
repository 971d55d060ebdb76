import Foundation
import OrchPostgres

/// The star schema of the seeds' 004 plan for one data interval, in one transaction: the ECB rates file is loaded
/// (idempotent upsert), dimensions are upserted by natural key (stable surrogate keys), and the interval's facts
/// (clicks, cart adds, orders with their currency converted to EUR and USD) are deleted and inserted again; an order
/// that silver now places on another day (its time changed) is inserted on that day.
public struct StarBuilder {
    public let connection: PGConnection
    public let rates: FXRates
    /// Facts of an interval with at least this many rows may be written through `BulkForeignKeys` (a day's orders,
    /// about 33,000 at a million events, stay under it: their three keys are checked row by row).
    public var bulkEventRows = SilverSQL.bulkEventRows

    public init(connection: PGConnection, rates: FXRates) {
        self.connection = connection
        self.rates = rates
    }

    @discardableResult
    public func build(start: Date, end: Date) throws -> StarBuildResult {
        guard end > start else { throw GoldBuildError("data interval end \(end) must be after its start \(start)") }
        return try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [Int64(0x6f72_6368_7374)])
            try connection.execute(StarSQL.loadRates, [rates.csv])
            for sql in StarSQL.dimensions {
                try connection.execute(sql, sql.contains("$1") ? [start, end] : [])
            }
            // Read before the interval's facts are rewritten: its orders that silver places on another day.
            let leaving = try LeavingOrders(connection, StarSQL.ordersLeaving, start: start, end: end)
            // Clicks and cart adds are the large facts (a million events a day in the benchmark): their keys are
            // validated in one pass when that costs less than checking them row by row (`BulkForeignKeys`).
            let sizes = try connection.execute(StarSQL.factRows, [start, end])
            for (column, (table, statements)) in StarSQL.facts.enumerated() {
                let rows = try sizes.int(0, column) ?? 0
                _ = try BulkForeignKeys(connection: connection, table: table).write(rows: rows, minimumRows: bulkEventRows) {
                    for sql in statements { try connection.execute(sql, [start, end]) }
                    return 0
                }
            }
            // The orders that left the interval land on their new days (whose hours dim_time gets first); those
            // days' other orders are not touched.
            for day in leaving.days {
                let next = day.addingTimeInterval(86_400)
                try connection.execute(StarSQL.hours, [day, next])
                try connection.execute(StarSQL.leavingOrders, [day, next, try LeavingOrders.json(leaving.byDay[day] ?? [])])
            }
            let r = try connection.execute("""
                SELECT (SELECT count(*) FROM star.fact_clicks WHERE ts >= $1 AND ts < $2),
                       (SELECT count(*) FROM star.fact_cart WHERE ts >= $1 AND ts < $2),
                       (SELECT count(*) FROM star.fact_orders WHERE ts >= $1 AND ts < $2),
                       (SELECT count(DISTINCT currency_key) FROM star.fact_orders WHERE ts >= $1 AND ts < $2)
                """, [start, end])
            return StarBuildResult(clicks: try r.int(0, 0) ?? 0, cartAdds: try r.int(0, 1) ?? 0,
                                   orders: try r.int(0, 2) ?? 0, currencies: try r.int(0, 3) ?? 0)
        }
    }
}

/// Fact rows of a star build's interval.
public struct StarBuildResult: Sendable, Equatable, CustomStringConvertible {
    public var clicks: Int
    public var cartAdds: Int
    public var orders: Int
    public var currencies: Int
    public var description: String {
        "star: clicks \(clicks), cart adds \(cartAdds), orders \(orders) in \(currencies) currencies"
    }
}
