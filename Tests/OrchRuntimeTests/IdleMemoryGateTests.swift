import Foundation
@testable import OrchRuntime
import Testing

/// When the scheduler gives freed memory back: once per busy spell that ended, never more often than the interval.
struct IdleMemoryGateTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    /// The gate's answers for a sequence of (runs active, seconds after t0) turns.
    func answers(_ turns: [(active: Bool, at: Double)], interval: Double = 10) -> [Bool] {
        var gate = IdleMemoryGate(minimumInterval: interval)
        return turns.map { gate.turnEnded(runsActive: $0.active, now: t0 + $0.at) }
    }

    @Test func anIdleSchedulerThatNeverRanAnythingKeepsItsMemoryAsItIs() {
        #expect(answers([(false, 0), (false, 100)]) == [false, false])
    }

    @Test func theFirstIdleTurnAfterABusySpellGivesBackOnce() {
        #expect(answers([(true, 0), (true, 1), (false, 2), (false, 5), (false, 60)])
                == [false, false, true, false, false])
    }

    /// Another run 2 s after a give-back ends inside the interval: nothing then, but the next idle turn past the
    /// interval gives its memory back.
    @Test func quickRunsInARowGiveBackAtMostOncePerIntervalAndTheLastSpellIsNotForgotten() {
        #expect(answers([(true, 0), (false, 1), (true, 3), (false, 4), (false, 7), (false, 11), (false, 30)])
                == [false, true, false, false, false, true, false])
    }

    /// A turn whose look created runs leaves the engine idle until the next turn starts them: that is not the end
    /// of a busy spell, so nothing is given back just before the runs start; the turn after them is.
    @Test func aTurnThatCreatedRunsCountsAsBusy() {
        var gate = IdleMemoryGate(minimumInterval: 10)
        let answers = [gate.turnEnded(runsActive: true, now: t0),
                       gate.turnEnded(runsActive: false, runsCreated: 2, now: t0 + 20),
                       gate.turnEnded(runsActive: true, now: t0 + 20.01),
                       gate.turnEnded(runsActive: false, now: t0 + 21)]
        #expect(answers == [false, false, false, true])
    }
}
