/// The days a dashboard shows: whole UTC days, `start` inclusive, `end` exclusive (the SQL's `$1` and `$2`).
///
/// Presets count complete days back from `today` (today itself is still being loaded, so `7d` is the seven days
/// ending yesterday); a custom range names its first and last day. The previous period, for a KPI's change, is
/// the same number of days just before. Pure: today is a parameter.
public struct DateRange: Sendable, Equatable {
    /// First day, `YYYY-MM-DD`.
    public let start: String
    /// The day after the last one, `YYYY-MM-DD`.
    public let end: String
    /// Days in the range.
    public let days: Int

    public static let presets = ["7d": 7, "30d": 30, "90d": 90]
    /// Longest custom range accepted (ten years), so one request cannot ask for everything.
    public static let maxDays = 3_660

    private let startDay: Int

    init(startDay: Int, days: Int) {
        self.startDay = startDay
        self.start = Self.format(startDay)
        self.end = Self.format(startDay + days)
        self.days = days
    }

    /// A preset (`7d`, `30d`, `90d`) ending with the day before `today` (`YYYY-MM-DD`).
    public static func preset(_ name: String, today: String) throws(DateRangeError) -> DateRange {
        guard let days = presets[name] else {
            throw DateRangeError("unknown range '\(name)'; use 7d, 30d, 90d or start and end (YYYY-MM-DD)")
        }
        let todayNumber = try dayNumber(today, field: "today")
        return DateRange(startDay: todayNumber - days, days: days)
    }

    /// From `first` to `last`, both included (`YYYY-MM-DD`).
    public static func custom(first: String, last: String) throws(DateRangeError) -> DateRange {
        let a = try dayNumber(first, field: "start"), b = try dayNumber(last, field: "end")
        guard a <= b else { throw DateRangeError("start \(first) is after end \(last)") }
        guard b - a + 1 <= maxDays else {
            throw DateRangeError("the range \(first) to \(last) is longer than \(maxDays) days")
        }
        return DateRange(startDay: a, days: b - a + 1)
    }

    /// The same number of days just before this range.
    public var previous: DateRange { DateRange(startDay: startDay - days, days: days) }

    /// The last day shown (`end` minus one day).
    public var last: String { Self.format(startDay + days - 1) }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` text.
    static func dayNumber(_ text: String, field: String) throws(DateRangeError) -> Int {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...CivilTime.daysInMonth(year: y, month: m)).contains(d) else {
            throw DateRangeError("\(field) '\(text)' is not a date; write YYYY-MM-DD")
        }
        return CivilTime.days(year: y, month: m, day: d)
    }

    static func format(_ dayNumber: Int) -> String {
        let (y, m, d) = CivilTime.civil(days: dayNumber)
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}

public struct DateRangeError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
