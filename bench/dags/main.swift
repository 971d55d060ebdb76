import OrchSDK

// The benchmark bundle: loaded only by bench/ (and the tests that measure nothing but need these shapes).
// With ORCH_BENCH_SCENARIOS set (bench/scheduler_scenarios.py), only the Astronomer scheduler scenarios' DAGs.
// Every DAG is lazy: a helper builds only the DAGs of the attempts it runs (the peer shapes alone are 200 DAGs).
OrchBundle.main(lazy: SchedulerScenarios.entries.map { LazyDAG($0.id, $0.make) }
    + (SchedulerScenarios.selected != nil ? [] : benchDAGs + peerBenchDAGs))   // bench/peers' shapes (PeerBenchmarks.swift)
