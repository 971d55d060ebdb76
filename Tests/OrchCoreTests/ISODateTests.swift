import Foundation
import OrchCore
import Testing

/// Issue 11 (defect 7): dates are read on the proleptic Gregorian calendar and impossible ones are refused.
/// Foundation read `1500-01-01` as 1500-01-10 and `0001-01-01` as 0000-12-30 (Julian before 1582), and rolled
/// `2026-02-30` over to March 2.
struct ISODateTests {
    /// Seconds since 1970 of proleptic Gregorian dates, from Python's `datetime.date.toordinal()` (which is
    /// proleptic Gregorian): `(date(y, m, d).toordinal() - date(1970, 1, 1).toordinal()) * 86400`.
    @Test("days before 1582 keep their calendar date", arguments: [
        ("1500-01-01", -14_831_769_600.0), ("0001-01-01", -62_135_596_800.0), ("1582-10-04", -12_220_243_200.0),
        ("1582-10-15", -12_219_292_800.0), ("1000-03-01", -30_605_126_400.0), ("2026-11-20", 1_795_132_800.0),
    ])
    func properGregorian(_ text: String, _ seconds: Double) throws {
        let date = try ISODate.parse(text)
        #expect(date.timeIntervalSince1970 == seconds)
        #expect(UTCFormat.day(date) == text)
    }

    @Test("times with zones and fractions")
    func times() throws {
        #expect(try ISODate.parse("2026-11-20T06:00:00Z").timeIntervalSince1970 == 1_795_132_800 + 6 * 3600)
        #expect(try ISODate.parse("2026-11-20T07:00:00+01:00") == ISODate.parse("2026-11-20T06:00:00Z"))
        #expect(try ISODate.parse("2026-11-20T01:00-0500") == ISODate.parse("2026-11-20T06:00:00Z"))
        #expect(try ISODate.parse("2026-11-20T06:00:00.250Z").timeIntervalSince1970 == 1_795_132_800 + 6 * 3600 + 0.25)
        #expect(UTCFormat.iso(try ISODate.parse("1500-01-01T12:30:00Z")) == "1500-01-01T12:30:00Z")
    }

    @Test("impossible or malformed dates are refused with the reason", arguments: [
        ("2026-02-30", "day 30 does not exist in 2026-02 (it has 28 days)"),
        ("2100-02-29", "day 29 does not exist in 2100-02"),
        ("2026-13-01", "month 13 does not exist"),
        ("2026-00-10", "month 0 does not exist"),
        ("2026-04-31", "day 31 does not exist"),
        ("2026-13-45T99:99:99Z", "month 13"),
        ("2026-11-20T24:00:00Z", "does not exist (hours 0-23"),
        ("2026-11-20T06:00:00", "add a zone"),
        ("yesterday", "use YYYY-MM-DD"),
        ("2026-11-20T06:00:00Zjunk", "unexpected text"),
    ])
    func refused(_ text: String, _ reason: String) {
        #expect(throws: ISODateError.self) { try ISODate.parse(text) }
        do { _ = try ISODate.parse(text) } catch {
            #expect(error.description.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("'\(text)' is not a date"))
        }
    }

    @Test("leap days exist where the Gregorian rule says so")
    func leapDays() throws {
        #expect(throws: Never.self) { try ISODate.parse("2000-02-29") }
        #expect(throws: Never.self) { try ISODate.parse("1600-02-29") }
        #expect(throws: ISODateError.self) { try ISODate.parse("1500-02-29") }   // a Julian leap day, not Gregorian
    }

    @Test("Date.utc in DAG files is proleptic Gregorian too")
    func dateUTC() {
        #expect(Date.utc(1500, 1, 1).timeIntervalSince1970 == -14_831_769_600)
        #expect(Date.utc(2026, 11, 1).timeIntervalSince1970 == 1_793_491_200)
        #expect(Date.utc(2026, 13, 1) == Date.utc(2027, 1, 1))
    }
}
