import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// The Insights dashboards the DAG bundle declares: the list with import errors, one dashboard's declaration
    /// with freshness, and one panel's rows for a date range (JSON, or CSV with `format=csv`). Reads only; panel
    /// answers are not cached (the warehouse changes without the state database knowing).
    func addInsightsRoutes() {
        let catalog = context.insights

        get("/insights", cached: false) { _, _ in
            catalog.checkInBackground()   // the first list starts PostgreSQL's planning of every panel
            return .api(InsightsListDTO(dashboards: catalog.dashboards.map {
                .init(id: $0.id, title: $0.title, description: $0.description, default_range: $0.defaultRange,
                      panels: $0.panels.count)
            }, import_errors: catalog.importErrors))
        }

        get("/insights/{dashboard_id}", cached: false) { request, store in
            let d = try catalog.dashboard(request.path("dashboard_id"))
            catalog.check(d)
            let now = Date()
            let panels = try d.panels.map { p in
                var failure: Error?
                // The asset's own materializations (issue 14) first; the producing task's last success only for
                // an asset that has none (a bundle whose tasks declare no outlets).
                let freshness = PanelFreshness.of(p.reads, now: now, materialized: { read in
                    do { return try store.lastMaterialized(asset: read.asset, producedBy: read.dagId, read.taskId) }
                    catch { failure = error; return nil }
                }, taskSucceeded: { read in
                    do { return try store.lastSuccess(dagId: read.dagId, taskId: read.taskId) } catch { failure = error; return nil }
                })
                if let failure { throw failure }
                return DashboardDTO.PanelDTO(id: p.id, title: p.title, kind: p.kind.rawValue, connection: p.connection,
                                             sql: p.sql,
                                             reads: p.reads.map { ["asset": $0.asset, "dag_id": $0.dagId, "task_id": $0.taskId] },
                                             encoding: p.encoding, format: p.format.rawValue,
                                             note: p.note, freshness: freshness,
                                             problem: catalog.problem(d.id, p.id)?.message)
            }
            return .api(DashboardDTO(id: d.id, title: d.title, description: d.description, default_range: d.defaultRange,
                                     ranges: DateRange.presets.keys.sorted { DateRange.presets[$0]! < DateRange.presets[$1]! },
                                     statement_timeout_ms: catalog.configuration.statementTimeoutMs,
                                     row_limit: catalog.configuration.rowLimit, panels: panels,
                                     import_errors: catalog.importErrors.filter { $0.dashboard == d.id }))
        }

        get("/insights/{dashboard_id}/panels/{panel_id}", cached: false) { request, _ in
            let d = try catalog.dashboard(request.path("dashboard_id"))
            guard let panel = d.panel(request.path("panel_id")) else {
                throw APIError.notFound("dashboard '\(d.id)' has no panel '\(request.path("panel_id"))'")
            }
            let range = try Self.insightsRange(request, default: d.defaultRange, now: Date())
            let rows: PanelRows, previous: PanelRows?
            do throws(PanelQueryError) { (rows, previous) = try catalog.run(d, panel, range: range) } catch {
                let status = switch error.kind { case .timeout: 504; case .declaration: 422; case .sql, .connection: 502 }
                return .api(status, PanelErrorDTO(status: status, kind: error.kind.rawValue, message: error.message,
                                                  dashboard: d.id, panel: panel.id))
            }
            if request.query["format"] == "csv" {
                var response = HTTPResponse(status: 200, headers: [
                    "Content-Type": "text/csv; charset=utf-8",
                    "Content-Disposition": "attachment; filename=\"\(d.id)-\(panel.id)-\(range.start)-\(range.last).csv\"",
                ], body: Array(PanelCSV.encode(columns: rows.columns, rows: rows.rows).utf8))
                response.headers["Cache-Control"] = "no-store"
                return response
            }
            return .api(PanelDataDTO(
                dashboard: d.id, panel: panel.id, kind: panel.kind.rawValue, range: .init(range), columns: rows.columns,
                rows: rows.rows, truncated: rows.truncated, row_limit: catalog.configuration.rowLimit,
                elapsed_ms: rows.milliseconds + (previous?.milliseconds ?? 0),
                previous_range: previous.map { _ in .init(range.previous) },
                kpi: panel.kind == .kpi ? Self.kpi(rows, previous) : nil))
        }
    }

    /// `range=7d|30d|90d` (ending yesterday, UTC), or `start` and `end` (first and last day, YYYY-MM-DD).
    static func insightsRange(_ request: HTTPRequest, default preset: String, now: Date) throws -> DateRange {
        do {
            if let start = request.query["start"], let end = request.query["end"] {
                return try DateRange.custom(first: start, last: end)
            }
            if request.query["start"] != nil || request.query["end"] != nil {
                throw APIError.badRequest("a custom range needs both start and end (YYYY-MM-DD)")
            }
            return try DateRange.preset(request.query["range"] ?? preset, today: UTCFormat.day(now))
        } catch let error as DateRangeError {
            throw APIError.badRequest(error.description)
        }
    }

    /// The KPI: first column of the first row, now and in the previous period, and the relative change.
    static func kpi(_ rows: PanelRows, _ previous: PanelRows?) -> PanelDataDTO.KPIDTO {
        let value = rows.rows.first?.first ?? nil
        let before = previous?.rows.first?.first ?? nil
        var change: Double?
        if let v = value.flatMap(Double.init), let b = before.flatMap(Double.init), b != 0 { change = (v - b) / b }
        return .init(value: value, previous: before, change: change)
    }
}
