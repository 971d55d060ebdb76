import Foundation
import OrchCore
import OrchStore
import Testing

/// DAG versions in the state store (SQLite migration 0007, PostgreSQL 0003): stored once each, the current one on
/// the DAG row, and every run created afterwards pinned to it.
@Suite struct DAGVersionStoreTests {

    static func version(_ v: String, at t: Double) -> DAGVersionRecord {
        DAGVersionRecord(dagId: "d", version: v, bundle: "/b", executableSHA256: "sha-\(v)",
                         executablePath: "/home/bundles/sha-\(v)/exe", manifest: "{}",
                         createdAt: Date(timeIntervalSince1970: t))
    }

    @Test(arguments: SQLBackend.allCases)
    func aRunIsPinnedToTheVersionLoadedWhenItWasCreated(_ backend: SQLBackend) throws {
        let (store, disposal) = try makeStore(backend)
        defer { disposal.cleanup() }
        try store.syncDAGs([DAG("d", tasks: [TaskSpec(id: "t", action: .shell("true"))])], pausedOnCreation: false,
                           now: Date())
        let before = try store.createRun(dagId: "d", runId: "r0", runType: .manual, interval: day, conf: [:],
                                         tasks: [("t", 1)], owner: nil, now: Date())
        #expect(before.dagVersion == nil)
        #expect(try store.currentDAGVersions().isEmpty)   // a DAG row with no version yet
        try store.recordDAGVersions([Self.version("aaaa1111", at: 1)])
        #expect(try store.currentDAGVersions() == ["d": "aaaa1111"])
        let first = try store.createRun(dagId: "d", runId: "r1", runType: .manual, interval: day,
                                        logicalDate: Date.utc(2026, 11, 1, 1), conf: [:], tasks: [("t", 1)],
                                        owner: nil, now: Date())
        try store.recordDAGVersions([Self.version("bbbb2222", at: 2)])
        try store.recordDAGVersions([Self.version("aaaa1111", at: 3)])   // back to the first: stored once
        try store.recordDAGVersions([Self.version("bbbb2222", at: 4)])
        #expect(first.dagVersion == "aaaa1111")
        #expect(try store.run(pk: first.pk)?.dagVersion == "aaaa1111")
        #expect(try store.dag("d")?.version == "bbbb2222")
        #expect(try store.currentDAGVersions() == ["d": "bbbb2222"])
        #expect(try store.dagVersions(dagId: "d").map(\.version) == ["aaaa1111", "bbbb2222"])
        #expect(try store.dagVersions(dagId: "d").first?.createdAt == Date(timeIntervalSince1970: 1))
        #expect(try store.dagVersions(dagId: "d", prefix: "bbbb").map(\.executableSHA256) == ["sha-bbbb2222"])
        #expect(try store.dagVersions(dagId: "d", prefix: "cc").isEmpty)
        // An exact lookup, with or without the manifest (the executable of a run's tasks needs none).
        #expect(try store.dagVersion(dagId: "d", version: "bbbb2222", withManifest: true) == Self.version("bbbb2222", at: 2))
        var bare = Self.version("bbbb2222", at: 2)
        bare.manifest = ""
        #expect(try store.dagVersion(dagId: "d", version: "bbbb2222", withManifest: false) == bare)
        #expect(try store.dagVersion(dagId: "d", version: "bbbb", withManifest: true) == nil)
        #expect(try store.dagVersion(dagId: "e", version: "bbbb2222", withManifest: true) == nil)
        // Only the first version has an unfinished run: its executable must stay.
        #expect(try store.versionsOfUnfinishedRuns().map(\.version) == ["aaaa1111"])
        #expect(try store.runCountsByVersion(dagId: "d") == ["aaaa1111": 1])
    }
}
