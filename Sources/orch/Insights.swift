import DAGs
import Foundation
import OrchAPI
import OrchCore
import OrchRuntime

extension CLIContext {
    /// The named connections: `ORCH_CONN_<NAME>`, `ORCH_HOME/connections.json`, `ORCH_WAREHOUSE_DSN` for
    /// `warehouse`, then the bundle's defaults (see ``NamedConnections``).
    func connections() throws -> NamedConnections {
        let file = home.root.appendingPathComponent("connections.json")
        let data = FileManager.default.fileExists(atPath: file.path) ? try Data(contentsOf: file) : nil
        do {
            return try NamedConnections(environment: ProcessInfo.processInfo.environment, configFile: data,
                                        defaults: DashboardRegistry.connectionDefaults)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The bundle's dashboards with the connections and the query limits (`ORCH_INSIGHTS_TIMEOUT_MS`,
    /// `ORCH_INSIGHTS_ROW_LIMIT`).
    func insights() throws -> InsightsConfiguration {
        let env = ProcessInfo.processInfo.environment
        return InsightsConfiguration(
            dashboards: DashboardRegistry.all, connections: try connections(),
            statementTimeoutMs: env["ORCH_INSIGHTS_TIMEOUT_MS"].flatMap(Int.init).map { max(1, $0) } ?? 5_000,
            rowLimit: env["ORCH_INSIGHTS_ROW_LIMIT"].flatMap(Int.init).map { min(100_000, max(1, $0)) } ?? 1_000)
    }
}
