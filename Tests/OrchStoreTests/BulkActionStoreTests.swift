import Foundation
import OrchCore
@testable import OrchStore
import Testing

/// Bulk actions on a real SQLite state database: a dry run changes nothing and lists what the real action then
/// changes, in one transaction; the date range is inclusive; too wide a filter is refused.
@Suite struct BulkActionStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Five daily runs of DAG d from 2026-11-01: days 1, 3 failed (a failed, b upstream_failed), day 2 success,
    /// day 4 running, day 5 failed.
    private func seed(_ store: SQLiteStateStore) throws -> [RunRecord] {
        try (1...5).map { dayNumber in
            let start = Date.utc(2026, 11, dayNumber)
            let run = try store.createRun(dagId: "d", runId: "r\(dayNumber)", runType: .scheduled,
                                          interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                          conf: [:], tasks: [("a", 1), ("b", 1)], owner: nil, now: now)
            switch dayNumber {
            case 2:
                try store.setTaskStates(runPk: run.pk, [("a", .success), ("b", .success)], now: now)
                try store.finishRun(pk: run.pk, state: .success, now: now, alerts: [])
            case 4:
                try store.startRun(pk: run.pk, owner: "scheduler", now: now)
            default:
                try store.setTaskStates(runPk: run.pk, [("a", .failed), ("b", .upstreamFailed)], now: now)
                try store.finishRun(pk: run.pk, state: .failed, now: now, alerts: [])
            }
            return run
        }
    }

    private func states(_ store: SQLiteStateStore) throws -> [String: String] {
        var out: [String: String] = [:]
        for run in try store.runs(RunQuery(dagId: "d", limit: 100)) {
            let tasks = try store.taskInstances(runPk: run.pk).sorted { $0.taskId < $1.taskId }
            out[run.runId] = "\(run.state.rawValue):" + tasks.map(\.state.rawValue).joined(separator: ",")
        }
        return out
    }

    @Test func dryRunChangesNothingThenTheSameClearChangesExactlyThat() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        _ = try seed(store)
        let filter = BulkFilter(dagId: "d", runStates: [.failed], logicalFrom: Date.utc(2026, 11, 1),
                                logicalTo: Date.utc(2026, 11, 3))
        let before = try states(store)
        let preview = try store.bulkAction(.runs, .clear, filter: filter, dryRun: true, now: now)
        #expect(preview.changes.map(\.run.runId) == ["r1", "r3"], "r5 is after the range, r2 not failed")
        #expect(preview.taskCount == 4)
        #expect(try states(store) == before, "a dry run changes nothing")
        let done = try store.bulkAction(.runs, .clear, filter: filter, dryRun: false, now: now)
        #expect(done.changes.map(\.run.runId) == preview.changes.map(\.run.runId))
        let after = try states(store)
        #expect(after["r1"] == "queued:none,none")
        #expect(after["r3"] == "queued:none,none")
        for id in ["r2", "r4", "r5"] { #expect(after[id] == before[id], "\(id) untouched") }
    }

    @Test func markRunsAndTasksAndSkipTheRunningRun() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        _ = try seed(store)
        let tasks = try store.bulkAction(.tasks, .markSuccess,
                                         filter: BulkFilter(dagId: "d", logicalFrom: Date.utc(2026, 11, 3), taskIds: ["a"]),
                                         dryRun: false, now: now)
        #expect(tasks.changes.map(\.run.runId) == ["r3", "r5"])
        #expect(tasks.skipped.map(\.runId) == ["r4"])
        #expect(try states(store)["r3"] == "queued:success,upstream_failed")
        let runs = try store.bulkAction(.runs, .markFailed, filter: BulkFilter(dagId: "d", runIds: ["r3", "r4", "nope"]),
                                        dryRun: false, now: now)
        #expect(runs.changes.map(\.run.runId) == ["r3", "r4"])
        #expect(runs.skipped == [BulkSkip(runId: "nope", taskId: nil, reason: "no such run")])
        let after = try states(store)
        #expect(after["r3"] == "failed:success,upstream_failed")
        #expect(after["r4"] == "failed:failed,failed", "the running run's unfinished tasks take the state")
    }

    @Test func aFilterOverTooManyRunsIsRefusedAndChangesNothing() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        _ = try seed(store)
        let before = try states(store)
        #expect { try store.bulkAction(.runs, .markSuccess, filter: BulkFilter(dagId: "d", logicalFrom: .distantPast),
                                       dryRun: false, now: now, maxRuns: 3) } throws: {
            ($0 as? StoreError)?.description.contains("matches more than 3 runs of DAG 'd'; narrow it") == true
        }
        #expect(try states(store) == before)
    }
}
