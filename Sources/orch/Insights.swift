import Foundation
import OrchAPI
import OrchCore
import OrchRuntime

extension CLIContext {
    /// The named connections: `ORCH_CONN_<NAME>`, `ORCH_HOME/connections.json`, `ORCH_WAREHOUSE_DSN` for
    /// `warehouse`, then the bundle's defaults (see ``NamedConnections``). A connections.json that cannot be read is
    /// reported in `problem` and left out, so it costs the dashboards that need it, not the whole server.
    func connections() -> (connections: NamedConnections, problem: String?) {
        let env = ProcessInfo.processInfo.environment
        let file = home.root.appendingPathComponent("connections.json")
        do {
            let data = FileManager.default.fileExists(atPath: file.path) ? try Data(contentsOf: file) : nil
            return (try NamedConnections(environment: env, configFile: data, defaults: bundles().connectionDefaults), nil)
        } catch {
            // Without the file the environment and the defaults cannot fail to parse.
            let fallback = try! NamedConnections(environment: env, defaults: bundles().connectionDefaults)
            return (fallback, "\(error) (\(file.path) is ignored until it is fixed)")
        }
    }

    /// The bundle's dashboards with the connections and the query limits (`ORCH_INSIGHTS_TIMEOUT_MS`,
    /// `ORCH_INSIGHTS_ROW_LIMIT`, `ORCH_INSIGHTS_CONNECT_TIMEOUT`), and a problem with connections.json if there is one.
    func insights() -> (configuration: InsightsConfiguration, problem: String?) {
        let env = ProcessInfo.processInfo.environment
        let (connections, problem) = connections()
        return (InsightsConfiguration(
            dashboards: bundles().dashboards, connections: connections,
            statementTimeoutMs: env["ORCH_INSIGHTS_TIMEOUT_MS"].flatMap(Int.init).map { max(1, $0) } ?? 5_000,
            rowLimit: env["ORCH_INSIGHTS_ROW_LIMIT"].flatMap(Int.init).map { min(100_000, max(1, $0)) } ?? 1_000,
            connectTimeoutSeconds: env["ORCH_INSIGHTS_CONNECT_TIMEOUT"].flatMap(Int.init).map { min(600, max(1, $0)) } ?? 5),
            problem)
    }
}
