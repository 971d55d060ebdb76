import OrchSDK

// The dags/ bundle: shopstream_daily and the examples. orch builds this package, runs `describe` to learn its
// DAGs, and runs their tasks through this executable. Add a DAG by writing a file beside this one and listing it
// here. The examples carry the tag `example`; `load_examples: false` in ORCH_HOME/orch.json hides them.
OrchBundle.main([
    shopstreamDaily,
    shopstreamDailyReport,
    exampleFanOut,
    exampleRetries,
    exampleTimeout,
    exampleTriggerRules,
    exampleShell,
    exampleCrash,
    exampleXCom,
    exampleFail,
], dashboards: DashboardRegistry.all, connectionDefaults: DashboardRegistry.connectionDefaults)
