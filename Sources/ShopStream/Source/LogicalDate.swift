import Foundation

/// A run's logical date as `YYYY-MM-DD` and its data interval [start, start + 1 day) in UTC.
public struct LogicalDate: Sendable, Hashable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    /// Parses `YYYY-MM-DD`; throws a ``SourceError`` naming the bad value otherwise.
    public init(_ text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else {
            throw SourceError(.invalidArgument, "logical date '\(text)' must be YYYY-MM-DD, e.g. 2026-11-01")
        }
        year = y; month = m; day = d
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard calendar.date(from: DateComponents(year: y, month: m, day: d)).map({
            calendar.component(.day, from: $0) == d
        }) == true else {
            throw SourceError(.invalidArgument, "logical date '\(text)' is not a calendar date")
        }
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Milliseconds since 1970 of 00:00 UTC on this date (start of the data interval).
    public var startMillis: Int64 {
        // Days from civil (Howard Hinnant's algorithm), so no Calendar is needed on the hot path.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Int64(days) * 86_400_000
    }

    /// Milliseconds since 1970 of the end of the data interval (exclusive): the next day's 00:00 UTC.
    public var endMillis: Int64 { startMillis + 86_400_000 }
}
