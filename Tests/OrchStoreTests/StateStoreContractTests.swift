import Foundation
import OrchCore
@testable import OrchStore
import Testing

/// The rules every ``StateStore`` keeps, run against the in-memory twin, SQLite on a real file and PostgreSQL (a
/// fresh schema of `ORCH_TEST_PG` per test): the twin is only worth its speed while it behaves like the real
/// thing, and the two databases must keep the same rules.
@Suite struct StateStoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite, postgres
        var testDescription: String { rawValue }
    }

    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A store of that kind, and what removes it afterwards (the folder or the schema).
    func make(_ backend: Backend) throws -> (any StateStore, TestStoreDisposal?) {
        switch backend {
        case .memory: return (InMemoryStateStore(), nil)
        case .sqlite: return try makeStore(SQLBackend.sqlite)
        case .postgres: return try makeStore(SQLBackend.postgres)
        }
    }

    func newRun(_ store: any StateStore, _ runId: String = "r1", day: Int = 1, type: RunType = .manual,
                generated: Bool = false) throws -> RunRecord {
        let start = Date.utc(2026, 11, day)
        return try store.createRun(dagId: "d", runId: runId, runType: type,
                                   interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                   logicalDate: nil, conf: ["k": .string("v")], tasks: [("a", 2), ("b", 1)],
                                   owner: nil, now: now, generatedRunId: generated)
    }

    @Test(arguments: Backend.allCases)
    func runsAreCreatedListedAndCountedTheSameWay(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        let first = try newRun(store, "r1", day: 1)
        _ = try newRun(store, "r2", day: 2, type: .scheduled)
        #expect(first.state == .queued && first.conf == ["k": .string("v")])
        #expect(try store.run(dagId: "d", runId: "r1") == first)
        #expect(try store.run(pk: first.pk)?.runId == "r1")
        #expect(try store.runs(RunQuery(dagId: "d")).map(\.runId) == ["r2", "r1"], "newest first")
        #expect(try store.countRuns(RunQuery(dagId: "d", runTypes: [.manual])) == 1)
        #expect(try store.countRuns(RunQuery(dagId: "d", logicalFrom: Date.utc(2026, 11, 2))) == 1)
        #expect(try store.activeRuns().map(\.runId) == ["r1", "r2"], "oldest first")
        #expect(try store.runExists(dagId: "d", logicalDate: Date.utc(2026, 11, 2), runType: .scheduled))
        #expect(try store.taskInstances(runPk: first.pk).map(\.taskId) == ["a", "b"])
    }

    @Test(arguments: Backend.allCases)
    func aTakenRunIdIsAConflictUnlessGeneratedThenItGetsASuffix(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        _ = try newRun(store, "manual__x", generated: true)
        #expect(throws: StoreError.conflict("DAG 'd' already has a run 'manual__x'")) { try newRun(store, "manual__x") }
        let second = try newRun(store, "manual__x", generated: true)
        #expect(second.runId == RunIdRule.candidate("manual__x", attempt: 2))
        #expect(second.logicalDate > Date.utc(2026, 11, 1), "a tie in logical date moves a generated manual run on")
        #expect(throws: StoreError.self) { try newRun(store, "other", type: .manual) }
    }

    @Test(arguments: Backend.allCases)
    func aTryStartsOnceFinishesAndAClearGivesTheTriesBack(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        let run = try newRun(store)
        try store.startRun(pk: run.pk, owner: "scheduler", now: now)
        let id = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process,
                                        logPath: "/tmp/a.log", now: now)
        #expect(throws: StoreError.self) {
            try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 2, isolation: .process, logPath: "", now: now)
        }
        try store.recordAttemptProcess(attemptId: id, runPk: run.pk, taskId: "a", pid: 4242, startTicks: 7)
        #expect(try store.taskInstances(runPk: run.pk).first?.pid == 4242)
        let outcome = AttemptOutcome.failed(exitCode: 3, error: "boom")
        let retry = AttemptResolution.resolve(outcome, tryNumber: 1, policy: RetryPolicy(retries: 1, delay: 60), now: now)
        try store.finishAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, outcome: outcome, resolution: retry,
                                now: now, alerts: [])
        let a = try #require(try store.taskInstances(runPk: run.pk).first)
        #expect(a.state == .upForRetry && a.nextRetryAt == now.addingTimeInterval(60) && a.pid == nil)
        let attempts = try store.attempts(runPk: run.pk, taskId: "a")
        #expect(attempts.map(\.state) == [.failed] && attempts.first?.exitCode == 3 && attempts.first?.pid == 4242)
        #expect(throws: (any Error).self, "the same try twice") {
            try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process, logPath: "", now: now)
        }
        try store.setTaskStates(runPk: run.pk, [("a", .failed), ("b", .upstreamFailed)], now: now)
        try store.finishRun(pk: run.pk, state: .failed, now: now, alerts: [])
        try store.clearTasks(runPk: run.pk, taskIds: ["a", "b"], now: now)
        let cleared = try store.taskInstances(runPk: run.pk)
        #expect(cleared.map(\.state) == [.none, .none])
        #expect(cleared.map(\.maxTries) == [3, 1], "max_tries grows by the tries used")
        #expect(try store.run(pk: run.pk)?.state == .queued)
    }

    @Test(arguments: Backend.allCases)
    func handActionsKeepTheirRefusals(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        let run = try newRun(store)
        #expect { try store.markTasks(runPk: run.pk, taskIds: ["a"], state: .success, now: now) } throws: {
            ($0 as? StoreError)?.description.contains("is queued; wait for it to finish") == true
        }
        #expect(throws: StoreError.self) { try store.deleteRun(pk: run.pk) }
        #expect(throws: StoreError.self) { try store.markRun(pk: run.pk, state: .running, now: now) }
        try store.markRun(pk: run.pk, state: .success, now: now)
        #expect(try store.taskInstances(runPk: run.pk).map(\.state) == [.success, .success])
        #expect(throws: StoreError.notFound("task 'ghost' of run \(run.pk)")) {
            try store.markTasks(runPk: run.pk, taskIds: ["a", "ghost"], state: .failed, now: now)
        }
        #expect(try store.taskInstances(runPk: run.pk).map(\.state) == [.success, .success], "all or nothing")
        try store.markTasks(runPk: run.pk, taskIds: ["a"], state: .failed, now: now)
        #expect(try store.run(pk: run.pk)?.state == .queued)
        try store.markRun(pk: run.pk, state: .failed, now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: "k", value: .number(1), now: now)
        try store.deleteRun(pk: run.pk)
        #expect(try store.run(pk: run.pk) == nil)
        #expect(try store.xcoms(runPk: run.pk).isEmpty)
        #expect(throws: StoreError.self) { try store.markRun(pk: run.pk, state: .failed, now: now) }
    }

    @Test(arguments: Backend.allCases)
    func xcomsRoundTripAndTheSizeLimitHolds(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        let run = try newRun(store)
        try store.pushXCom(runPk: run.pk, taskId: "b", key: "z", value: ["n": 1], now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: "y", value: .string("first"), now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: "y", value: .string("second"), now: now)
        #expect(try store.pullXCom(runPk: run.pk, taskId: "a", key: "y") == .string("second"))
        #expect(try store.pullXCom(runPk: run.pk, taskId: "a", key: "nope") == nil)
        #expect(try store.xcoms(runPk: run.pk).map { "\($0.taskId).\($0.key)" } == ["a.y", "b.z"])
        #expect(throws: StoreError.self) {
            try store.pushXCom(runPk: run.pk, taskId: "a", key: "big",
                               value: .string(String(repeating: "x", count: SQLiteStateStore.maxXComBytes)), now: now)
        }
    }

    @Test(arguments: Backend.allCases)
    func theLeaseIsHeldRenewedTakenOverWhenStaleAndReleased(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        #expect(try store.acquireLease(holder: "s1", pid: 1, hostname: "h", now: now, ttl: 10) { _ in true } == nil)
        let held = try store.acquireLease(holder: "s2", pid: 2, hostname: "h", now: now.addingTimeInterval(5), ttl: 10) { _ in true }
        #expect(held?.holder == "s1")
        #expect(try store.heartbeat(holder: "s1", now: now.addingTimeInterval(6)))
        #expect(try store.heartbeat(holder: "s2", now: now.addingTimeInterval(6)) == false)
        // Stale (no heartbeat within ttl): taken over.
        #expect(try store.acquireLease(holder: "s2", pid: 2, hostname: "h", now: now.addingTimeInterval(17), ttl: 10) { _ in true } == nil)
        #expect(try store.lease()?.holder == "s2")
        // Fresh but its process is gone: taken over too.
        #expect(try store.acquireLease(holder: "s3", pid: 3, hostname: "h", now: now.addingTimeInterval(18), ttl: 10) { _ in false } == nil)
        try store.releaseLease(holder: "s2")
        #expect(try store.lease()?.holder == "s3", "only the holder releases")
        try store.releaseLease(holder: "s3")
        #expect(try store.lease() == nil)
    }

    /// The paused ids alone, as the engine reads them at a step that takes in new runs.
    @Test(arguments: Backend.allCases)
    func pausedDAGIdsAreThePausedRows(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        #expect(try store.pausedDAGIds() == [])
        try store.syncDAGs([DAG("d"), DAG("e"), DAG("f")], pausedOnCreation: true, now: now)
        try store.setPaused("f", false)
        #expect(try store.pausedDAGIds() == ["d", "e"])
        try store.setPaused("d", false)
        try store.setPaused("f", true)
        #expect(try store.pausedDAGIds() == ["e", "f"])
        #expect(try store.pausedDAGIds() == Set(try store.dags().filter(\.isPaused).map(\.dagId)))
    }

    @Test(arguments: Backend.allCases)
    func dagsSyncPauseAndPools(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        let dag = DAG("d", description: "first", tags: ["t"], schedule: "@daily") { d in d.task("a") }
        try store.syncDAGs([dag], pausedOnCreation: true, now: now)
        #expect(try store.dag("d")?.isPaused == true)
        try store.setPaused("d", false)
        let changed = DAG("d", description: "second", tags: ["t"], schedule: "@hourly") { d in d.task("a") }
        try store.syncDAGs([changed], pausedOnCreation: true, now: now)
        let record = try #require(try store.dag("d"))
        #expect(!record.isPaused && record.description == "second" && record.schedule == "@hourly",
                "a sync keeps the paused flag and updates the rest")
        #expect(throws: StoreError.notFound("DAG 'ghost'")) { try store.setPaused("ghost", true) }
        try store.setSchedulePosition("d", lastInterval: DataInterval(start: now, end: now.addingTimeInterval(3600)),
                                      nextRunAt: now.addingTimeInterval(3600))
        #expect(try store.dag("d")?.nextRunAt == now.addingTimeInterval(3600))
        #expect(try store.pools()["default_pool"] == 128)
        try store.setPool("warehouse", slots: 2, description: "")
        #expect(try store.pools()["warehouse"] == 2)
        #expect(throws: StoreError.self) { try store.setPool("bad", slots: -1, description: "") }
        #expect(try store.dags().map(\.dagId) == ["d"])
    }
}

