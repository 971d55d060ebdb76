import Foundation
@testable import OrchCore
import Testing
@testable import OrchStore

/// Runs, task instances, attempts and XCom in a real SQLite file.
@Suite struct StateStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func makeRun(_ store: SQLiteStateStore, runId: String = "manual__1", type: RunType = .manual,
                         interval: DataInterval = day) throws -> RunRecord {
        try store.createRun(dagId: "d", runId: runId, runType: type, interval: interval, conf: ["k": "v"],
                            tasks: [("a", 2), ("b", 1)], owner: nil, now: now)
    }

    @Test func createRunAndReadItBack() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let run = try makeRun(store)
        #expect(try store.run(pk: run.pk) == run)
        #expect(try store.run(dagId: "d", runId: "manual__1") == run)
        #expect(try store.runs(withRunId: "manual__1").map(\.conf) == [["k": "v"]])
        let tis = try store.taskInstances(runPk: run.pk).sorted { $0.taskId < $1.taskId }
        #expect(tis.map(\.state) == [.none, .none])
        #expect(tis.map(\.maxTries) == [2, 1])
        #expect(try store.activeRuns().map(\.pk) == [run.pk])
        #expect(try store.runExists(dagId: "d", logicalDate: day.start, runType: .manual))
        #expect(try !store.runExists(dagId: "d", logicalDate: day.start, runType: .scheduled))
    }

    @Test func duplicateRunIdOrLogicalDateIsAConflict() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        _ = try makeRun(store)
        #expect(throws: StoreError.conflict("DAG 'd' already has a run 'manual__1'")) { try makeRun(store) }
        #expect { try makeRun(store, runId: "other") } throws: {
            ($0 as? StoreError)?.description.contains("already has a manual run for logical date 2026-11-01T00:00:00Z") == true
        }
        // Another run type at the same logical date is fine.
        _ = try makeRun(store, runId: "scheduled__1", type: .scheduled)
    }

    /// Two manual triggers in the same instant (or the same --logical-date twice) are two runs: the second is
    /// placed a microsecond later, in the same interval; a scheduled tie is still a conflict.
    @Test func generatedManualRunsThatTieOnTheLogicalDateAreSeparateRuns() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        func trigger(_ type: RunType = .manual) throws -> RunRecord {
            try store.createRun(dagId: "d", runId: "\(type.rawValue)__x", runType: type, interval: day,
                                logicalDate: day.start, conf: [:], tasks: [("a", 1)], owner: nil, now: now,
                                generatedRunId: true)
        }
        let runs = try (0..<3).map { _ in try trigger() }
        #expect(runs.map(\.runId) == ["manual__x", "manual__x_2", "manual__x_3"])
        #expect(Set(runs.map(\.logicalDate)).count == 3)
        #expect(runs.allSatisfy { $0.dataInterval == day && abs($0.logicalDate.timeIntervalSince(day.start)) < 0.001 })
        #expect(try runs.map { try store.run(pk: $0.pk)?.logicalDate } == runs.map(\.logicalDate))
        _ = try trigger(.scheduled)
        #expect(throws: StoreError.self) { try trigger(.scheduled) }
    }

    @Test func attemptsAreKeptPerTryWithSignalsAndCannotStartTwice() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let run = try makeRun(store)
        try store.startRun(pk: run.pk, owner: "scheduler", now: now)
        let id1 = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process,
                                         logPath: "/l/1.log", now: now)
        #expect(throws: StoreError.self) {
            _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process,
                                       logPath: "/l/1.log", now: now)
        }
        try store.recordAttemptProcess(attemptId: id1, runPk: run.pk, taskId: "a", pid: 4242, startTicks: 77)
        #expect(try store.runningAttempts().map(\.pid) == [4242])
        let retryAt = now.addingTimeInterval(30)
        try store.finishAttempt(runPk: run.pk, taskId: "a", tryNumber: 1,
                                outcome: .crashed(signal: 11, error: "segv"),
                                resolution: AttemptResolution(state: .upForRetry, nextRetryAt: retryAt),
                                now: now.addingTimeInterval(1), alerts: [])
        var ti = try store.taskInstances(runPk: run.pk).first { $0.taskId == "a" }!
        #expect(ti.state == .upForRetry)
        #expect(ti.nextRetryAt == retryAt)
        #expect(ti.pid == nil)
        #expect(ti.error?.contains("SIGSEGV") == true)

        _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 2, isolation: .process,
                                   logPath: "/l/2.log", now: retryAt)
        try store.finishAttempt(runPk: run.pk, taskId: "a", tryNumber: 2, outcome: .success,
                                resolution: AttemptResolution(state: .success, nextRetryAt: nil),
                                now: retryAt.addingTimeInterval(2), alerts: [])
        ti = try store.taskInstances(runPk: run.pk).first { $0.taskId == "a" }!
        #expect(ti.state == .success)
        #expect(ti.tryNumber == 2)
        #expect(ti.error == nil)
        let attempts = try store.attempts(runPk: run.pk, taskId: "a")
        #expect(attempts.map(\.tryNumber) == [1, 2])
        #expect(attempts.map(\.state) == [.failed, .success])
        #expect(attempts.map(\.signal) == [11, nil])
        #expect(attempts.map(\.logPath) == ["/l/1.log", "/l/2.log"])
        #expect(attempts[0].pid == 4242 && attempts[0].pidStartTicks == 77)
        #expect(attempts[0].endDate == now.addingTimeInterval(1))
        #expect(try store.runningAttempts().isEmpty)
        // A finished task cannot start again.
        #expect(throws: StoreError.self) {
            _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 3, isolation: .process,
                                       logPath: "/l/3.log", now: now)
        }
    }

    @Test func timedOutAndFailedAttemptsSayWhy() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let run = try makeRun(store)
        _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process, logPath: "x", now: now)
        try store.finishAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, outcome: .timedOut(seconds: 1),
                                resolution: AttemptResolution(state: .failed, nextRetryAt: nil), now: now, alerts: [])
        _ = try store.beginAttempt(runPk: run.pk, taskId: "b", tryNumber: 1, isolation: .process, logPath: "y", now: now)
        try store.finishAttempt(runPk: run.pk, taskId: "b", tryNumber: 1, outcome: .failed(exitCode: 3, error: ""),
                                resolution: AttemptResolution(state: .failed, nextRetryAt: nil), now: now, alerts: [])
        let attempts = try store.attempts(runPk: run.pk, taskId: nil)
        let a = attempts.first { $0.taskId == "a" }!
        let b = attempts.first { $0.taskId == "b" }!
        #expect(a.error?.contains("timed out") == true)
        #expect(a.signal == nil && a.exitCode == nil)
        #expect(b.exitCode == 3)
        #expect(b.error == "exit code 3")
    }

    @Test func finishMarkAndClear() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let run = try makeRun(store)
        try store.startRun(pk: run.pk, owner: "scheduler", now: now)
        #expect(try store.run(pk: run.pk)?.state == .running)
        #expect(try store.run(pk: run.pk)?.startDate == now)
        try store.setTaskStates(runPk: run.pk, [("a", .failed), ("b", .upstreamFailed)], now: now)
        try store.finishRun(pk: run.pk, state: .failed, now: now, alerts: [])
        #expect(try store.activeRuns().isEmpty)
        #expect(try store.run(pk: run.pk)?.owner == nil)

        try store.clearTasks(runPk: run.pk, taskIds: ["a", "b"], now: now)
        #expect(try store.run(pk: run.pk)?.state == .queued)
        #expect(try store.taskInstances(runPk: run.pk).allSatisfy { $0.state == .none })

        try store.markRun(pk: run.pk, state: .success, now: now)
        #expect(try store.taskInstances(runPk: run.pk).allSatisfy { $0.state == .success })
        #expect(throws: StoreError.self) { try store.markRun(pk: run.pk, state: .running, now: now) }
        #expect(throws: StoreError.notFound("run 999")) { try store.markRun(pk: 999, state: .failed, now: now) }
    }

    @Test func runQueriesFilterAndPage() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        for i in 0..<5 {
            let start = day.start.addingTimeInterval(Double(i) * 86_400)
            let r = try store.createRun(dagId: "d", runId: "r\(i)", runType: i % 2 == 0 ? .scheduled : .backfill,
                                        interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                        conf: [:], tasks: [], owner: nil, now: now)
            if i < 2 { try store.finishRun(pk: r.pk, state: .success, now: now, alerts: []) }
        }
        #expect(try store.runs(RunQuery(dagId: "d")).map(\.runId) == ["r4", "r3", "r2", "r1", "r0"])
        #expect(try store.runs(RunQuery(dagId: "d", limit: 2, offset: 1)).map(\.runId) == ["r3", "r2"])
        #expect(try store.runs(RunQuery(runTypes: [.backfill])).map(\.runId) == ["r3", "r1"])
        #expect(try store.countRuns(RunQuery(states: [.success])) == 2)
        #expect(try store.runs(RunQuery(logicalFrom: Date.utc(2026, 11, 2), logicalTo: Date.utc(2026, 11, 3))).map(\.runId) == ["r2", "r1"])
        #expect(try store.countRuns(RunQuery(dagId: "other")) == 0)
    }

    /// `countRuns` answers from the trigger-kept `dag_run_count` table: it must agree with counting the rows
    /// through inserts, state changes, marks and retention deletes, for every filter.
    @Test func runCountsStayEqualToTheRows() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        var pks: [Int64] = []
        for i in 0..<12 {
            let start = day.start.addingTimeInterval(Double(i) * 86_400)
            let r = try store.createRun(dagId: i % 3 == 0 ? "a" : "b", runId: "r\(i)",
                                        runType: [RunType.scheduled, .manual, .backfill][i % 3 == 0 ? 0 : i % 2 + 1],
                                        interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                        conf: [:], tasks: [], owner: nil, now: now)
            pks.append(r.pk)
        }
        for pk in pks.prefix(4) { try store.startRun(pk: pk, owner: "scheduler", now: now) }
        for pk in pks.prefix(3) { try store.finishRun(pk: pk, state: .success, now: now, alerts: []) }
        try store.markRun(pk: pks[5], state: .failed, now: now)
        func expectCountsMatchRows() throws {
            let filters: [RunQuery] = [RunQuery(), RunQuery(dagId: "a"), RunQuery(dagId: "b"), RunQuery(dagId: "none"),
                                       RunQuery(states: [.success]), RunQuery(states: [.queued, .failed]),
                                       RunQuery(dagId: "b", states: [.queued], runTypes: [.manual]),
                                       RunQuery(runTypes: [.backfill, .scheduled]),
                                       RunQuery(dagId: "b", logicalFrom: day.start.addingTimeInterval(3 * 86_400))]
            for q in filters {
                var all = q
                all.limit = 1_000
                #expect(try store.countRuns(q) == store.runs(all).count, "\(q)")
            }
        }
        try expectCountsMatchRows()
        #expect(try store.countRuns(RunQuery()) == 12)
        let report = try store.deleteFinishedRuns(before: day.start.addingTimeInterval(30 * 86_400),
                                                  endedBefore: now.addingTimeInterval(60))
        #expect(report.runs.count == 4)
        try expectCountsMatchRows()
        #expect(try store.countRuns(RunQuery()) == 8)
    }

    @Test func xcomRoundTripsAndIsBounded() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let run = try makeRun(store)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: "k", value: ["n": 1], now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: "k", value: ["n": 2], now: now)
        #expect(try store.pullXCom(runPk: run.pk, taskId: "a", key: "k") == ["n": 2])
        #expect(try store.pullXCom(runPk: run.pk, taskId: "a", key: "missing") == nil)
        #expect(try store.xcoms(runPk: run.pk).count == 1)
        let big = JSONValue.string(String(repeating: "x", count: SQLiteStateStore.maxXComBytes))
        #expect { try store.pushXCom(runPk: run.pk, taskId: "a", key: "big", value: big, now: now) } throws: {
            ($0 as? StoreError)?.description.contains("XCom 'big' of task 'a'") == true
        }
    }

    @Test func dagsPausePositionAndPools() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let dag = DAG("daily", tags: ["t"], schedule: "@daily", startDate: .utc(2026, 11, 1))
        try store.syncDAGs([dag], pausedOnCreation: true, now: now)
        #expect(try store.dag("daily")?.isPaused == true)
        try store.setPaused("daily", false)
        // A second sync does not change the paused flag.
        try store.syncDAGs([dag], pausedOnCreation: true, now: now)
        #expect(try store.dag("daily")?.isPaused == false)
        #expect(try store.dag("daily")?.tags == ["t"])
        #expect(throws: StoreError.notFound("DAG 'ghost'")) { try store.setPaused("ghost", true) }
        try store.setSchedulePosition("daily", lastInterval: day, nextRunAt: day.end)
        #expect(try store.dag("daily")?.lastInterval == day)
        #expect(try store.dag("daily")?.nextRunAt == day.end)
        try store.setPool("db", slots: 2, description: "warehouse")
        #expect(try store.pools() == ["default_pool": 128, "db": 2])
        #expect(throws: StoreError.self) { try store.setPool("db", slots: -1, description: "") }
    }

    @Test func aSecondConnectionSeesCommittedState() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let a = try makeStore(dir)
        let run = try makeRun(a)
        let b = try makeStore(dir)
        #expect(try b.run(pk: run.pk)?.runId == "manual__1")
    }
}
