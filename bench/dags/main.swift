import OrchSDK

// The benchmark bundle: loaded only by bench/ (and the tests that measure nothing but need these shapes).
OrchBundle.main([
    benchFanOut1000Process,
    benchFanOut1000InProcess,
    benchChain100Process,
    benchChain100InProcess,
    benchFanOut100,
    benchChain20,
    benchTrigger,
] + benchIdleDAGs + peerBenchEntries.map { $0.make() })   // peer DAGs only with ORCH_BENCH_PEERS=1
