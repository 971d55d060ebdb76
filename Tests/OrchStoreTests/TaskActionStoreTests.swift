import Foundation
import OrchCore
import OrchSQLite
@testable import OrchStore

import Testing

/// Hand actions on a run's tasks and on whole runs: marking tasks of finished runs, deleting finished runs
/// (keeping alerts still waiting for delivery).
@Suite struct TaskActionStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func finishedRun(_ store: SQLiteStateStore, _ runId: String, daysLater: Double = 0,
                             alerts: [AlertDraft] = []) throws -> RunRecord {
        let interval = DataInterval(start: day.start.addingTimeInterval(daysLater * 86_400),
                                    end: day.end.addingTimeInterval(daysLater * 86_400))
        let run = try store.createRun(dagId: "d", runId: runId, runType: .manual, interval: interval, conf: [:],
                                      tasks: [("a", 1), ("b", 1)], owner: nil, now: now)
        try store.setTaskStates(runPk: run.pk, [("a", .failed), ("b", .upstreamFailed)], now: now)
        try store.finishRun(pk: run.pk, state: .failed, now: now, alerts: alerts)
        return run
    }

    @Test func markTasksOfAFinishedRunRequeuesIt() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let run = try finishedRun(store, "r1")
        try store.markTasks(runPk: run.pk, taskIds: ["a"], state: .success, now: now)
        #expect(try store.taskInstance(runPk: run.pk, taskId: "a")?.state == .success)
        #expect(try store.taskInstance(runPk: run.pk, taskId: "b")?.state == .upstreamFailed)
        let after = try #require(try store.run(pk: run.pk))
        #expect(after.state == .queued && after.endDate == nil)
        // Queued now, so a second mark is refused until it has finished again; so is a state other than the two.
        #expect { try store.markTasks(runPk: run.pk, taskIds: ["b"], state: .success, now: now) } throws: {
            ($0 as? StoreError)?.description.contains("is queued; wait for it to finish") == true
        }
        #expect(throws: StoreError.self) { try store.markTasks(runPk: run.pk, taskIds: ["a"], state: .running, now: now) }
        try store.markRun(pk: run.pk, state: .failed, now: now)
        #expect(throws: StoreError.notFound("task 'ghost' of run \(run.pk)")) {
            try store.markTasks(runPk: run.pk, taskIds: ["ghost"], state: .failed, now: now)
        }
        #expect(try store.taskInstance(runPk: run.pk, taskId: "a")?.state == .success, "a refused mark changes nothing")
    }

    @Test func deleteRunRemovesItsRowsButKeepsPendingAlertsAndOtherRuns() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let pending = AlertDraft(deliveryId: "p-1", event: "dag_run_failed", target: "http://x/hook", dagId: "d",
                                 runId: "r1", taskId: nil, tryNumber: nil, payload: "{}")
        let run = try finishedRun(store, "r1", alerts: [pending])
        let other = try finishedRun(store, "r2", daysLater: 1)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: "k", value: 1, now: now)
        try store.deleteRun(pk: run.pk)
        #expect(try store.run(pk: run.pk) == nil)
        #expect(try store.taskInstances(runPk: run.pk).isEmpty)
        #expect(try store.xcoms(runPk: run.pk).isEmpty)
        #expect(try store.alerts(AlertQuery(runId: "r1")).map(\.deliveryId) == ["p-1"])
        #expect(try store.run(pk: other.pk) != nil)
        #expect(try store.countRuns(RunQuery()) == 1)
        #expect(throws: StoreError.notFound("no run with id \(run.pk)")) { try store.deleteRun(pk: run.pk) }
        let queued = try store.createRun(dagId: "d", runId: "r3", runType: .manual,
                                         interval: DataInterval(start: day.end.addingTimeInterval(86_400),
                                                                end: day.end.addingTimeInterval(2 * 86_400)),
                                         conf: [:], tasks: [("a", 1)], owner: nil, now: now)
        #expect(throws: StoreError.self) { try store.deleteRun(pk: queued.pk) }
        #expect(try store.run(pk: queued.pk) != nil)
    }
}
