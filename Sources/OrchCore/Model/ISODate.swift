import Foundation

/// Dates read from people (CLI options, API fields and query parameters) on the proleptic Gregorian calendar,
/// with plain integer arithmetic (``CivilTime``): Foundation's Gregorian `Calendar` and `ISO8601DateFormatter`
/// switch to the Julian calendar before 1582-10-15 and roll impossible days over (`2026-02-30` → March 2).
///
/// Accepted: `YYYY-MM-DD` (midnight UTC) and `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or an offset
/// (`+01:00`, `-0500`). Years 0000-9999. Anything else, or a day the month does not have, is an ``ISODateError``.
public enum ISODate {
    public static func parse(_ text: String) throws(ISODateError) -> Date {
        let b = Array(text.utf8)
        func fail(_ why: String) -> ISODateError { ISODateError(text: text, reason: why) }
        func number(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var n = 0
            for k in at..<(at + count) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                n = n * 10 + Int(b[k] - 48)
            }
            return n
        }
        guard b.count >= 10, let year = number(0, 4), b[4] == 45, let month = number(5, 2), b[7] == 45,
              let day = number(8, 2) else {
            throw fail("use YYYY-MM-DD or an ISO 8601 time like 2026-11-20T06:00:00Z")
        }
        guard (1...12).contains(month) else { throw fail("month \(month) does not exist") }
        let monthDays = CivilTime.daysInMonth(year: year, month: month)
        guard (1...monthDays).contains(day) else {
            throw fail("day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month) (it has \(monthDays) days)")
        }
        let days = CivilTime.days(year: year, month: month, day: day)
        if b.count == 10 { return Date(timeIntervalSince1970: Double(days) * 86_400) }

        guard b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = number(11, 2), b.count > 13, b[13] == 58,
              let minute = number(14, 2) else {
            throw fail("the time must look like T06:00:00Z")
        }
        var i = 16
        var second = 0
        var fraction = 0.0
        if i < b.count, b[i] == 58 {
            guard let s = number(i + 1, 2) else { throw fail("seconds must be two digits") }
            second = s
            i += 3
            if i < b.count, b[i] == 46 || b[i] == 44 {
                i += 1
                var scale = 0.1
                let digitsStart = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    fraction += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                guard i > digitsStart else { throw fail("a decimal point must be followed by digits") }
            }
        }
        guard hour <= 23, minute <= 59, second <= 59 else {
            throw fail("time \(hour):\(minute):\(second) does not exist (hours 0-23, minutes and seconds 0-59)")
        }
        guard i < b.count else { throw fail("add a zone: Z for UTC or an offset like +01:00") }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 43 ? 1 : -1
            guard let oh = number(i + 1, 2) else { throw fail("the offset must look like +01:00") }
            i += 3
            if i < b.count, b[i] == 58 { i += 1 }
            guard let om = number(i, 2), oh <= 23, om <= 59 else { throw fail("the offset must look like +01:00") }
            i += 2
            offset = sign * (oh * 3600 + om * 60)
        } else {
            throw fail("add a zone: Z for UTC or an offset like +01:00")
        }
        guard i == b.count else { throw fail("unexpected text after the zone") }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

/// Why a date text was refused; the message quotes it and says what is wrong.
public struct ISODateError: Error, CustomStringConvertible, Sendable, Equatable {
    public let text: String
    public let reason: String
    public var description: String { "'\(text)' is not a date: \(reason)" }
}
