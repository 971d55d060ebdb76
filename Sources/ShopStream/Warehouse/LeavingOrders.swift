import Foundation
import OrchPostgres

/// The orders a fact table has in an interval that silver now places on another day (their time changed), read
/// before the interval's facts are rewritten (`GoldSQL.ordersLeaving`): the builds insert them on their new days.
struct LeavingOrders {
    /// Their ids by the UTC midnight of their new day.
    let byDay: [Date: [String]]

    /// Runs `sql` for `[start, end)`: rows of an order id and its new day (`GoldSQL.utcMidnight`).
    init(_ connection: PGConnection, _ sql: String, start: Date, end: Date) throws {
        let r = try connection.execute(sql, [start, end])
        var byDay: [Date: [String]] = [:]
        for (row, day) in try Self.dates(r, column: 1).enumerated() {
            byDay[day, default: []] += try r.string(row, 0).map { [$0] } ?? []
        }
        self.byDay = byDay
    }

    /// Their new days, in order.
    var days: [Date] { byDay.keys.sorted() }

    /// `ids` as the JSON array of strings `GoldSQL.ordersNamed` reads.
    static func json(_ ids: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
    }

    /// The dates in `column` of every row of `result` (`GoldSQL.utcMidnight`: epoch seconds of UTC midnights).
    static func dates(_ result: PGResult, column: Int) throws -> [Date] {
        try (0..<result.count).map { Date(timeIntervalSince1970: try result.double($0, column) ?? 0) }
    }
}
