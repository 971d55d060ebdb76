import Foundation
import OrchCore
import OrchObservability
import OrchStore

/// The gauges read from the database when `/metrics` is scraped: runs and task instances by state, scheduled
/// (queued) and running task instances per pool, the alert outbox, the scheduler heartbeat, DAG import errors
/// and the sizes of the database and its WAL. Every state is set each time, 0 included, so a series never
/// sticks at its last non-zero value.
struct StateGauges {
    let bag: DAGBag
    let location: StateLocation

    func refresh(_ store: SQLiteStateStore) throws {
        let runs = try store.runCountsByState()
        for state in RunState.allCases { OrchMetrics.gauge("orch_dag_runs", Double(runs[state] ?? 0), [("state", state.rawValue)]) }
        let tasks = try store.taskInstanceCountsByState()
        for state in TaskState.allCases {
            OrchMetrics.gauge("orch_task_instances", Double(tasks[state] ?? 0), [("state", state.rawValue)])
        }
        var pools: [String: (queued: Int, running: Int)] = [:]
        for dag in bag.dags { for task in dag.tasks { pools[task.pool, default: (0, 0)] = pools[task.pool] ?? (0, 0) } }
        for row in try store.activeTaskCounts() {
            let pool = bag.dag(row.dagId)?.task(row.taskId)?.pool ?? "default_pool"
            var entry = pools[pool] ?? (0, 0)
            if row.state == .running { entry.running += row.count } else { entry.queued += row.count }
            pools[pool] = entry
        }
        for (pool, entry) in pools {
            OrchMetrics.gauge("orch_pool_tasks", Double(entry.queued), [("pool", pool), ("state", "queued")])
            OrchMetrics.gauge("orch_pool_tasks", Double(entry.running), [("pool", pool), ("state", "running")])
        }
        OrchMetrics.gauge("orch_alert_outbox_pending", Double(try store.pendingAlertCount()))
        let age = (try store.lease()).map(store.heartbeatAge) ?? -1
        OrchMetrics.gauge("orch_scheduler_heartbeat_age_seconds", age)
        // The DAG bag is validated when the server starts and a bad DAG stops it, so a running server has none;
        // the gauge is there for dashboards and for the day DAGs are loaded at run time.
        OrchMetrics.gauge("orch_dag_import_errors", 0)
        OrchMetrics.gauge("orch_dags", Double(bag.dags.count))
        switch location {
        case .sqlite(let databasePath):
            OrchMetrics.gauge("orch_database_size_bytes", Double(fileSize(databasePath)))
            OrchMetrics.gauge("orch_database_wal_size_bytes", Double(fileSize(databasePath + "-wal")))
        case .postgres:
            OrchMetrics.gauge("orch_database_size_bytes", Double(try store.databaseBytes()))
            OrchMetrics.gauge("orch_database_wal_size_bytes", 0)
        }
    }

    private func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// Carries the matched route pattern from the API's route wrapper to the server's request metrics, in a response
/// header the server removes before answering.
enum RouteLabel {
    static let header = "X-Orch-Route"
}
