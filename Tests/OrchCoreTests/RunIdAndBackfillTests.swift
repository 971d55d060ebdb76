import Foundation
import OrchCore
import Testing

/// Issue 11 (defects 4 and 8): generated run ids tell triggers in the same second apart; a backfill is clamped to
/// the start date and needs confirmation above the limit.
struct RunIdAndBackfillTests {
    @Test("a generated run id keeps the microseconds of its logical date, and only when it has them")
    func generatedRunIds() {
        let whole = Date(timeIntervalSince1970: 1_795_132_800)
        #expect(RunIdRule.generated(.manual, logicalDate: whole) == "manual__2026-11-20T00:00:00Z")
        #expect(RunIdRule.generated(.manual, logicalDate: whole.addingTimeInterval(0.123456))
                == "manual__2026-11-20T00:00:00.123456Z")
        #expect(RunIdRule.generated(.manual, logicalDate: whole.addingTimeInterval(0.000001))
                != RunIdRule.generated(.manual, logicalDate: whole.addingTimeInterval(0.000002)))
        #expect(RunIdRule.candidate("manual__x", attempt: 1) == "manual__x")
        #expect(RunIdRule.candidate("manual__x", attempt: 3) == "manual__x_3")
        #expect(RunIdRule.problem(with: "ok_id") == nil)
        #expect(RunIdRule.problem(with: "a/b") != nil)
        #expect(RunIdRule.problem(with: "") != nil)
    }

    func daily(start: Date?) throws -> Timetable {
        Timetable(schedule: try Schedule.parse("@daily"), timeZone: TimeZone(identifier: "UTC")!, startDate: start,
                  endDate: nil, catchup: true)
    }

    @Test("a range starting before the start date is clamped to it, with a warning")
    func clampedToStartDate() throws {
        let plan = try BackfillPlan.make(timetable: try daily(start: Date.utc(2026, 11, 1)), from: Date.utc(1000, 1, 1),
                                         to: Date.utc(2026, 11, 3), confirmed: false)
        #expect(plan.intervals.map(\.start) == [Date.utc(2026, 11, 1), Date.utc(2026, 11, 2), Date.utc(2026, 11, 3)])
        #expect(plan.warnings == ["--from 1000-01-01T00:00:00Z is before the DAG's start date 2026-11-01T00:00:00Z; "
                                  + "backfilling from 2026-11-01T00:00:00Z"])
    }

    @Test("a range wholly before the start date is refused")
    func wholeRangeBeforeStart() throws {
        #expect(throws: BackfillRefusal.self) {
            try BackfillPlan.make(timetable: try daily(start: Date.utc(2026, 11, 1)), from: Date.utc(1000, 1, 1),
                                  to: Date.utc(2026, 10, 31), confirmed: false)
        }
    }

    @Test("more runs than the limit need confirmation; the refusal says how many")
    func limit() throws {
        let t = try daily(start: nil)
        do {
            _ = try BackfillPlan.make(timetable: t, from: Date.utc(2020, 1, 1), to: Date.utc(2026, 1, 1), confirmed: false)
            Issue.record("a 2,193-run backfill was not refused")
        } catch {
            #expect(error.description.contains("would create 2193 runs"), "\(error)")
            #expect(error.description.contains("--yes"))
        }
        #expect(try BackfillPlan.make(timetable: t, from: Date.utc(2020, 1, 1), to: Date.utc(2026, 1, 1),
                                      confirmed: true).intervals.count == 2193)
        #expect(try BackfillPlan.make(timetable: t, from: Date.utc(2020, 1, 1), to: Date.utc(2020, 1, 1).addingTimeInterval(999 * 86_400),
                                      confirmed: false).intervals.count == 1000)
        #expect(throws: BackfillRefusal("--from must not be after --to")) {
            try BackfillPlan.make(timetable: t, from: Date.utc(2020, 1, 2), to: Date.utc(2020, 1, 1), confirmed: false)
        }
    }
}
