import Foundation
import OrchCore
import Testing

/// The engine state machine: a run's life, fairness, worker slots, max_active_tasks, pools, max_active_runs and
/// pause, each with the waiting reason it produces. A manual clock; nothing sleeps.
@Suite struct EngineLimitsTests {
    @Test func aChainRunsTaskByTaskAndEndsWithOneBatchPerStep() throws {
        let d = dag("chain", [task("a"), task("b", ["a"])])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        let first = try #require(h.batch)
        #expect(first.startedRuns == [1])
        #expect(first.taskChanges.map(\.key.taskId) == ["a"])
        #expect(first.attemptsBegun.map(\.key.taskId) == ["a"])
        #expect(h.launched == ["1.a#1"])
        #expect(h.launches.first?.isRunsFirst == true)
        #expect(h.reason(1, "b") == .upstream([.init(taskId: "a", state: .running)]))
        #expect(h.reason(1, "b")?.description == "upstream a still running")
        #expect(h.reason(1, "a") == nil)   // running: nothing to explain

        h.clock.advance(1)
        h.exit(1, "a")
        #expect(h.batch?.attemptsEnded.map(\.resolution.state) == [.success])
        #expect(h.launched == ["1.b#1"])
        #expect(h.launches.first?.isRunsFirst == false)
        h.exit(1, "b")
        #expect(h.batch?.finishedRuns == [.init(pk: 1, state: .success, failedTasks: [])])
        #expect(h.batch?.alerts.map(\.kind) == [.runSucceeded])
        #expect(h.machine.activeRunCount == 0)
        #expect(h.wake == nil)
    }

    @Test func aFailureCascadesAndFailsTheRunWithAnAlert() {
        let d = dag("cascade", [task("a"), task("b", ["a"]), task("c", ["b"])])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        h.exit(1, "a", .failed(exitCode: 1, error: "boom"))
        let batch = h.batch
        #expect(batch?.taskChanges.map { "\($0.key.taskId):\($0.state.rawValue)" } == ["b:upstream_failed", "c:upstream_failed"])
        #expect(batch?.finishedRuns.first?.state == .failed)
        #expect(batch?.finishedRuns.first?.failedTasks == ["a"])
        #expect(batch?.alerts.map(\.kind) == [.taskFailed, .runFailed])
    }

    @Test func anIdleRunGetsASlotBeforeABusyRunGetsMore() {
        let big = dag("big", (1...6).map { task("t\($0)") })
        let small = dag("small", [task("only")])
        var h = EngineHarness([big, small], slots: 2)
        // The big run is older, so it comes first in priority; fairness still gives the small one a slot.
        h.send(.runsFound([h.run(1, big, day: 0), h.run(2, small, day: 1)]))
        #expect(h.launched == ["1.t1#1", "2.only#1"])
        #expect(h.reason(1, "t2") == .workerSlotsFull(used: 2, total: 2))
        #expect(h.reason(1, "t2")?.description == "all 2 worker slots busy (2 running)")
    }

    @Test func workerSlotsLimitWhatStartsAndAFreedSlotIsTakenInTheSameStep() {
        let d = dag("wide", (1...3).map { task("t\($0)") })
        var h = EngineHarness([d], slots: 1)
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.launched == ["1.t1#1"])
        h.exit(1, "t1")
        #expect(h.launched == ["1.t2#1"])
        h.send(.slotsChanged(4))
        #expect(h.launched == ["1.t3#1"])
    }

    @Test func maxActiveTasksHoldsOneDAGBack() {
        let d = dag("capped", (1...4).map { task("t\($0)") }, maxActiveTasks: 2)
        var h = EngineHarness([d], slots: 8)
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.launched == ["1.t1#1", "1.t2#1"])
        #expect(h.reason(1, "t3") == .maxActiveTasks(dagId: "capped", limit: 2))
        #expect(h.reason(1, "t3")?.description == "max_active_tasks 2 of DAG capped reached")
    }

    @Test func aNamedPoolIsSharedAcrossDAGsAndSaysWhoHoldsIt() {
        let x = dag("x", [task("load", pool: "warehouse", poolSlots: 2)])
        let y = dag("y", [task("load", pool: "warehouse")])
        var h = EngineHarness([x, y], slots: 8, pools: ["default_pool": 128, "warehouse": 2])
        h.send(.runsFound([h.run(1, x, day: 0), h.run(2, y, day: 1)]))
        #expect(h.launched == ["1.load#1"])
        let reason = h.reason(2, "load")
        #expect(reason == .poolFull(pool: "warehouse", used: 2, size: 2, needs: 1, usedBy: ["x.load"]))
        #expect(reason?.description == "pool warehouse full (2/2, used by x.load); this task needs 1 slot")
        h.exit(1, "load")
        #expect(h.launched == ["2.load#1"])
    }

    @Test func aTaskInAnUnknownPoolWaitsAndSaysWhy() {
        let d = dag("d", [task("t", pool: "nowhere")])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.launched.isEmpty)
        #expect(h.reason(1, "t") == .unknownPool("nowhere"))
        h.send(.poolsChanged(["default_pool": 128, "nowhere": 1]))
        #expect(h.launched == ["1.t#1"])
    }

    @Test func maxActiveRunsAdmitsTheOldestAndTheNextWhenItEnds() {
        let d = dag("serial", [task("t")], maxActiveRuns: 1)
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(2, d, day: 1), h.run(1, d, day: 0), h.run(3, d, day: 2)]))
        #expect(h.batch?.startedRuns == [1])
        #expect(h.machine.runWaitingReason(2) == .maxActiveRuns(dagId: "serial", limit: 1, running: ["run_1"]))
        #expect(h.reason(3, "t")?.description == "max_active_runs 1 of DAG serial reached (running: run_1)")
        h.exit(1, "t")
        #expect(h.batch?.finishedRuns.map(\.pk) == [1])
        #expect(h.batch?.startedRuns == [2])
        #expect(h.launched == ["2.t#1"])
    }

    @Test func aPausedDAGsRunsStayQueuedUntilUnpaused() {
        let d = dag("p", [task("t")])
        var h = EngineHarness([d], paused: ["p"])
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.batch == nil)
        #expect(h.machine.runWaitingReason(1) == .dagPaused("p"))
        #expect(h.reason(1, "t")?.description == "DAG p is paused")
        h.send(.dagPaused("p", false))
        #expect(h.batch?.startedRuns == [1])
        #expect(h.launched == ["1.t#1"])
    }

    @Test func pauseIsTheReasonGivenEvenWithoutAScheduler() {
        let d = dag("p", [task("t")])
        var h = EngineHarness([d], paused: ["p"], holdsLease: false)
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.machine.runWaitingReason(1) == .dagPaused("p"))
        h.send(.dagPaused("p", false))
        #expect(h.machine.runWaitingReason(1) == .noScheduler)
        #expect(h.reason(1, "t")?.description == "no scheduler holds the lease; start one with `orch scheduler` or `orch serve`")
    }

    @Test func aForegroundEngineRunsAPausedDAG() {
        let d = dag("p", [task("t")])
        var h = EngineHarness([d], honourPause: false, paused: ["p"])
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.launched == ["1.t#1"])
    }

    @Test func aRunOfAnUnknownDAGIsNeverAdmittedAndSaysWhy() {
        var h = EngineHarness([])
        h.send(.runsFound([h.run(1, dag("gone", [task("t")]))]))
        #expect(h.batch == nil)
        #expect(h.machine.runWaitingReason(1) == .dagNotLoaded("gone"))
    }
}
