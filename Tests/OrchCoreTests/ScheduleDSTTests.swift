import Foundation
import Testing
@testable import OrchCore

/// Daylight-saving transitions, with expected instants in UTC.
/// New York: EST = UTC-5, EDT = UTC-4; 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00 UTC),
/// 2026-11-01 02:00 EDT falls back to 01:00 EST (06:00 UTC).
/// London: GMT = UTC, BST = UTC+1; 2026-03-29 01:00 GMT jumps to 02:00 BST (01:00 UTC),
/// 2026-10-25 02:00 BST falls back to 01:00 GMT (01:00 UTC).
@Suite("Schedules across daylight-saving changes")
struct ScheduleDSTTests {
    @Test("the zone data on this machine has the 2026 transitions the tables assume")
    func zoneData() {
        #expect(Zones.newYork.secondsFromGMT(for: utcDate(2026, 3, 8, 6, 59)) == -5 * 3600)
        #expect(Zones.newYork.secondsFromGMT(for: utcDate(2026, 3, 8, 7, 0)) == -4 * 3600)
        #expect(Zones.newYork.secondsFromGMT(for: utcDate(2026, 11, 1, 5, 59)) == -4 * 3600)
        #expect(Zones.newYork.secondsFromGMT(for: utcDate(2026, 11, 1, 6, 0)) == -5 * 3600)
        #expect(Zones.london.secondsFromGMT(for: utcDate(2026, 3, 29, 1, 0)) == 3600)
        #expect(Zones.london.secondsFromGMT(for: utcDate(2026, 10, 25, 1, 0)) == 0)
    }

