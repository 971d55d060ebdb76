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
}
