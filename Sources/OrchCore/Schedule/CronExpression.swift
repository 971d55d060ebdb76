/// A five-field cron expression (`minute hour day-of-month month day-of-week`) matched against wall-clock time.
struct CronExpression: Sendable, Hashable {
    let minute: CronField
    let hour: CronField
    let dayOfMonth: CronField
    let month: CronField
    let dayOfWeek: CronField

    /// How many years ahead a search looks before deciding the expression never fires (`0 0 30 2 *`). Satisfiable
    /// expressions fire much sooner: 29 February skips at most 8 years (2096 -> 2104), and a date that must also
    /// fall on a given weekday recurs within 11 years (Gregorian weekday cycle), except across a skipped leap day.
    static let searchYears = 30

    init(_ text: String) throws(ScheduleError) {
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 5 else {
            throw ScheduleError(field: nil, message: "cron expression '\(text)' has \(parts.count) field\(parts.count == 1 ? "" : "s"); expected 5: minute hour day-of-month month day-of-week (e.g. '30 2 * * *')")
        }
        minute = try CronField(parts[0], kind: .minute)
        hour = try CronField(parts[1], kind: .hour)
        dayOfMonth = try CronField(parts[2], kind: .dayOfMonth)
        month = try CronField(parts[3], kind: .month)
        dayOfWeek = try CronField(parts[4], kind: .dayOfWeek)
    }

    /// The normalised text: single spaces, names upper-cased.
    var text: String { [minute, hour, dayOfMonth, month, dayOfWeek].map(\.text).joined(separator: " ") }

    /// Vixie cron's "fixed time" jobs: neither the minute nor the hour field starts with `*`. Only these get the
    /// daylight-saving adjustments (a skipped time fires at the jump, a repeated time fires once).
    var isFixedTime: Bool { !minute.isStar && !hour.isStar }

    /// Vixie cron's day rule: when both day fields are restricted (neither starts with `*`), either may match;
    /// otherwise both must.
    func dayMatches(year: Int, month: Int, day: Int) -> Bool {
        let dom = dayOfMonth.contains(day)
        let dow = dayOfWeek.contains(CivilTime.weekday(year: year, month: month, day: day))
        if !dayOfMonth.isStar && !dayOfWeek.isStar { return dom || dow }
        return dom && dow
    }

    func matches(_ t: CivilTime) -> Bool {
        minute.contains(t.minute) && hour.contains(t.hour) && month.contains(t.month)
            && dayMatches(year: t.year, month: t.month, day: t.day)
    }

    /// The first wall-clock minute at or after `start` that matches, looking at most `searchYears` ahead.
    /// Walks field by field (month, then day, then hour, then minute), so a year is a few hundred steps at most.
    func nextMatch(atOrAfter start: CivilTime) -> CivilTime? {
        var t = start
        let lastYear = start.year + Self.searchYears
        func nextDay() {
            t.hour = 0; t.minute = 0
            t.day += 1
            if t.day > CivilTime.daysInMonth(year: t.year, month: t.month) {
                t.day = 1
                t.month += 1
                if t.month > 12 { t.month = 1; t.year += 1 }
            }
        }
        while t.year <= lastYear {
            if !month.contains(t.month) {
                t.day = 1; t.hour = 0; t.minute = 0
                if let m = month.next(atOrAfter: t.month + 1), m <= 12 {
                    t.month = m
                } else {
                    t.month = month.first
                    t.year += 1
                }
                continue
            }
            if !dayMatches(year: t.year, month: t.month, day: t.day) {
                nextDay()
                continue
            }
            if !hour.contains(t.hour) {
                if let h = hour.next(atOrAfter: t.hour + 1), h <= 23 {
                    t.hour = h; t.minute = 0
                } else {
                    nextDay()
                }
                continue
            }
            if !minute.contains(t.minute) {
                if let m = minute.next(atOrAfter: t.minute + 1), m <= 59 {
                    t.minute = m
                } else {
                    t.minute = 0
                    t.hour += 1
                    if t.hour > 23 { nextDay() }
                }
                continue
            }
            return t
        }
        return nil
    }
}
