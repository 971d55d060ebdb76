import OrchCore

/// Every DAG compiled into this `orch` binary. Add a DAG by writing a file in `dags/` and listing it here.
///
/// DAGs are global `let`s, which Swift builds lazily: a task process (`orch tasks run`) builds only
/// the DAG it runs, by id, so starting an attempt stays cheap however many DAGs there are.
public enum DAGRegistry {
    /// With `ORCH_BENCH_SCENARIOS` set, only the scheduler scenarios' DAGs (dags/SchedulerScenarios.swift).
    static let entries: [(id: String, make: @Sendable () -> DAG)] = SchedulerScenarios.selected != nil
        ? SchedulerScenarios.entries : listed + peerBenchEntries  // + dags/PeerBenchmarks.swift

    private static let listed: [(id: String, make: @Sendable () -> DAG)] = [
        ("example_fanout", { exampleFanOut }),
        ("example_retries", { exampleRetries }),
        ("example_timeout", { exampleTimeout }),
        ("example_trigger_rules", { exampleTriggerRules }),
        ("example_shell", { exampleShell }),
        ("example_crash", { exampleCrash }),
        ("example_xcom", { exampleXCom }),
        ("example_fail", { exampleFail }),
        ("shopstream_daily", { shopstreamDaily }),
        ("shopstream_daily_report", { shopstreamDailyReport }),
        ("bench_fanout_1000_process", { benchFanOut1000Process }),
        ("bench_fanout_1000_inprocess", { benchFanOut1000InProcess }),
        ("bench_chain_100_process", { benchChain100Process }),
        ("bench_chain_100_inprocess", { benchChain100InProcess }),
        ("bench_fanout_100", { benchFanOut100 }),
        ("bench_chain_20", { benchChain20 }),
        ("bench_trigger", { benchTrigger }),
        ("reliability_oom", { reliabilityOOM }),
        ("reliability_chatty", { reliabilityChatty }),
        ("reliability_daily", { reliabilityDaily }),
        ("reliability_timeout_escape", { reliabilityTimeoutEscape }),
        ("reliability_task_env", { reliabilityTaskEnv }),
        ("browser_deadline", { browserDeadline }),
        ("bench_idle_1", { benchIdleDAGs[0] }),
        ("bench_idle_2", { benchIdleDAGs[1] }),
        ("bench_idle_3", { benchIdleDAGs[2] }),
        ("bench_idle_4", { benchIdleDAGs[3] }),
        ("bench_idle_5", { benchIdleDAGs[4] }),
        ("bench_idle_6", { benchIdleDAGs[5] }),
    ]

    /// All DAGs (built on first use).
    public static var all: [DAG] { entries.map { $0.make() } }

    /// One DAG by id, building no other.
    public static func dag(_ id: String) -> DAG? { entries.first { $0.id == id }?.make() }

    /// Registry entries whose id differs from the DAG's own id (a registration mistake).
    public static var misregistered: [String] {
        entries.compactMap { e in e.make().id == e.id ? nil : "registry entry '\(e.id)' builds DAG '\(e.make().id)'" }
    }
}
