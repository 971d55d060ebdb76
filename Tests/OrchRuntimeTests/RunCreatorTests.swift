import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// Scheduled runs created from timetables with a manual clock: catchup on and off, end dates, pause, @once.
@Suite struct RunCreatorTests {
    private func setUp(_ dags: [DAG], paused: Bool = false) throws -> (EngineFixture, RunCreator) {
        let f = try EngineFixture()
        let bag = try DAGBag(dags)
        try f.store.syncDAGs(bag.dags, pausedOnCreation: paused, now: Date())
        return (f, RunCreator(bag: bag, store: f.store))
    }

    private func logicalDays(_ runs: [RunRecord]) -> [String] {
        runs.map { String(isoString($0.logicalDate).prefix(10)) }
    }

    private func daily(_ id: String = "daily", catchup: Bool, end: Date? = nil) -> DAG {
        DAG(id, schedule: "@daily", startDate: .utc(2026, 11, 1), endDate: end, catchup: catchup) { d in d.task("t") }
    }

    @Test func catchupOnCreatesEveryMissedIntervalOldestFirstOnce() throws {
        let (f, creator) = try setUp([daily(catchup: true)]); defer { f.cleanup() }
        let now = Date.utc(2026, 11, 4, 12)
        let (created, nextDue) = try creator.createDueRuns(now: now)
        #expect(logicalDays(created) == ["2026-11-01", "2026-11-02", "2026-11-03"])
        #expect(created.allSatisfy { $0.runType == .scheduled && $0.state == .queued })
        #expect(created.first?.runId == "scheduled__2026-11-01T00:00:00Z")
        #expect(created.first?.dataInterval == DataInterval(start: .utc(2026, 11, 1), end: .utc(2026, 11, 2)))
        #expect(nextDue == .utc(2026, 11, 5))
        #expect(try f.store.dag("daily")?.nextRunAt == .utc(2026, 11, 5))
        // The same instant again creates nothing; the next day creates one.
        #expect(try creator.createDueRuns(now: now).created.isEmpty)
        #expect(logicalDays(try creator.createDueRuns(now: .utc(2026, 11, 5)).created) == ["2026-11-04"])
        #expect(try f.store.countRuns(RunQuery(dagId: "daily")) == 4)
    }

    @Test func catchupOffCreatesOnlyTheLatestInterval() throws {
        let (f, creator) = try setUp([daily(catchup: false)]); defer { f.cleanup() }
        #expect(logicalDays(try creator.createDueRuns(now: .utc(2026, 11, 4, 12)).created) == ["2026-11-03"])
        // Two days later the skipped 11-04 is not created: only the latest, 11-05.
        #expect(logicalDays(try creator.createDueRuns(now: .utc(2026, 11, 6, 1)).created) == ["2026-11-05"])
        #expect(try f.store.countRuns(RunQuery(dagId: "daily")) == 2)
    }

    @Test func nothingIsCreatedBeforeTheFirstIntervalEnds() throws {
        let (f, creator) = try setUp([daily(catchup: true)]); defer { f.cleanup() }
        let (created, nextDue) = try creator.createDueRuns(now: .utc(2026, 11, 1, 23, 59))
        #expect(created.isEmpty)
        #expect(nextDue == .utc(2026, 11, 2))
    }

    @Test func theEndDateStopsTheSchedule() throws {
        let (f, creator) = try setUp([daily(catchup: true, end: .utc(2026, 11, 2))]); defer { f.cleanup() }
        let (created, nextDue) = try creator.createDueRuns(now: .utc(2026, 12, 1))
        #expect(logicalDays(created) == ["2026-11-01", "2026-11-02"])
        #expect(nextDue == nil)
        #expect(try creator.createDueRuns(now: .utc(2027, 1, 1)).created.isEmpty)
    }

    @Test func aPausedDAGGetsNoRunsUntilUnpaused() throws {
        let (f, creator) = try setUp([daily(catchup: true)], paused: true); defer { f.cleanup() }
        #expect(try creator.createDueRuns(now: .utc(2026, 11, 4, 12)).created.isEmpty)
        #expect(try f.store.countRuns(RunQuery(dagId: "daily")) == 0)
        try f.store.setPaused("daily", false)
        #expect(try creator.createDueRuns(now: .utc(2026, 11, 4, 12)).created.count == 3)
    }

    @Test func aDAGWithoutARowInTheDatabaseOrASchedulIsLeftAlone() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let bag = try DAGBag([daily(catchup: true), DAG("manual") { d in d.task("t") }])
        try f.store.syncDAGs([bag.dag("manual")!], pausedOnCreation: false, now: Date())
        #expect(try RunCreator(bag: bag, store: f.store).createDueRuns(now: .utc(2026, 11, 10)).created.isEmpty)
    }

    @Test func aLongCatchupIsSpreadOverCalls() throws {
        var (f, creator) = try setUp([daily(catchup: true)]); defer { f.cleanup() }
        creator.maxPerCall = 10
        let now = Date.utc(2026, 11, 26)   // 25 intervals due
        #expect(try creator.createDueRuns(now: now).created.count == 10)
        #expect(try creator.createDueRuns(now: now).created.count == 10)
        let last = try creator.createDueRuns(now: now).created
        #expect(logicalDays(last).last == "2026-11-25")
        #expect(last.count == 5)
        #expect(try f.store.countRuns(RunQuery(dagId: "daily", limit: 100)) == 25)
        _ = f
    }

    @Test func aRunThatAlreadyExistsIsNotCreatedTwice() throws {
        let (f, creator) = try setUp([daily(catchup: true)]); defer { f.cleanup() }
        let dag = daily(catchup: true)
        _ = try RunFactory.create(store: f.store, dag: dag, type: .scheduled,
                                  interval: DataInterval(start: .utc(2026, 11, 1), end: .utc(2026, 11, 2)),
                                  conf: [:], owner: nil, now: Date())
        #expect(logicalDays(try creator.createDueRuns(now: .utc(2026, 11, 3)).created) == ["2026-11-02"])
        #expect(try f.store.countRuns(RunQuery(dagId: "daily")) == 2)
    }

    @Test func onceRunsOnceAtItsStartDate() throws {
        let dag = DAG("once", schedule: "@once", startDate: .utc(2026, 11, 3, 6), catchup: true) { d in d.task("t") }
        let (f, creator) = try setUp([dag]); defer { f.cleanup() }
        #expect(try creator.createDueRuns(now: .utc(2026, 11, 3, 5)).created.isEmpty)
        let created = try creator.createDueRuns(now: .utc(2026, 11, 3, 7)).created
        #expect(created.map(\.logicalDate) == [.utc(2026, 11, 3, 6)])
        #expect(try creator.createDueRuns(now: .utc(2026, 12, 1)).created.isEmpty)
    }

    @Test func intervalSchedulesAlignToTheStartDate() throws {
        let dag = DAG("every", schedule: "every 6h", startDate: .utc(2026, 11, 1, 1), catchup: true) { d in d.task("t") }
        let (f, creator) = try setUp([dag]); defer { f.cleanup() }
        let created = try creator.createDueRuns(now: .utc(2026, 11, 2)).created
        #expect(created.map(\.logicalDate) == [.utc(2026, 11, 1, 1), .utc(2026, 11, 1, 7), .utc(2026, 11, 1, 13)])
        #expect(created.last?.dataInterval.end == .utc(2026, 11, 1, 19))
    }
}
