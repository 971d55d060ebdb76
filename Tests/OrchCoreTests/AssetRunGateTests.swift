import Foundation
import OrchCore
import Testing

struct AssetRunGateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let marks = SchedulerMarks(dagChanges: 3, latestMaterialization: 40)

    @Test func theFirstTurnLooksAndATaskEndThatChangedNothingDoesNot() {
        var gate = AssetRunGate(longestGap: 5)
        #expect(gate.mustLook(now: t0, marks: marks))
        gate.looked(now: t0, marks: marks)
        #expect(!gate.mustLook(now: t0.addingTimeInterval(0.001), marks: marks))
        #expect(!gate.mustLook(now: t0.addingTimeInterval(4.9), marks: marks))
    }

    @Test func aNewMaterializationOrADAGChangeMakesTheNextTurnLook() {
        var gate = AssetRunGate(longestGap: 5)
        gate.looked(now: t0, marks: marks)
        #expect(gate.mustLook(now: t0.addingTimeInterval(1), marks: SchedulerMarks(dagChanges: 3, latestMaterialization: 41)))
        #expect(gate.mustLook(now: t0.addingTimeInterval(1), marks: SchedulerMarks(dagChanges: 4, latestMaterialization: 40)),
                "a DAG unpaused: a due DAG that was skipped while paused")
        #expect(gate.mustLook(now: t0.addingTimeInterval(1), marks: nil), "marks that cannot be read")
        let first = SchedulerMarks(dagChanges: 3, latestMaterialization: nil)
        gate.looked(now: t0, marks: first)
        #expect(gate.mustLook(now: t0.addingTimeInterval(1), marks: SchedulerMarks(dagChanges: 3, latestMaterialization: 1)),
                "the first materialization ever")
    }

    @Test func theLongestGapBoundsTheTimeBetweenLooks() {
        var gate = AssetRunGate(longestGap: 5)
        gate.looked(now: t0, marks: marks)
        #expect(gate.mustLook(now: t0.addingTimeInterval(5), marks: marks))
    }

    @Test func aReloadForgetsTheLastLook() {
        var gate = AssetRunGate(longestGap: 5)
        gate.looked(now: t0, marks: marks)
        gate.forget()
        #expect(gate.mustLook(now: t0, marks: marks))
    }
}
