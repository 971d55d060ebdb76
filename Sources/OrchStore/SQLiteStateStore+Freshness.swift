import Foundation

extension SQLiteStateStore {
    /// When a task last succeeded in any run of its DAG (the end of its successful attempt), or nil if never.
    /// The Insights dashboards show it as the freshness of the assets the task produces.
    public func lastSuccess(dagId: String, taskId: String) throws -> Date? {
        try locked {
            try db.queryOne("""
                SELECT max(ti.end_date) AS at FROM task_instance ti JOIN dag_run r ON r.id = ti.run_pk
                WHERE r.dag_id = ? AND ti.task_id = ? AND ti.state = 'success'
                """, [dagId, taskId])?["at"].double.map { Date(timeIntervalSince1970: $0) }
        }
    }
}

extension SQLiteStateStore {
    /// When the asset a dashboard panel reads was last materialized (the newest materialization's time), or nil
    /// if never. `asset` is an asset URI, or a bare name (`gold.agg_orders_daily`): then the asset is the outlet of
    /// `dagId.taskId` whose URI ends in `/<name>` (`postgres://warehouse/gold.agg_orders_daily`).
    public func lastMaterialized(asset: String, producedBy dagId: String, _ taskId: String) throws -> Date? {
        try locked {
            try db.queryOne("""
                SELECT max(e.created_at) AS at FROM asset a JOIN asset_event e ON e.asset_id = a.id
                WHERE a.uri = ?
                   OR (substr(a.uri, length(a.uri) - length(?)) = '/' || ?
                       AND EXISTS (SELECT 1 FROM asset_reference r WHERE r.asset_id = a.id AND r.dag_id = ?
                                   AND r.task_id = ? AND r.role = 'outlet'))
                """, [asset, asset, asset, dagId, taskId])?["at"].double.map { Date(timeIntervalSince1970: $0) }
        }
    }
}
