import Foundation

/// When a DAG runs: a cron expression, a preset, a fixed interval, or once.
///
/// ## Syntax
///
/// **Cron** — five fields separated by spaces: `minute hour day-of-month month day-of-week`.
///
/// | field        | values                       | names                  |
/// |--------------|------------------------------|------------------------|
/// | minute       | 0-59                         |                        |
/// | hour         | 0-23                         |                        |
/// | day-of-month | 1-31                         |                        |
/// | month        | 1-12                         | JAN-DEC                |
/// | day-of-week  | 0-7 (0 and 7 are Sunday)     | SUN-SAT                |
///
/// Each field is a comma-separated list of `*`, `n`, `a-b`, `*/step`, `a-b/step` or `a/step` (from `a` to the end
/// of the field). Names are case-insensitive and may be used in ranges (`MON-FRI`). Examples: `*/15 * * * *`,
/// `30 2 * * *`, `0 9 * * MON-FRI`, `0 0 1,15 * *`, `0 6 * JAN,JUL *`. Not supported: seconds or year fields, `?`,
/// `L`, `W`, `#`.
///
/// Day rule (Vixie cron): when both day-of-month and day-of-week are restricted (neither starts with `*`), a day
/// matches if *either* matches — `0 0 13 * FRI` fires on every 13th and every Friday. Otherwise both must match.
///
/// **Presets** — `@hourly` (`0 * * * *`), `@daily` and `@midnight` (`0 0 * * *`), `@weekly` (`0 0 * * 0`),
/// `@monthly` (`0 0 1 * *`), `@yearly` and `@annually` (`0 0 1 1 *`), and `@once` (a single run at the DAG's start
/// date).
///
/// **Fixed intervals** — `every N<unit>` with unit `s`, `m`, `h` or `d` (`every 90s`, `every 15m`, `every 2h`,
/// `every 1d`), at least one minute (`every 30s` is refused, as cron has no seconds). A unit is an exact duration: `every 1d` is 24 hours even across a daylight-saving change (use
/// `@daily` for local midnight). Runs are aligned to the DAG's start date (start, start + N, ...); without a start
/// date to the Unix epoch.
///
/// ## Time zones
///
/// Cron fields are read on the clock of the DAG's IANA time zone. Daylight-saving changes follow Vixie cron:
/// for fixed-time expressions (neither minute nor hour starts with `*`), a time skipped by the spring-forward jump
/// fires once at the first instant after the jump (`30 2 * * *` fires at 03:00 on 2026-03-08 in New York), and a
/// time repeated by the fall-back fires once, at its first occurrence. Wildcard expressions (`0 * * * *`,
/// `*/15 * * * *`) follow the clock: skipped times do not fire, repeated times fire at each real occurrence.
///
/// Run semantics (data intervals, catchup, start and end dates) are `Timetable`'s.
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    /// What a schedule is made of.
    public enum Kind: Sendable, Hashable {
        /// A cron expression (presets other than `@once` become one).
        case cron
        /// A fixed interval, in seconds.
        case interval(seconds: Int)
        /// A single run at the start date.
        case once
    }

    /// The normalised text: presets in lower case, cron fields single-spaced with names upper-cased,
    /// intervals as `every <n><unit>`.
    public let description: String
    public let kind: Kind
    let cron: CronExpression?

    /// Presets and the cron expression each stands for.
    public static let presets: [String: String] = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// Parses a cron expression, a preset or an interval; see the type's documentation for the syntax.
    public static func parse(_ text: String) throws(ScheduleError) -> Schedule {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw ScheduleError(field: nil, message: "schedule is empty; write a cron expression such as '0 0 * * *', a preset such as '@daily', or an interval such as 'every 15m'")
        }
        if trimmed.hasPrefix("@") {
            let name = trimmed.lowercased()
            if name == "@once" { return Schedule(description: name, kind: .once, cron: nil) }
            guard let expr = presets[name] else {
                let known = (["@once"] + presets.keys.sorted()).joined(separator: ", ")
                throw ScheduleError(field: "preset", message: "unknown preset '\(trimmed)'; use one of \(known)")
            }
            return Schedule(description: name, kind: .cron, cron: try CronExpression(expr))
        }
        if trimmed.lowercased().hasPrefix("every") {
            let seconds = try parseInterval(trimmed)
            return Schedule(description: "every \(formatInterval(seconds))", kind: .interval(seconds: seconds), cron: nil)
        }
        let cron = try CronExpression(trimmed)
        return Schedule(description: cron.text, kind: .cron, cron: cron)
    }

    /// True for `@once`.
    public var isOnce: Bool { kind == .once }

    /// The first fire time strictly after `date`, with the fields read in `zone`; nil when it never fires (such as
    /// `0 0 30 2 *`, decided by looking 30 years ahead). Intervals count from the Unix epoch here (a `Timetable`
    /// counts them from the start date); `@once` has no clock of its own and returns nil.
    public func nextFire(after date: Date, in zone: TimeZone) -> Date? {
        switch kind {
        case .cron: cron!.nextFire(after: date, in: zone)
        case .interval(let seconds): Self.gridNext(after: date, anchor: Date(timeIntervalSince1970: 0), step: seconds)
        case .once: nil
        }
    }

    // MARK: intervals

    /// The shortest fixed interval: one minute, cron's resolution.
    public static let minimumIntervalSeconds = 60

    private static let units: [(suffix: String, seconds: Int)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]

    private static func parseInterval(_ text: String) throws(ScheduleError) -> Int {
        func fail(_ why: String) -> ScheduleError {
            ScheduleError(field: "interval", message: "interval '\(text)': \(why)")
        }
        let words = text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        guard words.first == "every" else { throw fail("write 'every <number><unit>', e.g. 'every 15m'") }
        let amount = words.dropFirst().joined()
        guard !amount.isEmpty else { throw fail("missing amount; write e.g. 'every 15m' (units s, m, h, d)") }
        let digits = amount.prefix { $0.isASCII && $0.isNumber }
        let unit = amount.dropFirst(digits.count)
        guard !digits.isEmpty, let n = Int(digits) else {
            throw fail("'\(amount)' does not start with a whole number; write e.g. 'every 15m'")
        }
        guard let u = units.first(where: { $0.suffix == unit }) else {
            throw fail(unit.isEmpty ? "missing unit after \(n); use s, m, h or d (e.g. 'every \(n)m')"
                                    : "unknown unit '\(unit)'; use s, m, h or d")
        }
        guard n > 0 else { throw fail("the interval must be at least 1\(u.suffix), got 0") }
        guard n * u.seconds >= minimumIntervalSeconds else {
            throw fail("the interval must be at least 1 minute (the scheduler plans runs to the minute, as cron "
                + "does), got \(n)\(u.suffix); write e.g. 'every 1m'")
        }
        guard n <= 366 * 86_400 / u.seconds else { throw fail("the interval must be at most 366 days") }
        return n * u.seconds
    }

    private static func formatInterval(_ seconds: Int) -> String {
        let u = units.first { seconds % $0.seconds == 0 }!
        return "\(seconds / u.seconds)\(u.suffix)"
    }

    /// The first point of the grid `anchor + k * step` strictly after `date`.
    static func gridNext(after date: Date, anchor: Date, step: Int) -> Date {
        let k = ((date.timeIntervalSince(anchor)) / Double(step)).rounded(.down) + 1
        return anchor.addingTimeInterval(k * Double(step))
    }

    /// The last point of the grid `anchor + k * step` at or before `date`.
    static func gridPrevious(atOrBefore date: Date, anchor: Date, step: Int) -> Date {
        let k = ((date.timeIntervalSince(anchor)) / Double(step)).rounded(.down)
        return anchor.addingTimeInterval(k * Double(step))
    }
}