    @Test("New York spring forward: 02:30 does not exist on 2026-03-08, so it fires at 03:00 EDT")
    func newYorkSpringForward() throws {
        #expect(try fires("30 2 * * *", after: utcDate(2026, 3, 6, 12), in: Zones.newYork, count: 3)
                == [utcDate(2026, 3, 7, 7, 30),   // 02:30 EST
                    utcDate(2026, 3, 8, 7, 0),    // 03:00 EDT, the first instant after the jump
                    utcDate(2026, 3, 9, 6, 30)])  // 02:30 EDT
        // Several skipped times still fire once.
        #expect(try fires("0,15,30,45 2 * * *", after: utcDate(2026, 3, 8, 6, 50), in: Zones.newYork, count: 2)
                == [utcDate(2026, 3, 8, 7, 0), utcDate(2026, 3, 9, 6, 0)])
        // Asking from inside the jump's instant does not fire it again.
        #expect(try fires("30 2 * * *", after: utcDate(2026, 3, 8, 7, 0), in: Zones.newYork, count: 1)
                == [utcDate(2026, 3, 9, 6, 30)])
    }

    @Test("New York fall back: 01:30 happens twice on 2026-11-01 and fires once, at the first")
    func newYorkFallBack() throws {
        #expect(try fires("30 1 * * *", after: utcDate(2026, 10, 31, 12), in: Zones.newYork, count: 2)
                == [utcDate(2026, 11, 1, 5, 30),   // 01:30 EDT
                    utcDate(2026, 11, 2, 6, 30)])  // 01:30 EST next day; not 06:30 UTC on 11-01
        // From inside the repeated hour (01:10 EST) the second 01:30 is skipped too.
        #expect(try fires("30 1 * * *", after: utcDate(2026, 11, 1, 6, 10), in: Zones.newYork, count: 1)
                == [utcDate(2026, 11, 2, 6, 30)])
    }

    @Test("wildcard schedules follow the clock: an hourly run every real hour through both changes")
    func wildcardHours() throws {
        #expect(try fires("0 * * * *", after: utcDate(2026, 11, 1, 4), in: Zones.newYork, count: 3)
                == [utcDate(2026, 11, 1, 5),    // 01:00 EDT
                    utcDate(2026, 11, 1, 6),    // 01:00 EST
                    utcDate(2026, 11, 1, 7)])   // 02:00 EST
        #expect(try fires("*/30 * * * *", after: utcDate(2026, 3, 8, 6), in: Zones.newYork, count: 3)
                == [utcDate(2026, 3, 8, 6, 30),  // 01:30 EST
                    utcDate(2026, 3, 8, 7, 0),   // 03:00 EDT; 02:00 and 02:30 do not exist
                    utcDate(2026, 3, 8, 7, 30)])
        // Asking from the first 01:45 EDT finds the repeated 01:00 EST next.
        #expect(try fires("*/15 * * * *", after: utcDate(2026, 11, 1, 5, 45), in: Zones.newYork, count: 2)
                == [utcDate(2026, 11, 1, 6, 0), utcDate(2026, 11, 1, 6, 15)])
    }

    @Test("London spring forward: 01:30 does not exist on 2026-03-29, fires at 02:00 BST")
    func londonSpringForward() throws {
        #expect(try fires("30 1 * * *", after: utcDate(2026, 3, 27, 12), in: Zones.london, count: 3)
                == [utcDate(2026, 3, 28, 1, 30),  // 01:30 GMT
                    utcDate(2026, 3, 29, 1, 0),   // 02:00 BST
                    utcDate(2026, 3, 30, 0, 30)]) // 01:30 BST
        #expect(try fires("0 2 * * *", after: utcDate(2026, 3, 28, 12), in: Zones.london, count: 1)
                == [utcDate(2026, 3, 29, 1, 0)])  // 02:00 BST exists: the real 02:00
    }

    @Test("London fall back: 01:30 happens twice on 2026-10-25 and fires once")
    func londonFallBack() throws {
        #expect(try fires("30 1 * * *", after: utcDate(2026, 10, 24, 12), in: Zones.london, count: 3)
                == [utcDate(2026, 10, 25, 0, 30),  // 01:30 BST
                    utcDate(2026, 10, 26, 1, 30),  // 01:30 GMT next day
                    utcDate(2026, 10, 27, 1, 30)])
    }

    @Test("daily at midnight stays at local midnight; the interval around a change is 23 or 25 hours")
    func localMidnight() throws {
        #expect(try fires("@daily", after: utcDate(2026, 3, 7, 12), in: Zones.newYork, count: 2)
                == [utcDate(2026, 3, 8, 5), utcDate(2026, 3, 9, 4)])
        #expect(try fires("@daily", after: utcDate(2026, 10, 31, 12), in: Zones.newYork, count: 2)
                == [utcDate(2026, 11, 1, 4), utcDate(2026, 11, 2, 5)])
    }

    @Test("Lord Howe Island moves its clock by 30 minutes: 02:15 is skipped, 01:45 repeats")
    func halfHourShift() throws {
        let lordHowe = try #require(TimeZone(identifier: "Australia/Lord_Howe"))
        // 2026-10-04 02:00 +10:30 jumps to 02:30 +11:00 (15:30 UTC).
        #expect(try fires("15 2 * * *", after: utcDate(2026, 10, 3, 0), in: lordHowe, count: 2)
                == [utcDate(2026, 10, 3, 15, 30), utcDate(2026, 10, 4, 15, 15)])
        // 2026-04-05 02:00 +11:00 falls back to 01:30 +10:30 (15:00 UTC); 01:45 fires at its first occurrence.
        #expect(try fires("45 1 * * *", after: utcDate(2026, 4, 4, 0), in: lordHowe, count: 2)
                == [utcDate(2026, 4, 4, 14, 45), utcDate(2026, 4, 5, 15, 15)])
    }

    @Test("a jump of more than 3 hours is a correction: Samoa's missing 2011-12-30 does not fire")
    func dateLineJump() throws {
        let apia = try #require(TimeZone(identifier: "Pacific/Apia"))
        // 2011-12-29 23:59:59 -10:00 was followed by 2011-12-31 00:00 +14:00 (10:00 UTC on the 30th).
        #expect(try fires("0 12 * * *", after: utcDate(2011, 12, 29, 0), in: apia, count: 2)
                == [utcDate(2011, 12, 29, 22), utcDate(2011, 12, 30, 22)])
    }

    @Test("fires are exactly the times an independent minute-by-minute scan of the clock finds, across both changes",
          arguments: ["7 * * * *", "*/20 * * * *", "45 23 * * *"])
    func wildcardAgreesWithScan(_ text: String) throws {
        // For schedules without a time in the gap or overlap handling, the answer is every real minute whose local
        // clock reading matches; read the clock with DateComponents-free arithmetic: UTC instant + zone offset.
        let cron = try CronExpression(text)
        for (zone, from) in [(Zones.newYork, utcDate(2026, 3, 7)), (Zones.newYork, utcDate(2026, 10, 31)),
                             (Zones.london, utcDate(2026, 3, 28)), (Zones.london, utcDate(2026, 10, 24))] {
            var expected: [Date] = []
            for minute in 1...(3 * 24 * 60) {
                let t = from.addingTimeInterval(TimeInterval(minute * 60))
                let wall = Int64(t.timeIntervalSince1970) + Int64(zone.secondsFromGMT(for: t))
                if cron.matches(CivilTime(wallSeconds: wall)) { expected.append(t) }
            }
            #expect(try fires(text, after: from, in: zone, count: expected.count) == expected)
        }
    }
}
