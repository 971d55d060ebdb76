// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "orch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "orch", targets: ["orch"]),
        // What a DAG bundle links: the DSL, the task context, schedules and the bundle entry point.
        .library(name: "OrchSDK", targets: ["OrchSDK"]),
        // The pipeline helpers of shopstream_daily, for bundles that build on them.
        .library(name: "ShopStream", targets: ["ShopStream", "OrchPostgres"]),
        // This repository's bundles built with orch itself (one build, no second copy of the dependencies):
        // dags/ (also a package of its own), the benchmark DAGs and the test DAGs.
        .executable(name: "orch-dags", targets: ["orch-dags"]),
        .executable(name: "orch-bench-dags", targets: ["orch-bench-dags"]),
        .executable(name: "orch-test-dags", targets: ["orch-test-dags"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // C libraries: one module map and one shim each.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // libpq, libmicrohttpd and libcurl: headers only (their default include paths), loaded with dlopen on first
        // use instead of linked, so that a process that never uses them does not map, start and fork them (see each
        // shim.h).
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Linux process control (prctl) for the task supervisor; header only.
        .systemLibrary(name: "CProcessControl", path: "Sources/CProcessControl"),
        // An attempt process's SIGTERM/SIGINT handler that ends the task's processes (async-signal-safe C).
        .target(name: "CAttemptGuardian"),
        // A fork server's code moved into transparent huge pages, so that forked children inherit it mapped.
        .target(name: "CHugePageCode"),

        // The functions of libpq, libcurl and libmicrohttpd that orch calls, looked up in the library when first used.
        .target(name: "CLibPQLoader", dependencies: ["CLibPQ"]),
        .target(name: "CCurlLoader", dependencies: ["CCurl"]),
        .target(name: "CMicroHTTPDLoader", dependencies: ["CMicroHTTPD"]),

        // Thin Swift owners of the C handles; no orchestrator words.
        .target(name: "OrchSQLite", dependencies: ["CSQLite"]),
        .target(name: "OrchPostgres", dependencies: ["CLibPQ", "CLibPQLoader"]),
        .target(name: "OrchHTTPServer", dependencies: ["CMicroHTTPD", "CMicroHTTPDLoader"]),
        .target(name: "OrchHTTPClient", dependencies: ["CCurl", "CCurlLoader"]),

        // The pure core: DAGs, schedules, states, the scheduling state machine. No I/O.
        .target(name: "OrchCore"),
        // Run state in SQLite or PostgreSQL, behind a protocol; migrations runner; the orch home, run creation, the
        // lease rules.
        .target(name: "OrchStore", dependencies: ["OrchCore", "OrchSQLite", "OrchPostgres"]),
        // Logging (swift-log handler, labels) and the metrics orch records (swift-metrics), for runtime and API.
        .target(name: "OrchObservability", dependencies: [
            "OrchCore",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Scheduler loop, worker pool, alert dispatcher.
        .target(name: "OrchRuntime", dependencies: [
            "OrchCore", "OrchStore", "OrchObservability", "OrchHTTPClient", "CProcessControl", "CAttemptGuardian", "CHugePageCode",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // REST API and static dashboard files.
        .target(name: "OrchAPI", dependencies: [
            "OrchCore", "OrchStore", "OrchObservability", "OrchHTTPServer", "OrchPostgres",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // ShopStream pipeline helpers: source fetch, event log, warehouse loads, models, checks.
        .target(name: "ShopStream", dependencies: ["OrchCore", "OrchPostgres", "OrchHTTPClient",
                                            .product(name: "Crypto", package: "swift-crypto")]),
        // The DummyJSON-compatible source server (`orch shopstream serve-source`, tests): its own module, so that
        // the orch-dags bundle does not link libmicrohttpd and GnuTLS, which every helper start would load.
        .target(name: "ShopStreamSourceServer", dependencies: ["OrchCore", "ShopStream", "OrchHTTPServer"]),
        // The bundle SDK: re-exports OrchCore (the DAG model and DSL) and answers orch's commands (describe, run an
        // attempt, the fork server) in a bundle executable.
        .target(name: "OrchSDK", dependencies: ["OrchCore", "OrchRuntime", "OrchStore"]),
        // Bundle executables: the same sources as the dags/ package, the benchmark DAGs, the test DAGs.
        .executableTarget(name: "orch-dags", dependencies: ["OrchSDK", "ShopStream", "OrchPostgres"],
                          path: "dags/Sources/DAGs"),
        .executableTarget(name: "orch-bench-dags", dependencies: ["OrchSDK"], path: "bench/dags"),
        .executableTarget(name: "orch-test-dags", dependencies: ["OrchSDK"], path: "Tests/Bundles/TestDAGs"),
        // The CLI: the one place where concrete types are chosen and wired. It contains no DAG: those come from
        // bundles.
        .executableTarget(name: "orch", dependencies: [
            "OrchCore", "OrchStore", "OrchRuntime", "OrchAPI", "ShopStream", "ShopStreamSourceServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        .testTarget(name: "OrchCoreTests", dependencies: ["OrchCore"]),
        .testTarget(name: "OrchSQLiteTests", dependencies: ["OrchSQLite", "OrchTestSupport"]),
        // What several test targets share: a fresh PostgreSQL schema per test.
        .target(name: "OrchTestSupport", dependencies: ["OrchPostgres"], path: "Tests/Support"),
        .testTarget(name: "OrchStoreTests", dependencies: ["OrchStore", "OrchCore", "OrchTestSupport"]),
        .testTarget(name: "OrchHTTPTests", dependencies: ["OrchHTTPServer", "OrchHTTPClient"]),
        .testTarget(name: "OrchRuntimeTests", dependencies: ["OrchRuntime", "CAttemptGuardian", "OrchStore", "OrchCore", "OrchHTTPServer", "OrchHTTPClient",
                                                            "OrchTestSupport"]),
        .testTarget(name: "OrchAPITests", dependencies: ["OrchAPI", "OrchRuntime", "OrchStore", "OrchCore", "OrchHTTPClient", "OrchHTTPServer",
                                                        "OrchPostgres", "OrchTestSupport",
                                                        .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ShopStreamTests", dependencies: ["ShopStream", "ShopStreamSourceServer", "OrchPostgres",
                                                           "OrchHTTPClient", "OrchHTTPServer"]),
        .testTarget(name: "OrchCLITests", dependencies: ["OrchSQLite", "OrchPostgres", "OrchRuntime", "OrchTestSupport"]),
        .testTarget(name: "OrchPostgresTests", dependencies: ["OrchPostgres"]),
        .testTarget(name: "InsightsTests", dependencies: ["OrchAPI", "OrchCore", "OrchStore", "OrchRuntime", "orch-dags",
                                                         "ShopStream", "ShopStreamSourceServer", "OrchPostgres",
                                                         "OrchHTTPClient"]),
    ],
    swiftLanguageModes: [.v6]
)
