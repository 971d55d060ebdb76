import Foundation
import OrchCore
import Testing

struct DueRunGateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theFirstTurnLooksAndLaterOnesWaitForTheNextDueTime() {
        var gate = DueRunGate(longestGap: 5)
        #expect(gate.mustLook(now: t0, dagChanges: 7))
        gate.looked(now: t0, nextDue: t0.addingTimeInterval(2), dagChanges: 7)
        #expect(gate.nextDue == t0.addingTimeInterval(2))
        #expect(!gate.mustLook(now: t0.addingTimeInterval(1.9), dagChanges: 7), "a task end: nothing is due yet")
        #expect(gate.mustLook(now: t0.addingTimeInterval(2), dagChanges: 7), "the next run falls due")
    }

    @Test func aChangeByAnotherConnectionMakesTheNextTurnLook() {
        var gate = DueRunGate(longestGap: 5)
        gate.looked(now: t0, nextDue: nil, dagChanges: 7)
        #expect(!gate.mustLook(now: t0.addingTimeInterval(1), dagChanges: 7))
        #expect(gate.mustLook(now: t0.addingTimeInterval(1), dagChanges: 8), "a DAG unpaused elsewhere")
        #expect(gate.mustLook(now: t0.addingTimeInterval(1), dagChanges: nil), "a count that cannot be read")
    }

    @Test func nothingScheduledIsLookedAtAgainAfterTheLongestGap() {
        var gate = DueRunGate(longestGap: 5)
        gate.looked(now: t0, nextDue: nil, dagChanges: 1)
        #expect(gate.nextDue == nil)
        #expect(!gate.mustLook(now: t0.addingTimeInterval(4.9), dagChanges: 1))
        #expect(gate.mustLook(now: t0.addingTimeInterval(5), dagChanges: 1))
        gate.looked(now: t0, nextDue: t0.addingTimeInterval(60), dagChanges: 1)
        #expect(gate.mustLook(now: t0.addingTimeInterval(5), dagChanges: 1), "the gap bounds a far due time too")
    }

    @Test func aReloadForgetsWhatTheLastLookFound() {
        var gate = DueRunGate(longestGap: 5)
        gate.looked(now: t0, nextDue: t0.addingTimeInterval(3), dagChanges: 1)
        gate.forget()
        #expect(gate.nextDue == nil)
        #expect(gate.mustLook(now: t0, dagChanges: 1))
    }
}
