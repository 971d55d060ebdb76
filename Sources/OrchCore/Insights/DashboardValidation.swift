/// A problem in a dashboard declaration, found when the bundle is loaded.
public struct DashboardProblem: Error, CustomStringConvertible, Sendable, Equatable, Codable {
    public let dashboard: String
    /// The panel at fault; nil for the dashboard itself.
    public let panel: String?
    public let message: String

    public init(dashboard: String, panel: String?, message: String) {
        self.dashboard = dashboard
        self.panel = panel
        self.message = message
    }

    public var description: String {
        "dashboard '\(dashboard)'" + (panel.map { ", panel '\($0)'" } ?? "") + ": \(message)"
    }
}

/// The load-time checks that need no database: ids, kinds, connections, and that each query only reads.
/// (The server also asks PostgreSQL to plan every query; see the API's InsightsCatalog.)
public enum DashboardValidator {
    public static func validate(_ dashboards: [Dashboard], connections: Set<String>) -> [DashboardProblem] {
        var problems: [DashboardProblem] = []
        var seen: Set<String> = []
        for d in dashboards {
            func add(_ panel: String?, _ message: String) {
                problems.append(DashboardProblem(dashboard: d.id, panel: panel, message: message))
            }
            if !isIdentifier(d.id) { add(nil, "the id must be letters, digits, '_' or '-'") }
            if !seen.insert(d.id).inserted { add(nil, "two dashboards have this id") }
            if DateRange.presets[d.defaultRange] == nil { add(nil, "defaultRange '\(d.defaultRange)' is not 7d, 30d or 90d") }
            if d.panels.isEmpty { add(nil, "it has no panels") }
            var panelIds: Set<String> = []
            for p in d.panels {
                if !isIdentifier(p.id) { add(p.id, "the panel id must be letters, digits, '_' or '-'") }
                if !panelIds.insert(p.id).inserted { add(p.id, "two panels have this id") }
                if !connections.contains(p.connection) {
                    let known = connections.isEmpty ? "none is configured" : "known: \(connections.sorted().joined(separator: ", "))"
                    add(p.id, "unknown connection '\(p.connection)' (\(known)); set \(NamedConnections.envKey(p.connection)) "
                        + "or add it to ORCH_HOME/connections.json")
                }
                if case .failure(let e) = ReadOnlySQL.check(p.sql) { add(p.id, e.description) }
                if p.reads.isEmpty { add(p.id, "it names no asset it reads (reads: [])") }
            }
        }
        return problems
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 100 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
