import Foundation
import OrchCore
@testable import OrchStore
import Testing

/// The count of DAG row changes the scheduler's due-run gate reads (migrations/state/0018, state-postgres/0007–0008): it
/// must move on every change a look for due runs depends on, made by any connection, and stay put on the commits a
/// scheduler makes all the time (its lease heartbeat, runs, task states), or every turn would look again.
@Suite struct DAGChangeCountTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let daily = DAG("daily", tags: ["t"], schedule: "@daily", startDate: .utc(2026, 11, 1))

    /// A second connection to the same database, as another process has.
    func other(_ store: SQLStateStore) throws -> SQLStateStore {
        try SQLStateStore(location: store.location, migrate: false)
    }

    /// A manual run `r1` of `daily` with one task `a`.
    @discardableResult
    func manualRun(_ store: SQLStateStore) throws -> RunRecord {
        try store.createRun(dagId: "daily", runId: "r1", runType: .manual, interval: day, logicalDate: nil, conf: [:],
                            tasks: [("a", 1)], owner: nil, now: now, generatedRunId: false)
    }

    @Test(arguments: SQLBackend.allCases)
    func everyDAGRowChangeOfAnyConnectionMovesTheCount(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        let elsewhere = try other(store)
        var seen = try store.dagChangeCount()
        func moved(_ what: String) throws {
            let count = try store.dagChangeCount()
            #expect(count != seen, "\(what) did not move the count")
            seen = count
        }
        try elsewhere.syncDAGs([daily], pausedOnCreation: true, now: now)
        try moved("a DAG synced by another connection")
        try elsewhere.setPaused("daily", false)
        try moved("a DAG unpaused by another connection")
        try store.setSchedulePosition("daily", lastInterval: day, nextRunAt: day.end)
        try moved("the scheduler's own schedule position")
        let rescheduled = DAG("daily", tags: ["t"], schedule: "@hourly", startDate: .utc(2026, 11, 1))
        try elsewhere.syncDAGs([rescheduled], pausedOnCreation: true, now: now)
        try moved("a new schedule")
    }

    /// The scheduler turn's one read (`schedulerMarks`): the same count, and the newest materialization's id, which
    /// moves when another connection records one (the asset-run gate's cue) and not on a run or a heartbeat.
    @Test(arguments: SQLBackend.allCases)
    func theSchedulerMarksFollowTheCountAndTheNewestMaterialization(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        let elsewhere = try other(store)
        try elsewhere.syncDAGs([daily], pausedOnCreation: false, now: now)
        let first = try store.schedulerMarks()
        #expect(first == SchedulerMarks(dagChanges: try store.dagChangeCount(), latestMaterialization: nil))
        let run = try manualRun(elsewhere)
        #expect(try store.schedulerMarks() == first, "a run is no materialization")
        func materialize(try tryNumber: Int) throws {
            try elsewhere.write {
                try elsewhere.recordMaterializations(runPk: run.pk, taskId: "a", tryNumber: tryNumber,
                                                     outlets: ["s3://lake/orders"], succeeded: true, now: now)
            }
        }
        try materialize(try: 1)
        let second = try store.schedulerMarks()
        #expect(second.latestMaterialization != nil)
        #expect(second.dagChanges == first.dagChanges)
        try materialize(try: 2)
        #expect(try store.schedulerMarks().latestMaterialization ?? 0 > second.latestMaterialization ?? 0)
    }

    @Test(arguments: SQLBackend.allCases)
    func aHeartbeatARunAndAnUnchangedSyncLeaveTheCountBe(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        let leaseKeeper = try other(store)
        try store.syncDAGs([daily], pausedOnCreation: false, now: now)
        let before = try store.dagChangeCount()
        #expect(try leaseKeeper.acquireLease(holder: "s", pid: 1, hostname: "h", now: now, ttl: 15) { _ in true } == nil)
        for beat in 1...3 { #expect(try leaseKeeper.heartbeat(holder: "s", now: now.addingTimeInterval(Double(beat)))) }
        try manualRun(leaseKeeper)
        try leaseKeeper.syncDAGs([daily], pausedOnCreation: false, now: now)
        #expect(try store.dagChangeCount() == before)
    }

    @Test(arguments: SQLBackend.allCases)
    func schedulePositionsSayWhatTheDAGRowsSay(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        try store.syncDAGs([daily, DAG("manual_only")], pausedOnCreation: true, now: now)
        try store.setPaused("daily", false)
        try store.setSchedulePosition("daily", lastInterval: day, nextRunAt: day.end)
        let positions = try store.schedulePositions()
        let records = try store.dags()
        #expect(positions.map(\.dagId) == records.map(\.dagId))
        #expect(positions.map(\.isPaused) == records.map(\.isPaused))
        #expect(positions.map(\.lastInterval) == records.map(\.lastInterval))
        #expect(positions.map(\.nextRunAt) == records.map(\.nextRunAt))
        #expect(positions.first == DAGSchedulePosition(dagId: "daily", isPaused: false, lastInterval: day,
                                                       nextRunAt: day.end))
    }
}

extension DAGChangeCountTests {
    /// Recording the versions a CLI command loaded (every command does) moves the count only for a version that
    /// changed: the same versions again write no DAG row.
    @Test(arguments: SQLBackend.allCases)
    func recordingTheSameVersionsAgainLeavesTheCountBe(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend); defer { disposal.cleanup() }
        try store.syncDAGs([daily], pausedOnCreation: false, now: now)
        func version(_ v: String) -> DAGVersionRecord {
            DAGVersionRecord(dagId: "daily", version: v, bundle: "b", executableSHA256: "s", executablePath: "/e",
                             manifest: "{}", createdAt: now)
        }
        try store.recordDAGVersions([version("v1")])
        let before = try store.dagChangeCount()
        try other(store).recordDAGVersions([version("v1")])
        #expect(try store.dagChangeCount() == before)
        try other(store).recordDAGVersions([version("v2")])
        #expect(try store.dagChangeCount() != before)
        #expect(try store.dag("daily")?.version == "v2")
    }
}
