import Foundation
import OrchCore
import Testing

/// Remote workers (issue 19): tasks of a queue the scheduler does not serve are offered for lease instead of taking
/// local worker slots, and a lease whose heartbeats stop is lost after the lease timeout (the attempt then retried
/// or failed per policy). Time moves by hand.
@Suite struct EngineRemoteLeaseTests {
    func remoteTask(_ id: String, _ upstream: [String] = [], retries: Int = 0, queue: String = "gpu") -> TaskSpec {
        var t = task(id, upstream, retries: retries, delay: 0)
        t.queue = queue
        return t
    }

    func harness(_ dags: [DAG], slots: Int = 1, leaseTimeout: Double = 30) -> EngineHarness {
        var h = EngineHarness(dags, slots: slots)
        h.machine = EngineStateMachine(dags: dags, configuration: .init(workerSlots: slots, localQueues: ["default"],
                                                                              leaseTimeout: leaseTimeout),
                                       pools: ["default_pool": 128])
        return h
    }

    @Test func remoteTasksAreOfferedWithoutTakingLocalSlots() {
        let d = dag("fan", [task("a"), task("b"), remoteTask("r1"), remoteTask("r2")])
        var h = harness([d], slots: 1)
        h.send(.runsFound([h.run(1, d)]))
        // One local slot: one local task, and every remote one (they wait for a worker, not for a local slot).
        #expect(Set(h.launched) == ["1.a#1", "1.r1#1", "1.r2#1"])
        #expect(h.launches.filter { $0.key.taskId.hasPrefix("r") }.allSatisfy { $0.remoteQueue == "gpu" })
        #expect(h.launches.first { $0.key.taskId == "a" }?.remoteQueue == nil)
        #expect(h.machine.localRunningCount == 1)
        #expect(h.reason(1, "b") == .workerSlotsFull(used: 1, total: 1))
    }

    @Test func theDefaultQueueIsRemoteWhenTheSchedulerServesAnother() {
        let d = dag("d", [task("a")])
        var h = EngineHarness([d])
        h.machine = EngineStateMachine(dags: [d], configuration: .init(workerSlots: 2, localQueues: ["local-only"]),
                                       pools: ["default_pool": 128])
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.launches.map(\.remoteQueue) == ["default"])
    }

    @Test func anOfferedAttemptWaitsForAWorkerWithoutExpiring() {
        let d = dag("d", [remoteTask("r")])
        var h = harness([d], leaseTimeout: 10)
        h.send(.runsFound([h.run(1, d)]))
        #expect(h.wake == nil)
        h.clock.advance(3_600)
        h.send(.tick)
        #expect(h.batch == nil)
        #expect(h.machine.runningCount == 1)
    }

    @Test func heartbeatsKeepALeaseAndSilenceLosesItThenItIsRetried() {
        let d = dag("d", [remoteTask("r", retries: 1)])
        var h = harness([d], leaseTimeout: 10)
        h.send(.runsFound([h.run(1, d)]))
        let key = AttemptKey(runPk: 1, taskId: "r")
        h.started(1, "r")          // a worker leased it
        let t0 = h.clock.now
        #expect(h.wake == t0 + 10)
        h.clock.advance(8)
        h.send(.attemptHeartbeat(key, tryNumber: 1))
        #expect(h.wake == t0 + 18)
        h.clock.advance(9.9)
        h.send(.tick)
        #expect(h.batch == nil)
        h.clock.advance(0.1)
        h.send(.tick)
        // Revoked first, then the end written, then try 2 offered again (for whichever worker leases it).
        guard case .revokeLease(let k, let n)? = h.last.first else {
            Issue.record("first action is not the revocation: \(h.last)")
            return
        }
        #expect(k == key && n == 1)
        let end = h.batch?.attemptsEnded.first
        #expect(end?.resolution.state == .upForRetry)
        #expect(end?.outcome.summary.contains("lease lost: no heartbeat from its worker for 10 s") == true)
        #expect(h.launched == ["1.r#2"])
        // The lost try's late completion is ignored; the new try is what counts.
        h.exit(1, "r", try: 1, .success)
        #expect(h.batch == nil)
        h.started(1, "r", try: 2)
        h.exit(1, "r", try: 2, .success)
        #expect(h.batch?.finishedRuns.first?.state == .success)
    }

    @Test func aLostLeaseWithoutRetriesFailsTheTask() {
        let d = dag("d", [remoteTask("r")])
        var h = harness([d], leaseTimeout: 5)
        h.send(.runsFound([h.run(1, d)]))
        h.started(1, "r")
        h.clock.advance(5)
        h.send(.tick)
        #expect(h.batch?.attemptsEnded.first?.resolution.state == .failed)
        #expect(h.batch?.finishedRuns.first?.state == .failed)
    }

    @Test func aHeartbeatOfAnOldTryDoesNotExtendTheLease() {
        let d = dag("d", [remoteTask("r")])
        var h = harness([d], leaseTimeout: 5)
        h.send(.runsFound([h.run(1, d)]))
        h.started(1, "r")
        h.clock.advance(4)
        h.send(.attemptHeartbeat(AttemptKey(runPk: 1, taskId: "r"), tryNumber: 7))
        h.clock.advance(1)
        h.send(.tick)
        #expect(h.batch?.attemptsEnded.count == 1)
    }

    @Test func restartRecoveryFollowsARemoteAttemptAndGivesItsWorkerALeaseTimeoutToReport() {
        let d = dag("d", [remoteTask("r")])
        var h = harness([d], leaseTimeout: 10)
        let ti = TaskInstanceSnapshot(taskId: "r", state: .running, tryNumber: 1, maxTries: 1)
        let leasedAt = h.clock.now.addingTimeInterval(-600)
        h.send(.runsFound([h.run(1, d, state: .running, tasks: ["r": ti], found: ["r": .remote(startedAt: leasedAt)])]))
        #expect(h.launched.isEmpty)   // not offered again: it is still leased
        #expect(h.machine.runningCount == 1)
        #expect(h.wake == h.clock.now + 10)
        h.send(.attemptExited(AttemptKey(runPk: 1, taskId: "r"), tryNumber: 1, outcome: .success))
        #expect(h.batch?.finishedRuns.first?.state == .success)
    }
}
