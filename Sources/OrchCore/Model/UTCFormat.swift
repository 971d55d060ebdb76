import Foundation

/// UTC timestamps as text without Foundation's formatters, which load ICU data (tens of milliseconds):
/// task processes format dates on their start-up path.
public enum UTCFormat {
    /// `2026-11-21T08:00:00Z`.
    public static func iso(_ date: Date) -> String {
        let (day, secs) = split(date)
        return "\(day)T\(pad(secs / 3600))" + ":\(pad(secs / 60 % 60)):\(pad(secs % 60))Z"
    }

    /// `2026-11-21T08:00:00Z` for a whole second, `2026-11-21T08:00:00.123456Z` (microseconds) otherwise.
    public static func isoMicros(_ date: Date) -> String {
        let (whole, fraction) = fractional(date, perSecond: 1_000_000)
        return fraction == 0 ? iso(whole) : String(iso(whole).dropLast()) + "." + pad(fraction, 6) + "Z"
    }

    /// `2026-11-21T08:00:00.123Z` (milliseconds, always three digits, to the nearest), as `ISO8601DateFormatter` with
    /// fractional seconds writes it, without building an ICU formatter per call (a log line's time stamp: a
    /// formatter per line was a fifth of a busy scheduler's CPU).
    public static func isoMillis(_ date: Date) -> String {
        let (whole, fraction) = fractional(date, perSecond: 1000)
        return String(iso(whole).dropLast()) + "." + pad(fraction, 3) + "Z"
    }

    /// `date` to the nearest 1/`perSecond` s, as its whole second and the fraction in those units.
    private static func fractional(_ date: Date, perSecond: Int64) -> (whole: Date, fraction: Int) {
        let units = Int64((date.timeIntervalSince1970 * Double(perSecond)).rounded())
        let fraction = ((units % perSecond) + perSecond) % perSecond
        return (Date(timeIntervalSince1970: Double((units - fraction) / perSecond)), Int(fraction))
    }

    /// `2026-11-21`.
    public static func day(_ date: Date) -> String { split(date).day }

    private static func split(_ date: Date) -> (day: String, seconds: Int) {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(t) / 86_400).rounded(.down))
        let secs = t - days * 86_400
        let c = CivilTime.civil(days: days)
        let year = c.year < 0 ? "-" + pad(-c.year, 4) : pad(c.year, 4)
        return ("\(year)-\(pad(c.month))-\(pad(c.day))", secs)
    }

    private static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
