import OrchSDK

// The test bundle: reliability, hardening and browser-test DAGs, loaded only by the tests.
OrchBundle.main([
    reliabilityOOM,
    reliabilityChatty,
    reliabilityDaily,
    reliabilityTimeoutEscape,
    reliabilityTaskEnv,
    reliabilityAttemptThread,
    reliabilityGuardian,
    reliabilitySlowChain,
    browserDeadline,
    lineageDemo,
    remoteFanout,
    remoteSlow,
    remoteFanout200,
    taskHostDAG,
    taskHostTimeout,
    taskHostCrash,
    xcomChannelDAG,
    helperIdleDAG,
    forkServerDAG,
    dagsTestDAG,
], lazy: lazyTestDAGs)
