import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// Freshness alerts through the real outbox in a real SQLite file, with a manual clock (issue 14): an asset goes
/// stale and alerts once (one alert for the tables one attempt wrote), stays stale quietly, and recovers.
@Suite struct FreshnessWatcherTests {
    static let dag = DAG("daily") { d in
        d.task("gold", outlets: ["pg://w/gold.a", "pg://w/gold.b"])
        d.task("other", outlets: ["pg://w/no_policy"])
        d.freshness("pg://w/gold.a", .hours(26))
        d.freshness("pg://w/gold.b", .hours(26))
    }

    func materialize(_ f: EngineFixture, day: Int, at: Date) throws -> RunRecord {
        let run = try f.createRun(Self.dag, day: day)
        _ = try f.store.beginAttempt(runPk: run.pk, taskId: "gold", tryNumber: 1, isolation: .process, logPath: "/dev/null", now: at)
        try f.store.finishAttempt(runPk: run.pk, taskId: "gold", tryNumber: 1, outcome: .success,
                                  resolution: AttemptResolution.resolve(.success, tryNumber: 1, policy: RetryPolicy(), now: at),
                                  now: at, alerts: [], outlets: Self.dag.task("gold")!.assets.outlets)
        return run
    }

    @Test func staleAlertsOnceThenRecovers() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let bag = try DAGBag([Self.dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let composer = WebhookAlertComposer(targets: ["http://127.0.0.1:9/hook"])
        let watcher = FreshnessWatcher(bag: bag, store: f.store, alerts: composer)
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        let first = try materialize(f, day: 1, at: t0)
        func events() throws -> [String] { try f.store.alerts(AlertQuery(limit: 50)).map(\.event).reversed() }

        #expect(try watcher.check(now: t0.addingTimeInterval(3600)).isEmpty)
        #expect(try events().isEmpty)
        let stale = try watcher.check(now: t0.addingTimeInterval(27 * 3600))
        #expect(stale.map(\.uri) == ["pg://w/gold.a", "pg://w/gold.b"])
        #expect(try events() == ["asset_stale"], "one alert for both tables gold wrote")
        let alert = try #require(try f.store.alerts(AlertQuery(limit: 1)).first)
        #expect(alert.runId == first.runId && alert.taskId == "gold" && alert.dagId == "daily")
        #expect(alert.payload.contains("pg://w/gold.a, pg://w/gold.b") && alert.payload.contains("allows 26 h"))
        for hours in [28.0, 40, 60] {
            #expect(try watcher.check(now: t0.addingTimeInterval(hours * 3600)).isEmpty, "no second alert while stale")
        }
        #expect(try events() == ["asset_stale"])

        let later = t0.addingTimeInterval(61 * 3600)
        _ = try materialize(f, day: 2, at: later)
        #expect(try watcher.check(now: later.addingTimeInterval(60)).map(\.transition) == [.recovered, .recovered])
        #expect(try events() == ["asset_stale", "asset_fresh"])
        #expect(try watcher.check(now: later.addingTimeInterval(120)).isEmpty)
        #expect(try f.store.freshnessStates().isEmpty)
    }

    @Test func withoutWebhooksStateIsKeptAndNothingIsQueued() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let bag = try DAGBag([Self.dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        _ = try materialize(f, day: 1, at: t0)
        let watcher = FreshnessWatcher(bag: bag, store: f.store, alerts: NoAlerts())
        #expect(try watcher.check(now: t0.addingTimeInterval(30 * 3600)).count == 2)
        #expect(try f.store.freshnessStates().count == 2)
        #expect(try f.store.alerts(AlertQuery(limit: 10)).isEmpty)
    }
}
