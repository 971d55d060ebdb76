import Foundation
import OrchCore
import Testing

/// Restart recovery (attempts found alive or dead by a new scheduler), the lease, draining, and batching several
/// events into one step.
@Suite struct EngineRecoveryTests {
    private func leftRunning(_ h: EngineHarness, _ d: DAG, _ found: FoundAttempt, task t: String = "t") -> EngineRunInput {
        var tasks: [String: TaskInstanceSnapshot] = [:]
        for spec in d.tasks {
            tasks[spec.id] = TaskInstanceSnapshot(taskId: spec.id, state: spec.id == t ? .running : .none,
                                                  tryNumber: spec.id == t ? 1 : 0, maxTries: spec.retry.maxTries)
        }
        return h.run(1, d, state: .running, tasks: tasks, found: [t: found])
    }

    @Test func aTimeoutThatElapsedWhileNothingWatchedIsRecordedAsATimeout() {
        let d = dag("d", [task("t", timeout: 60)])
        var h = EngineHarness([d])
        h.send(.runsFound([leftRunning(h, d, .dead(startedAt: h.clock.now - 100, outcome: nil))]))
        #expect(h.batch?.attemptsEnded.first?.outcome == .timedOut(seconds: 60))
        #expect(h.batch?.finishedRuns.first?.state == .failed)
    }

    @Test func aDeadAttemptWithinItsTimeoutAndNoResultFailedAndIsRetried() {
        let d = dag("d", [task("t", retries: 1, delay: 0, timeout: 600)])
        var h = EngineHarness([d])
        h.send(.runsFound([leftRunning(h, d, .dead(startedAt: h.clock.now - 100, outcome: nil))]))
        #expect(h.batch?.attemptsEnded.first?.outcome == ExecutionTimeout.unwatchedFailure)
        #expect(h.launched == ["1.t#2"])
    }

    @Test func aDeadAttemptThatLeftASuccessIsNotRunAgain() {
        let d = dag("d", [task("t", timeout: 1), task("after", ["t"])])
        var h = EngineHarness([d])
        h.send(.runsFound([leftRunning(h, d, .dead(startedAt: h.clock.now - 100, outcome: .success))]))
        #expect(h.batch?.attemptsEnded.first?.outcome == .success)
        #expect(h.launched == ["1.after#1"])
    }

    @Test func anAliveAttemptPastItsTimeoutIsStoppedAtOnceAndRecordedAsATimeout() {
        let d = dag("d", [task("t", timeout: 60)])
        var h = EngineHarness([d])
        h.send(.runsFound([leftRunning(h, d, .alive(startedAt: h.clock.now - 100))]))
        #expect(h.stops == ["t#1:terminate"])
        #expect(h.machine.runningCount == 1)
        h.exit(1, "t", .crashed(signal: 15, error: "terminated"))
        #expect(h.batch?.attemptsEnded.first?.outcome == .timedOut(seconds: 60))
    }

    @Test func anAliveAttemptIsFollowedAgainAndHoldsItsSlot() {
        let d = dag("d", [task("t"), task("other")])
        var h = EngineHarness([d], slots: 1)
        h.send(.runsFound([leftRunning(h, d, .alive(startedAt: h.clock.now - 5))]))
        #expect(h.launched.isEmpty)
        #expect(h.reason(1, "other") == .workerSlotsFull(used: 1, total: 1))
        h.exit(1, "t")
        #expect(h.launched == ["1.other#1"])
    }

    @Test func aMissingOrLostAttemptFailsWithWhatHappened() {
        let d = dag("d", [task("t")])
        var h = EngineHarness([d])
        h.send(.runsFound([leftRunning(h, d, .missing)]))
        #expect(h.batch?.attemptsEnded.first?.outcome.summary == "no attempt record; the scheduler stopped while starting it")
        var h2 = EngineHarness([d])
        h2.send(.runsFound([leftRunning(h2, d, .lostInProcess(startedAt: h2.clock.now))]))
        #expect(h2.batch?.attemptsEnded.first?.outcome.summary == "the process running this in-process attempt stopped")
    }

    @Test func anAttemptWhoseProcessNeverStartedIsWithdrawnAndRunsAgainAsTheSameTry() {
        let d = dag("d", [task("t"), task("after", ["t"])])
        var h = EngineHarness([d])
        h.send(.runsFound([leftRunning(h, d, .neverStarted)]))
        let key = AttemptKey(runPk: 1, taskId: "t")
        #expect(h.batch?.attemptsWithdrawn == [.init(key: key, tryNumber: 1)])
        #expect(h.batch?.attemptsEnded.isEmpty == true, "nothing ran, so nothing ended and no alert")
        #expect(h.batch?.alerts.isEmpty == true)
        #expect(h.launched == ["1.t#1"])
        #expect(h.batch?.attemptsBegun == [.init(key: key, tryNumber: 1)])
        h.exit(1, "t")
        #expect(h.launched == ["1.after#1"])
    }

    @Test func tasksThatLeftTheDAGAreRemoved() {
        let old = dag("d", [task("t"), task("gone")])
        let now = dag("d", [task("t")])
        var h = EngineHarness([now])
        h.send(.runsFound([h.run(1, old, state: .running)]))
        #expect(h.batch?.taskChanges.first == .init(key: AttemptKey(runPk: 1, taskId: "gone"), state: .removed))
        #expect(h.launched == ["1.t#1"])
    }

    @Test func withoutTheLeaseNothingStartsAndEveryWaitSaysSo() {
        let d = dag("d", [task("t")])
        var h = EngineHarness([d], holdsLease: false)
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.batch == nil)
        #expect(h.reason(1, "t") == .noScheduler)
        h.send(.leaseChanged(held: true))
        #expect(h.launched == ["1.t#1"])
    }

    @Test func drainingStartsNothingNewButFollowsWhatRuns() {
        let d = dag("d", [task("a"), task("b", ["a"])])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        h.send(.drain)
        h.exit(1, "a")
        #expect(h.batch?.taskChanges.map(\.key.taskId) == ["b"])
        #expect(h.launched.isEmpty)
        #expect(h.reason(1, "b") == .schedulerStopping)
    }

    @Test func severalEndsInOneStepMakeOneBatch() {
        let d = dag("fan", (1...3).map { task("t\($0)") } + [task("join", ["t1", "t2", "t3"])])
        var h = EngineHarness([d])
        h.send(.runsFound([h.run(1, d)]))
        let ends = (1...3).map { EngineEvent.attemptExited(AttemptKey(runPk: 1, taskId: "t\($0)"), tryNumber: 1, outcome: .success) }
        let actions = h.machine.handle(ends, now: h.clock.now)
        let batches = actions.compactMap { if case .persist(let b) = $0 { return b }; return nil }
        #expect(batches.count == 1)
        #expect(batches.first?.attemptsEnded.count == 3)
        #expect(batches.first?.attemptsBegun.map(\.key.taskId) == ["join"])
    }

    @Test func aReadOnlyViewExplainsWithoutDeciding() {
        let d = dag("d", [task("a"), task("b", ["a"])])
        var m = EngineStateMachine(dags: [d], configuration: .init(workerSlots: 2), pools: ["default_pool": 128])
        let h = EngineHarness([d])
        m.observe([.runsFound([h.run(1, d)])], now: h.clock.now)
        #expect(m.runWaitingReason(1) == .nextStep)
        #expect(m.waitingReasons(now: h.clock.now).count == 2)
        #expect(m.activeRunCount == 0)
    }
}