extension StateStoreContractTests {
    @Test(arguments: Backend.allCases)
    func bulkActionsPlanAndApplyTheSameOnBothBackends(_ backend: Backend) throws {
        let (store, dir) = try make(backend); defer { dir?.cleanup() }
        let failed = try newRun(store, "r1", day: 1)
        try store.setTaskStates(runPk: failed.pk, [("a", .failed), ("b", .upstreamFailed)], now: now)
        try store.finishRun(pk: failed.pk, state: .failed, now: now, alerts: [])
        let live = try newRun(store, "r2", day: 2)
        try store.startRun(pk: live.pk, owner: "scheduler", now: now)
        let filter = BulkFilter(dagId: "d", runIds: ["r1", "r2", "r9"])
        let dry = try store.bulkAction(.runs, .clear, filter: filter, dryRun: true, now: now, maxRuns: 10)
        #expect(dry.changes.map(\.run.runId) == ["r1"] && dry.taskCount == 2)
        #expect(dry.skipped.map(\.runId) == ["r9", "r2"], "the missing run first, then the running one")
        #expect(try store.run(pk: failed.pk)?.state == .failed, "a dry run changes nothing")
        let done = try store.bulkAction(.runs, .clear, filter: filter, dryRun: false, now: now, maxRuns: 10)
        #expect(done.changes == dry.changes, "the real action changes what the dry run listed")
        #expect(try store.taskInstances(runPk: failed.pk).map(\.state) == [.none, .none])
        let marked = try store.bulkAction(.runs, .markFailed, filter: BulkFilter(dagId: "d", runStates: [.running]),
                                          dryRun: false, now: now, maxRuns: 10)
        #expect(marked.changes.map(\.run.runId) == ["r2"])
        #expect(try store.run(pk: live.pk)?.state == .failed)
        #expect(throws: StoreError.self) {
            try store.bulkAction(.runs, .markSuccess, filter: BulkFilter(dagId: "d", logicalFrom: .distantPast),
                                 dryRun: false, now: now, maxRuns: 1)
        }
    }
}
