import Foundation
import OrchCore
@testable import OrchStore
import OrchTestSupport
import Testing

/// `remote_attempt` on both databases (issue 19): an offer is leased once per epoch, a lease never acknowledged is
/// leased again with a new epoch, every call with an old epoch or for a try that moved on is refused, and each
/// change is numbered so the scheduler reads only what changed.
@Suite struct RemoteAttemptStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Offers try 1 of task `t` as attempt `attemptId` on `queue`.
    func offer(_ store: SQLStateStore, _ attemptId: Int64, runPk: Int64, queue: String, bundle: String = "abc",
               at time: Date? = nil) throws {
        try store.offerRemoteAttempt(attemptId: attemptId, runPk: runPk, taskId: "t", tryNumber: 1, dagId: "d",
                                     queue: queue, bundleSHA256: bundle, spec: "{}", now: time ?? now)
    }

    /// A running run whose task `t` runs (as the engine marks an offered try) on try `tryNumber` (what the engine writes when it launches an attempt).
    func queuedRun(_ store: SQLStateStore, tryNumber: Int) throws -> Int64 {
        let run = try store.createRun(dagId: "d", runId: "r", runType: .manual, interval: day, conf: [:],
                                      tasks: [("t", 3)], owner: nil, now: now)
        try store.db.execute("UPDATE dag_run SET state = 'running', start_date = ? WHERE id = ?", [now.unix, run.pk])
        try store.db.execute("UPDATE task_instance SET state = 'running', try_number = ? WHERE run_pk = ?",
                             [tryNumber, run.pk])
        return run.pk
    }

    @Test(arguments: SQLBackend.allCases)
    func aLeaseIsFencedByItsEpochAndItsTry(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        let runPk = try queuedRun(store, tryNumber: 1)
        try offer(store, 7, runPk: runPk, queue: "gpu")
        let offeredAt = try store.remoteAttemptVersion()
        #expect(offeredAt > 0)
        #expect(try store.leaseRemoteAttempts(queues: ["cpu"], worker: "w1", limit: 5, now: now,
                                              unacknowledgedAfter: 30) { _ in "h" }.isEmpty)
        let first = try store.leaseRemoteAttempts(queues: ["gpu"], worker: "w1", limit: 5, now: now,
                                                  unacknowledgedAfter: 30) { "secret-\($0)-1" }
        #expect(first.map(\.attemptId) == [7] && first.first?.epoch == 1 && first.first?.state == .leased)
        #expect(first.first?.worker == "w1" && first.first?.bundleSHA256 == "abc")
        // Leased and not acknowledged: not leased again before `unacknowledgedAfter`.
        #expect(try store.leaseRemoteAttempts(queues: ["gpu"], worker: "w2", limit: 5, now: now.addingTimeInterval(10),
                                              unacknowledgedAfter: 30) { _ in "x" }.isEmpty)
        #expect(try store.checkLease(attemptId: 7, epoch: 1) { $0 == "secret-7-1" } == .current(first[0]))
        // Its worker died before acknowledging: leased again, with a new epoch; the old token is refused.
        let second = try store.leaseRemoteAttempts(queues: ["gpu"], worker: "w2", limit: 5,
                                                   now: now.addingTimeInterval(60), unacknowledgedAfter: 30) { "secret-\($0)-2" }
        #expect(second.first?.epoch == 2 && second.first?.worker == "w2")
        guard case .refused = try store.checkLease(attemptId: 7, epoch: 1, matches: { $0 == "secret-7-1" }) else {
            Issue.record("the first lease's token still works"); return
        }
        guard case .refused = try store.checkLease(attemptId: 7, epoch: 2, matches: { $0 == "wrong" }) else {
            Issue.record("a wrong secret works"); return
        }
        #expect(try !store.heartbeatRemoteAttempt(attemptId: 7, epoch: 1, now: now.addingTimeInterval(61)))
        #expect(try store.heartbeatRemoteAttempt(attemptId: 7, epoch: 2, now: now.addingTimeInterval(61)))
        // Only what changed since a version is read, in order.
        let changes = try store.remoteAttemptChanges(since: offeredAt)
        #expect(changes.last?.heartbeatAt == now.addingTimeInterval(61) && changes.last?.epoch == 2)
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.version < $1.version })
        try store.requestRemoteStop(runPk: runPk, taskId: "t", tryNumber: 1, signal: "terminate")
        #expect(try store.remoteAttempt(runPk: runPk, taskId: "t", tryNumber: 1)?.stopSignal == "terminate")
        let outcome = AttemptOutcome.failed(exitCode: 3, error: "boom")
        #expect(try !store.completeRemoteAttempt(attemptId: 7, epoch: 1, outcome: outcome, now: now.addingTimeInterval(62)))
        #expect(try store.completeRemoteAttempt(attemptId: 7, epoch: 2, outcome: outcome, now: now.addingTimeInterval(62)))
        #expect(try !store.completeRemoteAttempt(attemptId: 7, epoch: 2, outcome: .success, now: now.addingTimeInterval(63)))
        let done = try #require(try store.remoteAttempt(runPk: runPk, taskId: "t", tryNumber: 1))
        #expect(done.state == .completed && done.outcome == outcome)
        #expect(try !store.revokeRemoteAttempt(runPk: runPk, taskId: "t", tryNumber: 1, as: .lost, now: now))

        // The same attempt row offered again starts over: no worker, epoch 0, no outcome.
        try offer(store, 7, runPk: runPk, queue: "gpu", bundle: "def", at: now.addingTimeInterval(70))
        let again = try #require(try store.remoteAttempt(runPk: runPk, taskId: "t", tryNumber: 1))
        #expect(again.state == .offered && again.epoch == 0 && again.worker == nil && again.outcome == nil)
        #expect(again.bundleSHA256 == "def" && again.stopSignal == nil)
        #expect(try store.revokeRemoteAttempt(runPk: runPk, taskId: "t", tryNumber: 1, as: .cancelled, now: now))
        #expect(try store.remoteAttempt(runPk: runPk, taskId: "t", tryNumber: 1)?.state == .cancelled)
    }

    /// The task instance moved on to another try (cleared, retried by the scheduler): the old try's lease is
    /// refused and its offer is not leased.
    @Test(arguments: SQLBackend.allCases)
    func aTryThatIsNotTheTasksCurrentOneIsRefused(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        let runPk = try queuedRun(store, tryNumber: 1)
        try offer(store, 1, runPk: runPk, queue: "q")
        let leased = try store.leaseRemoteAttempts(queues: ["q"], worker: "w", limit: 1, now: now,
                                                   unacknowledgedAfter: 30) { _ in "s" }
        #expect(leased.count == 1)
        try store.db.execute("UPDATE task_instance SET try_number = 2 WHERE run_pk = ?", [runPk])
        guard case .refused(let reason) = try store.checkLease(attemptId: 1, epoch: 1, matches: { $0 == "s" }) else {
            Issue.record("the old try's lease still works"); return
        }
        #expect(reason.contains("no longer the task's current try"))
        #expect(try !store.completeRemoteAttempt(attemptId: 1, epoch: 1, outcome: .success, now: now))
        try offer(store, 2, runPk: runPk, queue: "q")
        #expect(try store.leaseRemoteAttempts(queues: ["q"], worker: "w", limit: 5, now: now,
                                              unacknowledgedAfter: 30) { _ in "s" }.isEmpty)
    }

    /// Why a queued task waits when it is offered to remote workers and no worker leased it: the queue and since
    /// when; once leased, no reason (it is the worker's).
    @Test(arguments: SQLBackend.allCases)
    func anOfferedTaskWaitsForAWorkerOfItsQueue(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        let dag = DAG("d", tasks: [TaskSpec(id: "t", action: .shell("true"))])
        let runPk = try queuedRun(store, tryNumber: 1)
        try offer(store, 3, runPk: runPk, queue: "gpu")
        let reason = try WaitingReasons(dags: [dag], store: store, workerSlots: 2, schedulerAlive: true, now: now)
            .task(runPk: runPk, taskId: "t")
        #expect(reason == .waitingForWorker(queue: "gpu", since: now))
        #expect(reason?.code == "waiting_for_worker")
        #expect(reason?.description.contains("orch worker --queue gpu") == true)
        _ = try store.leaseRemoteAttempts(queues: ["gpu"], worker: "w", limit: 1, now: now, unacknowledgedAfter: 30) { _ in "s" }
        #expect(try WaitingReasons(dags: [dag], store: store, workerSlots: 2, schedulerAlive: true, now: now)
            .task(runPk: runPk, taskId: "t") == nil)
    }
}
