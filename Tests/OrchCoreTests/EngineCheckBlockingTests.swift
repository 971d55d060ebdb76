import Foundation
import OrchCore
import Testing

/// Asset checks in the state machine: a failed error check on an asset blocks the tasks that read it (state
/// blocked_by_check, the check named), their downstream tasks become upstream_failed, and the run fails. No sleeps.
@Suite struct EngineCheckBlockingTests {
    static let silver = "postgres://warehouse/silver.orders"

    /// silver → gold (reads silver) → report; side reads nothing and runs anyway.
    static func pipeline() -> DAG {
        var gold = task("gold", ["silver"])
        gold.assets = TaskAssets(inlets: [silver])
        var silverTask = task("silver")
        silverTask.assets = TaskAssets(outlets: [silver])
        return dag("pipe", [silverTask, gold, task("report", ["gold"]), task("side", ["silver"])])
    }

    @Test func aFailedErrorCheckBlocksTheReadersAndSaysWhich() {
        let d = Self.pipeline()
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.launched == ["1.silver#1"])
        h.send(.checksFailed(runPk: 1, [CheckBlocking.FailedCheck(asset: Self.silver, name: "no_null_ids")]),
               .attemptExited(AttemptKey(runPk: 1, taskId: "silver"), tryNumber: 1, outcome: .success))
        let changes = h.batch?.taskChanges ?? []
        let gold = changes.first { $0.key.taskId == "gold" }
        #expect(gold?.state == .blockedByCheck)
        #expect(gold?.error == "blocked by check 'no_null_ids' on \(Self.silver) (error)")
        #expect(changes.first { $0.key.taskId == "report" }?.state == .upstreamFailed)
        #expect(h.launched == ["1.side#1"])   // a task not reading the asset still runs
        #expect(h.batch?.attemptsEnded.first?.outlets == [Self.silver])
        h.exit(1, "side")
        #expect(h.batch?.finishedRuns.first?.state == .failed)
    }

    @Test func withoutAFailedCheckTheReaderIsScheduled() {
        let d = Self.pipeline()
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        h.send(.checksFailed(runPk: 1, []),
               .attemptExited(AttemptKey(runPk: 1, taskId: "silver"), tryNumber: 1, outcome: .success))
        #expect(Set(h.launched) == ["1.gold#1", "1.side#1"])
        #expect(h.batch?.taskChanges.contains { $0.state == .blockedByCheck } == false)
    }

    @Test func aRunFoundAfterARestartKeepsItsFailedChecks() {
        let d = Self.pipeline()
        var h = EngineHarness([d])
        var input = h.run(1, d, state: .running,
                          tasks: ["silver": TaskInstanceSnapshot(taskId: "silver", state: .success, tryNumber: 1, maxTries: 1)])
        input.failedChecks = [CheckBlocking.FailedCheck(asset: Self.silver, name: "fresh_enough")]
        h.send(.runsFound([input]))
        #expect(h.batch?.taskChanges.first { $0.key.taskId == "gold" }?.state == .blockedByCheck)
        #expect(h.launched == ["1.side#1"])
    }
}
