import OrchCore

/// The dashboard checks for `orch dags check` and the server's start: what is wrong with each declaration.
public enum InsightsCheck {
    /// Problems found without a database: ids, unknown connections, queries that write or hold two statements.
    public static func staticProblems(_ configuration: InsightsConfiguration) -> [DashboardProblem] {
        DashboardValidator.validate(configuration.dashboards, connections: Set(configuration.connections.names))
    }

    /// Every problem, PostgreSQL planning each query too (nothing runs). Panels whose connection cannot be reached
    /// are listed in `unreachable` rather than as problems.
    public static func allProblems(_ configuration: InsightsConfiguration) -> (problems: [DashboardProblem], unreachable: [String]) {
        let catalog = InsightsCatalog(configuration: configuration)
        defer { catalog.runner.pool.closeAll() }
        var unreachable: [String] = []
        for d in configuration.dashboards {
            catalog.check(d)
            for p in d.panels where catalog.problem(d.id, p.id) == nil && !catalog.isPlanned(d.id, p.id) {
                unreachable.append("\(d.id)/\(p.id)")
            }
        }
        return (catalog.importErrors, unreachable)
    }
}
