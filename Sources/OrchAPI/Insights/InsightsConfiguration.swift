import OrchCore

/// What the server needs to serve dashboards: the bundle's declarations, the named connections, and the limits
/// every panel query runs under.
public struct InsightsConfiguration: Sendable {
    public var dashboards: [Dashboard]
    public var connections: NamedConnections
    /// `statement_timeout` of each panel query, in milliseconds. `ORCH_INSIGHTS_TIMEOUT_MS`, default 5,000.
    public var statementTimeoutMs: Int
    /// Rows a panel returns at most (the page says when there were more). `ORCH_INSIGHTS_ROW_LIMIT`, default 1,000.
    public var rowLimit: Int
    /// How long opening a warehouse connection may take, in seconds, unless its connection string sets
    /// `connect_timeout` itself. `ORCH_INSIGHTS_CONNECT_TIMEOUT`, default 5. Without it libpq waits forever for a
    /// server that does not answer, and so would the dashboard.
    public var connectTimeoutSeconds: Int

    public init(dashboards: [Dashboard], connections: NamedConnections, statementTimeoutMs: Int = 5_000,
                rowLimit: Int = 1_000, connectTimeoutSeconds: Int = 5) {
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.dashboards = dashboards
        self.connections = connections
        self.statementTimeoutMs = statementTimeoutMs
        self.rowLimit = rowLimit
    }

    /// No dashboards.
    public static var none: InsightsConfiguration {
        // An empty environment cannot fail to parse.
        InsightsConfiguration(dashboards: [], connections: try! NamedConnections(environment: [:]))
    }
}
