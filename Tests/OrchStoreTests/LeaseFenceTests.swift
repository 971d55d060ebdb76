import Foundation
import OrchCore
@testable import OrchStore
import OrchTestSupport
import Testing

/// The lease's epoch fences the engine's writes (issue 19): a scheduler whose lease was taken over cannot begin an
/// attempt any more, on either database, even though its own connection still works.
@Suite struct LeaseFenceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Two stores (two connections, as two scheduler processes have) on one fresh database.
    func twoStores(_ backend: SQLBackend) throws -> (SQLStateStore, SQLStateStore, TestStoreDisposal) {
        switch backend {
        case .sqlite:
            let dir = try TempDir()
            let a = try makeStore(dir)
            return (a, try SQLStateStore(path: a.path, migrate: false), TestStoreDisposal(dir.cleanup))
        case .postgres:
            let (a, schema) = try makePostgresStore()
            return (a, try SQLStateStore(location: a.location, migrate: false), TestStoreDisposal(schema.drop))
        }
    }

    @Test(arguments: SQLBackend.allCases)
    func theEpochGrowsOnTakeoverAndAStaleHolderCannotBeginAnAttempt(_ backend: SQLBackend) throws {
        let (a, b, disposal) = try twoStores(backend); defer { disposal.cleanup() }
        let start = Date.utc(2026, 11, 1)
        let run = try a.createRun(dagId: "d", runId: "r", runType: .manual,
                                  interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                  logicalDate: nil, conf: [:], tasks: [("t1", 1), ("t2", 1)], owner: nil, now: now,
                                  generatedRunId: false)
        #expect(try a.acquireLease(holder: "A", pid: 1, hostname: "h", now: now, ttl: 15) { _ in true } == nil)
        #expect(try a.lease()?.epoch == 1)
        #expect(try a.acquireLease(holder: "A", pid: 1, hostname: "h", now: now, ttl: 15) { _ in true } == nil)
        #expect(try a.lease()?.epoch == 1, "the same holder keeps its epoch")
        a.fenceEngineWrites(holder: "A", epoch: 1)
        func begin(_ store: SQLStateStore, _ task: String) throws -> [AttemptKey: Int64] {
            var batch = TransitionBatch()
            let key = AttemptKey(runPk: run.pk, taskId: task)
            batch.attemptsBegun = [.init(key: key, tryNumber: 1)]
            return try store.applyEngineBatch(batch, owner: "scheduler",
                                              begun: [key: AttemptStart(isolation: .process, logPath: "/tmp/\(task).log")],
                                              alerts: [], now: now)
        }
        #expect(try begin(a, "t1").count == 1, "the holder writes")

        // B takes the lease over (A looks dead to it): epoch 2. A, frozen meanwhile, wakes up and tries again.
        #expect(try b.acquireLease(holder: "B", pid: 2, hostname: "h", now: now.addingTimeInterval(1), ttl: 15) { _ in false } == nil)
        #expect(try b.lease()?.epoch == 2)
        #expect(throws: StaleLeaseError.self) { try begin(a, "t2") }
        #expect(try a.taskInstances(runPk: run.pk).first { $0.taskId == "t2" }?.state == TaskState.none,
                "nothing of the refused batch was written")
        b.fenceEngineWrites(holder: "B", epoch: 2)
        #expect(try begin(b, "t2").count == 1, "the new holder writes")
        #expect(try a.heartbeat(holder: "A", now: now.addingTimeInterval(2)) == false, "and A learns it lost the lease")
    }

    /// Run creation, schedule positions and alert claims are the scheduler's writes too: a deposed scheduler (its
    /// run creator or its alert dispatcher, a step behind) can create no due run and claim no alert; the new
    /// holder can. A store that was never fenced (the API's, the CLI's) is not affected.
    @Test(arguments: SQLBackend.allCases)
    func aStaleHolderCreatesNoRunMovesNoScheduleAndClaimsNoAlert(_ backend: SQLBackend) throws {
        let (a, b, disposal) = try twoStores(backend); defer { disposal.cleanup() }
        let day = Date.utc(2026, 11, 1)
        func createDueRun(_ store: SQLStateStore, _ runId: String, daysLater: Double) throws -> RunRecord {
            let start = day.addingTimeInterval(86_400 * daysLater)
            return try store.createRun(dagId: "d", runId: runId, runType: .scheduled,
                                       interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                       logicalDate: nil, conf: [:], tasks: [("t1", 1)], owner: nil, now: now,
                                       generatedRunId: false)
        }
        let alert = AlertDraft(deliveryId: "a-1", event: "dag_run_failed", target: "http://127.0.0.1:9/hook", dagId: "d",
                               runId: nil, taskId: nil, tryNumber: nil, payload: "{}")
        try a.enqueueAlerts([alert], now: now)
        #expect(try a.acquireLease(holder: "A", pid: 1, hostname: "h", now: now, ttl: 15) { _ in true } == nil)
        a.fenceEngineWrites(holder: "A", epoch: 1)
        _ = try createDueRun(a, "scheduled__1", daysLater: 0)

        #expect(try b.acquireLease(holder: "B", pid: 2, hostname: "h", now: now.addingTimeInterval(1), ttl: 15) { _ in false } == nil)
        #expect(throws: StaleLeaseError.self) { try createDueRun(a, "scheduled__2", daysLater: 1) }
        #expect(throws: StaleLeaseError.self) {
            try a.setSchedulePosition("d", lastInterval: DataInterval(start: day, end: day), nextRunAt: now)
        }
        #expect(throws: StaleLeaseError.self) { try a.claimDueAlerts(now: now.addingTimeInterval(60), limit: 10, claimSeconds: 30) }
        #expect(try b.runs(withRunId: "scheduled__2").isEmpty, "nothing of the refused run was written")

        b.fenceEngineWrites(holder: "B", epoch: 2)
        #expect(try createDueRun(b, "scheduled__2", daysLater: 1).runId == "scheduled__2", "the new holder creates it")
        #expect(try b.claimDueAlerts(now: now.addingTimeInterval(60), limit: 10, claimSeconds: 30).map(\.deliveryId) == ["a-1"])
        // A store that was never fenced, as the API's: a manual trigger still works whoever holds the lease.
        let api = try SQLStateStore(location: a.location, migrate: false)
        #expect(try createDueRun(api, "manual__api", daysLater: 5).runId == "manual__api")
    }

    /// The retention job of a deposed scheduler deletes nothing (its batches are refused); the new holder's and an
    /// unfenced store's (`orch db clean`) do.
    @Test(arguments: SQLBackend.allCases)
    func aStaleHolderDeletesNoOldRun(_ backend: SQLBackend) throws {
        let (a, b, disposal) = try twoStores(backend); defer { disposal.cleanup() }
        let day = Date.utc(2026, 1, 1)
        let old = try a.createRun(dagId: "d", runId: "scheduled__old", runType: .scheduled,
                                  interval: DataInterval(start: day, end: day.addingTimeInterval(86_400)), logicalDate: nil,
                                  conf: [:], tasks: [("t1", 1)], owner: nil, now: day, generatedRunId: false)
        try a.markRun(pk: old.pk, state: .success, now: day.addingTimeInterval(86_400 + 60))
        #expect(try a.acquireLease(holder: "A", pid: 1, hostname: "h", now: now, ttl: 15) { _ in true } == nil)
        a.fenceEngineWrites(holder: "A", epoch: 1)
        #expect(try b.acquireLease(holder: "B", pid: 2, hostname: "h", now: now.addingTimeInterval(1), ttl: 15) { _ in false } == nil)
        #expect(throws: StaleLeaseError.self) { _ = try a.deleteFinishedRuns(before: now, endedBefore: now) }
        #expect(try b.runs(withRunId: "scheduled__old").count == 1, "nothing was deleted")
        b.fenceEngineWrites(holder: "B", epoch: 2)
        #expect(try b.deleteFinishedRuns(before: now, endedBefore: now).runs.map(\.1) == ["scheduled__old"])
        let cli = try SQLStateStore(location: a.location, migrate: false)
        #expect(try cli.deleteFinishedRuns(before: now, endedBefore: now).runs.isEmpty)
    }

    /// On PostgreSQL the heartbeat is not a writers' turn (no advisory lock): another process's long write
    /// transaction does not hold it up, so it cannot make a busy database look like a dead scheduler.
    @Test func aHeartbeatDoesNotWaitForAnotherWritersTransactionOnPostgreSQL() throws {
        let (a, b, disposal) = try twoStores(.postgres); defer { disposal.cleanup() }
        #expect(try a.acquireLease(holder: "A", pid: 1, hostname: "h", now: now, ttl: 15) { _ in true } == nil)
        let writerStarted = DispatchSemaphore(value: 0)
        let writerDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? b.write {
                writerStarted.signal()
                Thread.sleep(forTimeInterval: 5)
            }
            writerDone.signal()
        }
        writerStarted.wait()
        let started = Date()
        #expect(try a.heartbeat(holder: "A", now: now.addingTimeInterval(1)))
        let waited = Date().timeIntervalSince(started)
        // Ordering, not speed: the heartbeat returned while the other writer's transaction was still open.
        let writerStillOpen = writerDone.wait(timeout: .now()) == .timedOut
        if !writerStillOpen { writerDone.signal() }
        writerDone.wait()
        print(String(format: "FIGURES heartbeat during another writer's 5 s transaction: %.3f s", waited))
        #expect(writerStillOpen, "the heartbeat waited \(waited) s, until the other writer's transaction ended")
    }
}
