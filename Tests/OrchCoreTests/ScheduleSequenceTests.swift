import Foundation
import Testing
@testable import OrchCore

/// Walking fire times backwards (used by catchup=false) must agree with walking them forwards.
@Suite("Schedule fire sequence")
struct ScheduleSequenceTests {
    @Test("previous(atOrBefore:) is the fire time whose successor lies after the probe", arguments: [
        "*/15 * * * *", "30 2 * * *", "30 1 * * *", "0 * * * *", "0 0 13 * FRI", "0 0 29 2 *", "every 45m",
    ])
    func previousAgreesWithNext(_ text: String) throws {
        let s = try Schedule.parse(text)
        let anchor = utcDate(2026, 1, 1, 0, 10)
        // Probes around New York's 2026 changes and at odd seconds.
        var probes: [Date] = []
        for base in [utcDate(2026, 3, 8, 5), utcDate(2026, 11, 1, 4), utcDate(2026, 6, 15, 12)] {
            for k in 0..<24 { probes.append(base.addingTimeInterval(Double(k) * 997)) }
        }
        for probe in probes {
            let prev = try #require(s.previous(atOrBefore: probe, in: Zones.newYork, anchor: anchor))
            #expect(prev <= probe)
            let next = try #require(s.next(after: prev, in: Zones.newYork, anchor: anchor))
            #expect(next > probe, "\(text): after \(prev) comes \(next), which is not after \(probe)")
            let strict = try #require(s.previous(before: prev, in: Zones.newYork, anchor: anchor))
            #expect(s.next(after: strict, in: Zones.newYork, anchor: anchor) == prev)
            let first = try #require(s.first(atOrAfter: probe, in: Zones.newYork, anchor: anchor))
            #expect(first >= probe)
            #expect(first == (prev == probe ? prev : next))
        }
    }

    @Test("on a fire time, previous(atOrBefore:) is itself and previous(before:) is the one before")
    func onBoundary() throws {
        let s = try Schedule.parse("@daily")
        let anchor = Date(timeIntervalSince1970: 0)
        #expect(s.previous(atOrBefore: utcDate(2026, 11, 3), in: Zones.utc, anchor: anchor) == utcDate(2026, 11, 3))
        #expect(s.previous(before: utcDate(2026, 11, 3), in: Zones.utc, anchor: anchor) == utcDate(2026, 11, 2))
        let every = try Schedule.parse("every 6h")
        let start = utcDate(2026, 11, 1, 1)
        #expect(every.previous(atOrBefore: utcDate(2026, 11, 3, 7), in: Zones.utc, anchor: start) == utcDate(2026, 11, 3, 7))
        #expect(every.previous(before: utcDate(2026, 11, 3, 7), in: Zones.utc, anchor: start) == utcDate(2026, 11, 3, 1))
        #expect(every.first(atOrAfter: utcDate(2026, 11, 3, 7, 0, 1), in: Zones.utc, anchor: start) == utcDate(2026, 11, 3, 13))
    }

    @Test("a cron that never fires has no previous fire time either")
    func never() throws {
        let s = try Schedule.parse("0 0 30 2 *")
        #expect(s.previous(atOrBefore: utcDate(2026, 1, 1), in: Zones.utc, anchor: .init(timeIntervalSince1970: 0)) == nil)
    }
}
