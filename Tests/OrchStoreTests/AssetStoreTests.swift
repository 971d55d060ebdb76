import Foundation
@testable import OrchCore
import Testing
@testable import OrchStore

/// Lineage written at DAG sync and materializations written with the end of an attempt, in a real SQLite file.
@Suite struct AssetStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let dag = DAG("d") { d in
        let a = d.task("a", outlets: ["pg://w/t1", "pg://w/t2"])
        let b = d.task("b", inlets: ["pg://w/t1"], outlets: ["pg://w/t3"])
        a >> b
    }

    @Test func syncWritesTheLineageAndFollowsChanges() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        try store.syncDAGs([Self.dag], pausedOnCreation: false, now: now)
        let assets = try store.assets()
        #expect(assets.map(\.uri) == ["pg://w/t1", "pg://w/t2", "pg://w/t3"])
        #expect(assets[0].producers.map(\.taskId) == ["a"] && assets[0].consumers.map(\.taskId) == ["b"])
        #expect(assets.allSatisfy { $0.latest == nil })
        // b no longer reads t1: its reference goes; the asset (and its history) stays.
        let changed = DAG("d") { d in d.task("a", outlets: ["pg://w/t1"]) }
        try store.syncDAGs([changed], pausedOnCreation: false, now: now)
        let after = try store.assets()
        #expect(after.count == 3)
        #expect(after[0].references == [AssetReference(uri: "pg://w/t1", dagId: "d", taskId: "a", role: .outlet)])
        #expect(after[2].references.isEmpty)
    }

    @Test func aSuccessfulAttemptMaterializesEveryOutletWithItsReport() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        try store.syncDAGs([Self.dag], pausedOnCreation: false, now: now)
        let run = try store.createRun(dagId: "d", runId: "r1", runType: .manual, interval: day, conf: [:],
                                      tasks: [("a", 2), ("b", 1)], owner: nil, now: now)
        // Try 1 reports, then fails: nothing is materialized and its report is dropped.
        _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process, logPath: "/x", now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: AssetMaterialization.xcomKey("pg://w/t1"),
                           value: AssetMaterialization(rowsInserted: 99).json, now: now)
        try store.finishAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, outcome: .failed(exitCode: 1, error: "x"),
                                resolution: AttemptResolution(state: .upForRetry, nextRetryAt: now), now: now,
                                alerts: [], outlets: ["pg://w/t1", "pg://w/t2"])
        #expect(try store.materializations(runPk: run.pk).isEmpty)
        #expect(try store.xcoms(runPk: run.pk).isEmpty)
        // Try 2 reports t1 only, and one hand-pushed bad report for t2: both outlets are materialized.
        _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 2, isolation: .process, logPath: "/x", now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: AssetMaterialization.xcomKey("pg://w/t1"),
                           value: AssetMaterialization(rowsInserted: 3, rowsUpdated: 2, extra: ["k": "v"]).json, now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: AssetMaterialization.xcomKey("pg://w/t2"),
                           value: .object(["rows_inserted": "many"]), now: now)
        try store.pushXCom(runPk: run.pk, taskId: "a", key: "ordinary", value: 1, now: now)
        let later = now.addingTimeInterval(60)
        try store.finishAttempt(runPk: run.pk, taskId: "a", tryNumber: 2, outcome: .success,
                                resolution: AttemptResolution(state: .success, nextRetryAt: nil), now: later,
                                alerts: [], outlets: ["pg://w/t1", "pg://w/t2"])
        let found = try store.materializations(runPk: run.pk)
        #expect(found.map(\.uri) == ["pg://w/t1", "pg://w/t2"])
        let t1 = found[0].record
        #expect(t1.rowsWritten == 5 && t1.tryNumber == 2 && t1.runId == "r1" && t1.taskId == "a")
        #expect(t1.interval == day && t1.createdAt == later)
        #expect(t1.metadata == .object(["rows_inserted": 3, "rows_updated": 2, "extra": .object(["k": "v"])]))
        #expect(found[1].record.rowsWritten == nil)
        #expect(found[1].record.metadata["extra"]?["report_error"]?.stringValue?.contains("'rows_inserted' must be a whole number") == true)
        #expect(try store.xcoms(runPk: run.pk).map(\.key) == ["ordinary"], "reports are consumed; other XCom stays")
        let listed = try store.assets()
        #expect(listed[0].latest?.id == t1.id)
        #expect(try store.materializations(assetId: t1.assetId, limit: 10).map(\.id) == [t1.id])
        #expect(try store.countMaterializations(assetId: t1.assetId) == 1)
        #expect(try store.asset(id: t1.assetId)?.uri == "pg://w/t1")
        #expect(try store.asset(id: 999) == nil)
    }

    @Test func aFinalFailureOfAProducerIsSeenByHealth() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        try store.syncDAGs([Self.dag], pausedOnCreation: false, now: now)
        let run = try store.createRun(dagId: "d", runId: "r1", runType: .manual, interval: day, conf: [:],
                                      tasks: [("a", 1), ("b", 1)], owner: nil, now: now)
        _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process, logPath: "/x", now: now)
        try store.finishAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, outcome: .failed(exitCode: 1, error: "x"),
                                resolution: AttemptResolution(state: .failed, nextRetryAt: nil), now: now,
                                alerts: [], outlets: ["pg://w/t1"])
        #expect(try store.lastTaskFailures() == ["d/a": now.timeIntervalSince1970])
    }
}
