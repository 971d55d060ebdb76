import Foundation
import OrchCore
import Testing
@testable import OrchStore

/// The store queries the Airflow-compatible API added: deleting one run, XComs with their write time, pools and
/// the task instances that hold their slots.
@Suite struct AirflowQueriesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func run(_ store: SQLiteStateStore, _ id: String, day: Double = 0) throws -> RunRecord {
        let start = t0.addingTimeInterval(day * 86_400)
        return try store.createRun(dagId: "d", runId: id, runType: .manual,
                            interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)), conf: [:],
                            tasks: [("a", 1), ("b", 1)], owner: nil, now: t0)
    }

    @Test func deletingARunRefusesActiveOnesAndTakesItsRowsAlong() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let doomed = try run(store, "doomed")
        let kept = try run(store, "kept", day: 1)
        try store.pushXCom(runPk: doomed.pk, taskId: "a", key: "k", value: 1, now: t0)
        try store.pushXCom(runPk: kept.pk, taskId: "a", key: "k", value: 2, now: t0)
        #expect(throws: StoreError.self) { try store.deleteRun(pk: doomed.pk) }   // still queued
        try store.markRun(pk: doomed.pk, state: .failed, now: t0)
        try store.deleteRun(pk: doomed.pk)
        #expect(try store.run(pk: doomed.pk) == nil)
        #expect(try store.taskInstances(runPk: doomed.pk).isEmpty)
        #expect(try store.xcomEntries(runPk: doomed.pk, taskId: "a").isEmpty)
        #expect(try store.xcomEntries(runPk: kept.pk, taskId: "a").map(\.value) == [2])
        #expect(try store.countRuns(RunQuery(dagId: "d")) == 1)   // the trigger-kept counts follow
        #expect(throws: StoreError.self) { try store.deleteRun(pk: doomed.pk) }
    }

    @Test func xcomEntriesCarryTheirWriteTime() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        let r = try run(store, "r")
        try store.pushXCom(runPk: r.pk, taskId: "a", key: "b", value: "x", now: t0)
        try store.pushXCom(runPk: r.pk, taskId: "a", key: "a", value: "y", now: t0.addingTimeInterval(5))
        let entries = try store.xcomEntries(runPk: r.pk, taskId: "a")
        #expect(entries.map(\.key) == ["a", "b"])
        #expect(entries.map(\.updatedAt) == [t0.addingTimeInterval(5), t0])
    }

    @Test func poolsAndActiveTaskInstances() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        try store.setPool("warehouse", slots: 2, description: "PostgreSQL loads")
        #expect(try store.poolRecords().map(\.name) == ["default_pool", "warehouse"])
        #expect(try store.poolRecords().last?.description == "PostgreSQL loads")
        let r = try run(store, "r")
        try store.setTaskStates(runPk: r.pk, [("a", .queued), ("b", .success)], now: t0)
        let active = try store.activeTaskInstances()
        #expect(active.map(\.taskId) == ["a"])
        #expect(active.first?.state == .queued)
        #expect(active.first?.dagId == "d")
    }
}
