import Foundation
import Testing
@testable import OrchCore

@Suite("Presets, intervals and @once")
struct SchedulePresetTests {
    @Test("each preset fires like its cron expression", arguments: [
        ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"),
    ])
    func presetMatchesCron(_ preset: String, _ cron: String) throws {
        let from = utcDate(2026, 5, 13, 10, 30)
        #expect(try fires(preset, after: from, in: Zones.newYork, count: 5) == fires(cron, after: from, in: Zones.newYork, count: 5))
        #expect(try Schedule.parse(preset.uppercased()).description == preset)
        #expect(try !Schedule.parse(preset).isOnce)
    }

    @Test("preset fire times")
    func presetTimes() throws {
        let from = utcDate(2026, 5, 13, 10, 30)   // a Wednesday
        #expect(try fires("@hourly", after: from, count: 1) == [utcDate(2026, 5, 13, 11)])
        #expect(try fires("@daily", after: from, count: 1) == [utcDate(2026, 5, 14)])
        #expect(try fires("@weekly", after: from, count: 1) == [utcDate(2026, 5, 17)])
        #expect(try fires("@monthly", after: from, count: 1) == [utcDate(2026, 6, 1)])
        #expect(try fires("@yearly", after: from, count: 1) == [utcDate(2027, 1, 1)])
    }

    @Test("@once has no clock of its own")
    func once() throws {
        let s = try Schedule.parse("@once")
        #expect(s.isOnce)
        #expect(s.kind == .once)
        #expect(s.nextFire(after: utcDate(2026, 1, 1), in: Zones.utc) == nil)
    }

    @Test("intervals are exact durations counted from the epoch when used alone", arguments: [
        ("every 15m", 900), ("every 2h", 7200), ("every 1d", 86_400), ("every 90s", 90), ("every 1 h", 3600),
    ])
    func interval(_ text: String, _ seconds: Int) throws {
        let s = try Schedule.parse(text)
        #expect(s.kind == .interval(seconds: seconds))
        let from = utcDate(2026, 5, 13, 10, 7, 13)
        let next = try #require(s.nextFire(after: from, in: Zones.newYork))
        #expect(next > from)
        #expect(next.timeIntervalSince(from) <= Double(seconds))
        #expect(next.timeIntervalSince1970.truncatingRemainder(dividingBy: Double(seconds)) == 0)
        #expect(s.nextFire(after: next, in: Zones.newYork) == next.addingTimeInterval(Double(seconds)))
    }

    @Test("an interval of a day is 24 hours even across a daylight-saving change")
    func dayIsTwentyFourHours() throws {
        #expect(try fires("every 1d", after: utcDate(2026, 3, 7, 12), in: Zones.newYork, count: 2)
                == [utcDate(2026, 3, 8), utcDate(2026, 3, 9)])
    }

    @Test("equal text gives equal schedules")
    func hashable() throws {
        #expect(try Schedule.parse("0  0 * * mon") == Schedule.parse("0 0 * * MON"))
        #expect(try Schedule.parse("@daily") != Schedule.parse("@hourly"))
        #expect(try Set([Schedule.parse("every 60m"), Schedule.parse("every 1h")]).count == 1)
    }
}
