/// Wall-clock arithmetic on the proleptic Gregorian calendar with plain integers, so that cron matching never
/// depends on Foundation's `Calendar` (whose DST handling differs between platforms).
///
/// A wall time is counted in seconds since 1970-01-01 00:00 *as read on a clock*, with no zone attached.
struct CivilTime: Sendable, Hashable, Comparable {
    var year: Int
    var month: Int   // 1...12
    var day: Int     // 1...31
    var hour: Int
    var minute: Int

    /// Seconds since 1970-01-01 00:00 on the wall clock.
    var wallSeconds: Int64 {
        Int64(Self.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    /// 0 = Sunday ... 6 = Saturday.
    var weekday: Int { Self.weekday(year: year, month: month, day: day) }

    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
        self.year = year; self.month = month; self.day = day; self.hour = hour; self.minute = minute
    }

    /// The minute containing `wallSeconds` (seconds are dropped).
    init(wallSeconds s: Int64) {
        let days = s >= 0 ? s / 86_400 : -((-s + 86_399) / 86_400)
        let rest = Int(s - days * 86_400)
        let (y, m, d) = Self.civil(days: Int(days))
        self.init(year: y, month: m, day: d, hour: rest / 3600, minute: rest % 3600 / 60)
    }

    static func < (a: CivilTime, b: CivilTime) -> Bool { a.wallSeconds < b.wallSeconds }

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func weekday(year: Int, month: Int, day: Int) -> Int {
        let d = days(year: year, month: month, day: day)
        return ((d % 7) + 7 + 4) % 7   // 1970-01-01 was a Thursday
    }
}
