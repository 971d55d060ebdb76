import OrchSDK

// The benchmark bundle: loaded only by bench/ (and the tests that measure nothing but need these shapes).
// With ORCH_BENCH_SCENARIOS set (bench/scheduler_scenarios.py), only the Astronomer scheduler scenarios' DAGs.
OrchBundle.main(SchedulerScenarios.selected != nil ? SchedulerScenarios.entries.map { $0.make() } : SchedulerScenarios.entries.map { $0.make() } + [
    benchFanOut1000Process,
    benchFanOut1000InProcess,
    benchChain100Process,
    benchChain100InProcess,
    benchFanOut100,
    benchFanOut1000Remote,
    benchChain20,
    benchTrigger,
] + benchIdleDAGs + peerBenchEntries.map { $0.make() })   // bench/peers' shapes (PeerBenchmarks.swift)
