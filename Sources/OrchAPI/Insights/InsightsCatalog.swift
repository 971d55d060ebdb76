import Foundation
import OrchCore

/// The dashboards the server serves, each panel with its load-time verdict.
///
/// Built when the server starts: every declaration is checked without a database (``DashboardValidator``). PostgreSQL
/// plans each panel on a background thread when the dashboards are first listed (``checkInBackground()``), and a
/// dashboard's panels before it is first answered (again while their connection could not be reached): not at
/// start, so a server nobody asks for Insights never loads libpq (about 3 MB of its idle memory with OpenSSL and
/// Kerberos; `orch dags check` plans every panel for CI). A panel with
/// a problem never runs; its problem is listed among the import errors and shown in its place, and the other panels
/// and dashboards are served as usual.
final class InsightsCatalog: @unchecked Sendable {
    let configuration: InsightsConfiguration
    let runner: PanelQueryRunner
    private let staticProblems: [DashboardProblem]
    private let lock = NSLock()
    /// Panels planned by PostgreSQL, and what it said (nil: fine).
    private var planned: [String: DashboardProblem?] = [:]
    private var backgroundCheckStarted = false

    init(configuration: InsightsConfiguration) {
        self.configuration = configuration
        runner = PanelQueryRunner(pool: ConnectionPool(connectTimeoutSeconds: configuration.connectTimeoutSeconds),
                                  statementTimeoutMs: configuration.statementTimeoutMs, rowLimit: configuration.rowLimit)
        staticProblems = DashboardValidator.validate(configuration.dashboards,
                                                     connections: Set(configuration.connections.names))
    }

    var dashboards: [Dashboard] { configuration.dashboards }

    /// Has PostgreSQL plan every panel on a background thread, once (the first call; later ones return), so SQL
    /// errors join the import errors the list shows soon after it is first asked for, rather than when someone
    /// opens each dashboard. Planning runs nothing.
    func checkInBackground() {
        let first = lock.withLock {
            defer { backgroundCheckStarted = true }
            return !backgroundCheckStarted
        }
        guard first, !dashboards.isEmpty else { return }
        Thread.detachNewThread { [self] in
            for d in dashboards { check(d) }
        }
    }

    func dashboard(_ id: String) throws -> Dashboard {
        guard let d = dashboards.first(where: { $0.id == id }) else {
            throw APIError.notFound("no dashboard '\(id)'; GET /api/v1/insights lists them")
        }
        return d
    }

    /// Every problem known so far: the static ones, and those PostgreSQL reported when planning.
    var importErrors: [DashboardProblem] {
        lock.lock(); defer { lock.unlock() }
        return staticProblems + planned.values.compactMap { $0 }.sorted { $0.description < $1.description }
    }

    /// Plans each panel of `dashboard` not planned yet. A connection that cannot be reached is left for later.
    func check(_ dashboard: Dashboard) {
        // One failed connect per connection string and pass: a warehouse that is down costs one attempt, not one
        // per panel.
        var unreachable: Set<String> = []
        for panel in dashboard.panels where problem(dashboard.id, panel.id, planning: false) == nil {
            let key = dashboard.id + "/" + panel.id
            lock.lock()
            let done = planned[key] != nil
            lock.unlock()
            if done { continue }
            guard case .success(let checked) = ReadOnlySQL.check(panel.sql),
                  let url = configuration.connections.resolve(panel.connection)?.url, !unreachable.contains(url) else { continue }
            do {
                try runner.plan(sql: checked.sql, parameters: checked.parameters, url: url)
                setPlanned(key, nil)
            } catch where error.kind == .connection || error.kind == .timeout {
                if error.kind == .connection { unreachable.insert(url) }
                continue
            } catch {
                setPlanned(key, DashboardProblem(dashboard: dashboard.id, panel: panel.id,
                                                 message: "PostgreSQL refused the query: \(error.message)"))
            }
        }
    }

    /// True once PostgreSQL has planned the panel (whatever it said).
    func isPlanned(_ dashboardId: String, _ panelId: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return planned[dashboardId + "/" + panelId] != nil
    }

    private func setPlanned(_ key: String, _ problem: DashboardProblem?) {
        lock.lock(); defer { lock.unlock() }
        planned[key] = .some(problem)
    }

    /// The load-time problem of a panel, if it has one.
    func problem(_ dashboardId: String, _ panelId: String, planning: Bool = true) -> DashboardProblem? {
        if let p = staticProblems.first(where: { $0.dashboard == dashboardId && ($0.panel == panelId || $0.panel == nil) }) {
            return p
        }
        guard planning else { return nil }
        lock.lock(); defer { lock.unlock() }
        return planned[dashboardId + "/" + panelId] ?? nil
    }

    /// Runs a panel for `range` (and, for a KPI, the previous period too).
    func run(_ dashboard: Dashboard, _ panel: Panel, range: DateRange) throws(PanelQueryError) -> (PanelRows, PanelRows?) {
        if let p = problem(dashboard.id, panel.id) {
            throw PanelQueryError(kind: .declaration, message: p.message)
        }
        guard case .success(let checked) = ReadOnlySQL.check(panel.sql),
              let url = configuration.connections.resolve(panel.connection)?.url else {
            throw PanelQueryError(kind: .declaration, message: "the panel's declaration is not valid")
        }
        let current = try runner.run(sql: checked.sql, parameters: checked.parameters, url: url, range: range,
                                     connection: panel.connection)
        guard panel.kind == .kpi else { return (current, nil) }
        let previous = try runner.run(sql: checked.sql, parameters: checked.parameters, url: url, range: range.previous,
                                      connection: panel.connection)
        return (current, previous)
    }
}
