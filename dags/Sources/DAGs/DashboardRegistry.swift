import OrchCore

/// Every Insights dashboard this bundle declares, and the connections its DAGs and dashboards use.
public enum DashboardRegistry {
    public static let all: [Dashboard] = [shopstreamDashboard, browserInsights]

    /// Connection names with the URL used when the operator configured none (local development: the database
    /// `scripts/pg-up.sh` creates). Configure real ones with `ORCH_CONN_<NAME>` or `ORCH_HOME/connections.json`.
    public static let connectionDefaults: [ConnectionDefault] = [
        ConnectionDefault("warehouse", url: ShopStreamConfig.defaultWarehouse),
    ]
}
