import Foundation
import Testing
@testable import OrchCore

/// A manual run's data interval is aligned to the schedule (Airflow's `infer_manual_data_interval`): without a
/// logical date, the latest complete interval at the trigger time; with one, the interval that contains it.
@Suite("Timetable: manual run data intervals")
struct ManualIntervalTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var schedule: String
        var zone: TimeZone = Zones.utc
        var start: Date? = nil
        var logical: Date?
        var triggered: Date
        var expected: DataInterval
        var testDescription: String {
            "\(schedule) logical \(logical.map { "\($0)" } ?? "none") triggered \(triggered)"
        }
    }

    static let cases: [Case] = [
        // Triggered at 12:46 on a @daily DAG: the last complete day.
        Case(schedule: "@daily", logical: nil, triggered: utcDate(2026, 11, 30, 12, 46),
             expected: DataInterval(start: utcDate(2026, 11, 29), end: utcDate(2026, 11, 30))),
        // Exactly at midnight the day that just ended is complete.
        Case(schedule: "@daily", logical: nil, triggered: utcDate(2026, 11, 30),
             expected: DataInterval(start: utcDate(2026, 11, 29), end: utcDate(2026, 11, 30))),
        // One second before midnight: still the day before.
        Case(schedule: "@daily", logical: nil, triggered: utcDate(2026, 11, 30, 23, 59, 59),
             expected: DataInterval(start: utcDate(2026, 11, 29), end: utcDate(2026, 11, 30))),
        // A logical date runs the interval containing it, at midnight or at any hour.
        Case(schedule: "@daily", logical: utcDate(2026, 11, 1), triggered: utcDate(2026, 11, 30, 12, 46),
             expected: DataInterval(start: utcDate(2026, 11, 1), end: utcDate(2026, 11, 2))),
        Case(schedule: "@daily", logical: utcDate(2026, 11, 1, 12, 46), triggered: utcDate(2026, 11, 30, 12, 46),
             expected: DataInterval(start: utcDate(2026, 11, 1), end: utcDate(2026, 11, 2))),
        // Hourly cron.
        Case(schedule: "0 * * * *", logical: nil, triggered: utcDate(2026, 11, 30, 12, 46),
             expected: DataInterval(start: utcDate(2026, 11, 30, 11), end: utcDate(2026, 11, 30, 12))),
        Case(schedule: "0 * * * *", logical: utcDate(2026, 11, 30, 12, 46), triggered: utcDate(2026, 12, 1),
             expected: DataInterval(start: utcDate(2026, 11, 30, 12), end: utcDate(2026, 11, 30, 13))),
        // A daily cron at 06:00 in New York (EST, UTC-5): the last complete 06:00 → 06:00 day.
        Case(schedule: "0 6 * * *", zone: Zones.newYork, logical: nil, triggered: utcDate(2026, 11, 30, 12, 46),
             expected: DataInterval(start: utcDate(2026, 11, 29, 11), end: utcDate(2026, 11, 30, 11))),
        // Interval schedules align to the start date's grid.
        Case(schedule: "every 15m", start: utcDate(2026, 1, 1), logical: nil, triggered: utcDate(2026, 11, 30, 12, 46),
             expected: DataInterval(start: utcDate(2026, 11, 30, 12, 30), end: utcDate(2026, 11, 30, 12, 45))),
        Case(schedule: "every 15m", start: utcDate(2026, 1, 1), logical: utcDate(2026, 11, 30, 12, 46),
             triggered: utcDate(2026, 12, 1),
             expected: DataInterval(start: utcDate(2026, 11, 30, 12, 45), end: utcDate(2026, 11, 30, 13))),
        // @once has no grid: the instant itself.
        Case(schedule: "@once", logical: nil, triggered: utcDate(2026, 11, 30, 12, 46),
             expected: DataInterval(start: utcDate(2026, 11, 30, 12, 46), end: utcDate(2026, 11, 30, 12, 46))),
    ]

    @Test("aligned to the schedule", arguments: cases)
    func aligned(_ c: Case) throws {
        let t = Timetable(schedule: try Schedule.parse(c.schedule), timeZone: c.zone, startDate: c.start, endDate: nil,
                          catchup: false)
        #expect(t.manualInterval(logicalDate: c.logical, triggeredAt: c.triggered) == c.expected)
    }

    @Test("two triggers on the same day get the same interval; the next day's trigger the next one")
    func sameDaySameInterval() throws {
        let t = Timetable(schedule: try Schedule.parse("@daily"), timeZone: Zones.utc, startDate: nil, endDate: nil,
                          catchup: false)
        let morning = t.manualInterval(logicalDate: nil, triggeredAt: utcDate(2026, 11, 30, 8, 1))
        let evening = t.manualInterval(logicalDate: nil, triggeredAt: utcDate(2026, 11, 30, 21, 7))
        let tomorrow = t.manualInterval(logicalDate: nil, triggeredAt: utcDate(2026, 12, 1, 0, 5))
        #expect(morning == evening)
        #expect(tomorrow.start == morning.end)
    }
}
