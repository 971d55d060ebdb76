import Foundation
import Testing
@testable import OrchCore

@Suite("Cron next fire time (UTC)")
struct CronNextFireTests {
    @Test("steps, lists and ranges")
    func steps() throws {
        #expect(try fires("*/15 * * * *", after: utcDate(2026, 5, 1, 10, 7), count: 4)
                == [utcDate(2026, 5, 1, 10, 15), utcDate(2026, 5, 1, 10, 30), utcDate(2026, 5, 1, 10, 45),
                    utcDate(2026, 5, 1, 11, 0)])
        #expect(try fires("1-30/10 * * * *", after: utcDate(2026, 5, 1, 10, 21), count: 3)
                == [utcDate(2026, 5, 1, 11, 1), utcDate(2026, 5, 1, 11, 11), utcDate(2026, 5, 1, 11, 21)])
        #expect(try fires("5/20 8,17 * * *", after: utcDate(2026, 5, 1, 9, 0), count: 4)
                == [utcDate(2026, 5, 1, 17, 5), utcDate(2026, 5, 1, 17, 25), utcDate(2026, 5, 1, 17, 45),
                    utcDate(2026, 5, 2, 8, 5)])
    }

    @Test("strictly after: a fire time itself is not returned again; seconds are ignored")
    func strictlyAfter() throws {
        let s = try Schedule.parse("30 * * * *")
        #expect(s.nextFire(after: utcDate(2026, 5, 1, 10, 30), in: Zones.utc) == utcDate(2026, 5, 1, 11, 30))
        #expect(s.nextFire(after: utcDate(2026, 5, 1, 10, 29, 59), in: Zones.utc) == utcDate(2026, 5, 1, 10, 30))
        #expect(s.nextFire(after: utcDate(2026, 5, 1, 10, 30).addingTimeInterval(0.25), in: Zones.utc)
                == utcDate(2026, 5, 1, 11, 30))
    }

    @Test("month and weekday names; 0 and 7 are both Sunday")
    func names() throws {
        // 2026-03-02 is a Monday.
        #expect(try fires("0 9 * * MON-FRI", after: utcDate(2026, 3, 5, 12), count: 3)
                == [utcDate(2026, 3, 6, 9), utcDate(2026, 3, 9, 9), utcDate(2026, 3, 10, 9)])
        #expect(try fires("0 0 * * 7", after: utcDate(2026, 3, 2), count: 2)
                == [utcDate(2026, 3, 8), utcDate(2026, 3, 15)])
        #expect(try fires("0 0 * * 0", after: utcDate(2026, 3, 2), count: 2)
                == [utcDate(2026, 3, 8), utcDate(2026, 3, 15)])
        #expect(try fires("0 0 * * sun", after: utcDate(2026, 3, 2), count: 1) == [utcDate(2026, 3, 8)])
        #expect(try fires("0 6 1 jan,Jul *", after: utcDate(2026, 3, 1), count: 3)
                == [utcDate(2026, 7, 1, 6), utcDate(2027, 1, 1, 6), utcDate(2027, 7, 1, 6)])
    }

    @Test("day-of-month OR day-of-week when both are restricted (Vixie rule)")
    func dayOrRule() throws {
        // Fridays in April 2026 are 3, 10, 17, 24; the 13th is a Monday.
        #expect(try fires("0 0 13 * FRI", after: utcDate(2026, 4, 1), count: 6)
                == [utcDate(2026, 4, 3), utcDate(2026, 4, 10), utcDate(2026, 4, 13), utcDate(2026, 4, 17),
                    utcDate(2026, 4, 24), utcDate(2026, 5, 1)])
    }

    @Test("day-of-month AND day-of-week when either starts with *")
    func dayAndRule() throws {
        // Odd days that are Fridays.
        #expect(try fires("0 0 */2 * FRI", after: utcDate(2026, 1, 1), count: 4)
                == [utcDate(2026, 1, 9), utcDate(2026, 1, 23), utcDate(2026, 2, 13), utcDate(2026, 2, 27)])
        // Day-of-week unrestricted: only the 13th.
        #expect(try fires("0 0 13 * *", after: utcDate(2026, 4, 1), count: 2)
                == [utcDate(2026, 4, 13), utcDate(2026, 5, 13)])
        // Day-of-month unrestricted: only Fridays.
        #expect(try fires("0 0 * * FRI", after: utcDate(2026, 4, 1), count: 2)
                == [utcDate(2026, 4, 3), utcDate(2026, 4, 10)])
    }

    @Test("leap days and short months")
    func leapYears() throws {
        #expect(try fires("0 0 29 2 *", after: utcDate(2026, 1, 1), count: 2)
                == [utcDate(2028, 2, 29), utcDate(2032, 2, 29)])
        // 2100 is not a leap year: 8 years between 29 Februaries.
        #expect(try fires("0 0 29 2 *", after: utcDate(2096, 3, 1), count: 1) == [utcDate(2104, 2, 29)])
        #expect(try fires("0 0 31 * *", after: utcDate(2026, 4, 1), count: 3)
                == [utcDate(2026, 5, 31), utcDate(2026, 7, 31), utcDate(2026, 8, 31)])
        #expect(try fires("59 23 28 * *", after: utcDate(2026, 2, 1), count: 2)
                == [utcDate(2026, 2, 28, 23, 59), utcDate(2026, 3, 28, 23, 59)])
    }

    @Test("impossible dates never fire", arguments: ["0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *", "* * 30,31 FEB *"])
    func neverFires(_ text: String) throws {
        let s = try Schedule.parse(text)
        #expect(s.nextFire(after: utcDate(2026, 1, 1), in: Zones.utc) == nil)
        #expect(s.nextFire(after: utcDate(2026, 1, 1), in: Zones.newYork) == nil)
    }

    @Test("year boundaries")
    func yearBoundary() throws {
        #expect(try fires("0 0 1 1 *", after: utcDate(2026, 12, 31, 23, 59), count: 1) == [utcDate(2027, 1, 1)])
        #expect(try fires("59 23 31 12 *", after: utcDate(2026, 12, 31, 23, 59), count: 1)
                == [utcDate(2027, 12, 31, 23, 59)])
    }

    @Test("matches a brute-force minute scan over a week for assorted expressions",
          arguments: ["*/7 * * * *", "0 */5 * * *", "15 3,15 * * 1-5", "0 0 1,15 * 3", "*/20 9-17 * * SAT,SUN"])
    func agreesWithBruteForce(_ text: String) throws {
        let cron = try CronExpression(text)
        let start = utcDate(2026, 1, 25)
        var expected: [Date] = []
        for minute in 1...(10 * 24 * 60) {
            let t = start.addingTimeInterval(TimeInterval(minute * 60))
            if cron.matches(CivilTime(wallSeconds: Int64(t.timeIntervalSince1970))) { expected.append(t) }
        }
        let got = try fires(text, after: start, count: expected.count)
        #expect(got == expected)
        #expect(!expected.isEmpty)
    }

    @Test("civil calendar arithmetic agrees with known dates")
    func civil() {
        #expect(CivilTime.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilTime.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilTime.weekday(year: 2026, month: 3, day: 8) == 0)   // Sunday
        #expect(CivilTime.weekday(year: 1969, month: 12, day: 31) == 3) // Wednesday
        let t = CivilTime(wallSeconds: Int64(utcDate(2028, 2, 29, 13, 45).timeIntervalSince1970))
        #expect(t == CivilTime(year: 2028, month: 2, day: 29, hour: 13, minute: 45))
        #expect(CivilTime(wallSeconds: -1) == CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59))
    }
}
