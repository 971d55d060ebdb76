import Foundation
import OrchCore
import Testing

/// A deadline alerts only for runs that could still meet it when they were created (issue 16, item 10).
@Suite struct RunDeadlineTests {
    static let end = Date.utc(2026, 11, 20, 6)

    /// (minutes after the interval's end the run was queued, minutes after the end it is now, missed?)
    static let cases: [(Double, Double, Bool)] = [
        // (minutes after the interval's end the run was queued, minutes after the end it is now, missed?)
        (0.0, 29.0, false),      // scheduled on time, still within 30 minutes
        (0.0, 31.0, true),       // scheduled on time, late
        (29.0, 31.0, true),      // queued just before the deadline, then late
        (30.0, 31.0, true),      // queued exactly at the deadline: it could still be met that instant
        (31.0, 45.0, false),     // queued after the deadline had passed: a manual run of a past date
        (-600.0, 700.0, true),   // queued ahead of its interval's end
        (525_600, 527_040, false),  // a backfill of last year
    ]

    @Test(arguments: cases)
    func missedOnlyWhenItCouldHaveBeenMet(_ queuedAfter: Double, _ nowAfter: Double, _ missed: Bool) {
        let rule = RunDeadline(minutes: 30)
        #expect(rule.isMissed(intervalEnd: Self.end, queuedAt: Self.end.addingTimeInterval(queuedAfter * 60),
                              now: Self.end.addingTimeInterval(nowAfter * 60)) == missed)
    }

    @Test func dueIsTheIntervalEndPlusTheMinutes() {
        #expect(RunDeadline(minutes: 90).due(intervalEnd: Self.end) == Date.utc(2026, 11, 20, 7, 30))
    }
}
