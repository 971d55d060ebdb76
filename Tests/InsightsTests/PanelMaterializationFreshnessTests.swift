import Foundation
import OrchAPI
import OrchCore
import OrchStore
import Testing

/// A panel's freshness comes from the materializations of the assets it reads (issue 14), not from the last
/// success of the task that produces them; that task's success is only the fallback for an asset never
/// materialized.
@Suite("Insights panel freshness from asset materializations")
struct PanelMaterializationFreshnessTests {
    static let ordersURI = "postgres://warehouse/gold.agg_orders_daily"

    static let dag = DAG("fresh_dag") { d in
        d.task("gold", outlets: [ordersURI, "postgres://warehouse/gold.daily_funnel"])
        d.task("other", outlets: ["postgres://warehouse/other.agg_orders_daily"])
        d.task("legacy")   // declares no outlets: its tables have no materializations
    }

    static let dashboard = Dashboard("fresh", title: "Fresh", panels: [
        Panel("by_name", title: "By name", kind: .kpi, sql: "SELECT 1",
              reads: [AssetRead("gold.agg_orders_daily", producedBy: "fresh_dag", "gold")]),
        Panel("by_uri", title: "By URI", kind: .kpi, sql: "SELECT 1",
              reads: [AssetRead(ordersURI, producedBy: "fresh_dag", "gold")]),
        Panel("fallback", title: "Fallback", kind: .kpi, sql: "SELECT 1",
              reads: [AssetRead("gold.legacy_table", producedBy: "fresh_dag", "legacy")]),
    ])

    /// Runs `tasks` of a new run through the store's engine batches: begun at `start`, ended successfully at `end`.
    static func succeed(_ store: SQLiteStateStore, _ tasks: [String], runId: String, start: Date, end: Date) throws {
        let run = try store.createRun(dagId: dag.id, runId: runId, runType: .manual,
                                      interval: DataInterval(start: start, end: start), conf: [:],
                                      tasks: tasks.map { ($0, 1) }, owner: nil, now: start)
        var begin = TransitionBatch()
        begin.attemptsBegun = tasks.map { .init(key: AttemptKey(runPk: run.pk, taskId: $0), tryNumber: 1) }
        let starts = Dictionary(uniqueKeysWithValues: tasks.map {
            (AttemptKey(runPk: run.pk, taskId: $0), AttemptStart(isolation: .inProcess, logPath: "/dev/null"))
        })
        _ = try store.applyEngineBatch(begin, owner: "test", begun: starts, alerts: [], now: start)
        var done = TransitionBatch()
        done.attemptsEnded = tasks.map { t in
            .init(key: AttemptKey(runPk: run.pk, taskId: t), tryNumber: 1, outcome: .success,
                  resolution: AttemptResolution(state: .success, nextRetryAt: nil), outlets: dag.task(t)?.assets.outlets ?? [])
        }
        _ = try store.applyEngineBatch(done, owner: "test", begun: [:], alerts: [], now: end)
    }

    static func entry(_ dashboard: [String: Any], _ panel: String) -> [String: Any] {
        let panels = dashboard["panels"] as? [[String: Any]] ?? []
        let p = panels.first { $0["id"] as? String == panel } ?? [:]
        return ((p["freshness"] as? [String: Any])?["assets"] as? [[String: Any]])?.first ?? [:]
    }

    @Test func panelsShowWhenTheirAssetWasLastMaterialized() throws {
        try InsightsDB.withWarehouse { _, url in
            let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url], dags: [Self.dag])
            var page = try app.json("/insights/fresh")
            #expect(Self.entry(page, "by_name")["basis"] as? String == "unknown")

            // gold materialized its tables at 06:10; another task writing a same-named table elsewhere at 07:00
            // does not count; then legacy (no outlets) succeeds at 08:00.
            let day = Date.utc(2026, 11, 20, 6)
            try Self.succeed(app.store, ["gold"], runId: "manual__1", start: day, end: day.addingTimeInterval(600))
            try Self.succeed(app.store, ["other"], runId: "manual__2", start: day.addingTimeInterval(3000),
                             end: day.addingTimeInterval(3600))
            try Self.succeed(app.store, ["legacy"], runId: "manual__3", start: day.addingTimeInterval(7000),
                             end: day.addingTimeInterval(7200))
            page = try app.json("/insights/fresh")
            for panel in ["by_name", "by_uri"] {
                let e = Self.entry(page, panel)
                #expect(e["basis"] as? String == "materialization", "\(panel)")
                #expect(e["updated_at"] as? String == "2026-11-20T06:10:00Z", "\(panel)")
            }
            let fallback = Self.entry(page, "fallback")
            #expect(fallback["basis"] as? String == "producing_task")
            #expect(fallback["updated_at"] as? String == "2026-11-20T08:00:00Z")

            // A later materialization moves the panel's freshness.
            try Self.succeed(app.store, ["gold"], runId: "manual__4", start: day.addingTimeInterval(86_400),
                             end: day.addingTimeInterval(86_400 + 900))
            page = try app.json("/insights/fresh")
            #expect(Self.entry(page, "by_name")["updated_at"] as? String == "2026-11-21T06:15:00Z")
            #expect((page["panels"] as? [[String: Any]])?.first?["freshness"].flatMap { ($0 as? [String: Any])?["oldest"] } as? String
                    == "2026-11-21T06:15:00Z")
        }
    }
}
