import OrchCore

/// GET /api/v1/insights
struct InsightsListDTO: Encodable {
    struct Item: Encodable {
        let id: String
        let title: String
        let description: String
        let default_range: String
        let panels: Int
    }
    let dashboards: [Item]
    let import_errors: [DashboardProblem]
}

/// GET /api/v1/insights/{dashboard_id}: the declaration (connection names, never their strings) and freshness.
struct DashboardDTO: Encodable {
    struct PanelDTO: Encodable {
        let id: String
        let title: String
        let kind: String
        let connection: String
        let sql: String
        /// Each asset read and its producing task: `asset`, `dag_id`, `task_id`.
        let reads: [[String: String]]
        let encoding: PanelEncoding
        let format: String
        let note: String
        let freshness: PanelFreshness
        /// The load-time problem; the panel is not run while it has one.
        let problem: String?
    }
    let id: String
    let title: String
    let description: String
    let default_range: String
    let ranges: [String]
    let statement_timeout_ms: Int
    let row_limit: Int
    let panels: [PanelDTO]
    let import_errors: [DashboardProblem]
}

/// GET /api/v1/insights/{dashboard_id}/panels/{panel_id}
struct PanelDataDTO: Encodable {
    struct RangeDTO: Encodable {
        let start: String
        let end: String
        let last: String
        let days: Int
        init(_ r: DateRange) { start = r.start; end = r.end; last = r.last; days = r.days }
    }
    struct KPIDTO: Encodable {
        let value: String?
        let previous: String?
        /// (value − previous) / previous, nil when previous is 0 or missing.
        let change: Double?
    }
    let dashboard: String
    let panel: String
    let kind: String
    let range: RangeDTO
    let columns: [String]
    let rows: [[String?]]
    let truncated: Bool
    let row_limit: Int
    let elapsed_ms: Double
    let previous_range: RangeDTO?
    let kpi: KPIDTO?
}

/// A panel that could not run: its kind (`timeout`, `sql`, `connection`, `declaration`) and why.
struct PanelErrorDTO: Encodable {
    let status: Int
    let kind: String
    let message: String
    let dashboard: String
    let panel: String
}
