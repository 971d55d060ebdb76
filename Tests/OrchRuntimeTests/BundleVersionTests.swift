import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// DAG versions, the manifest cache and reloads, with real child processes (shell-script bundles printing a
/// manifest) and a real SQLite state store.
struct BundleVersionTests {
    let dir: URL
    let home: OrchHome

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-versions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        home = OrchHome(path: dir.appendingPathComponent("home").path)
        try home.prepare()
    }

    /// A script bundle describing `dags`, written as a new file (like a linker's output) at `name`; each
    /// `describe` appends a line to `name.count`.
    @discardableResult
    private func bundle(_ name: String, _ dags: [DAG]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let json = String(decoding: try BundleManifest(dags: dags).encoded(), as: UTF8.self)
        let text = "#!/bin/sh\n[ \"$1\" = describe ] || exit 2\necho x >> '\(path).count'\ncat <<'MANIFEST'\n\(json)\nMANIFEST\n"
        let temporary = path + ".new"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        chmod(temporary, 0o755)
        rename(temporary, path)
        return path
    }

    private func describes(_ name: String) -> Int {
        ((try? String(contentsOfFile: dir.appendingPathComponent(name).path + ".count", encoding: .utf8)) ?? "")
            .split(separator: "\n").count
    }

    private func shellDAG(_ id: String, _ tasks: [String]) -> DAG {
        DAG(id, tasks: tasks.map { TaskSpec(id: $0, action: .shell("true")) })
    }

    @Test func aRunKeepsTheExecutableOfItsVersionAfterTheBundleIsRebuilt() throws {
        let store = try SQLiteStateStore(path: home.databasePath)
        let exe = try bundle("b", [shellDAG("d", ["a"])])
        let first = BundleLoader.load([exe])
        try store.syncDAGs(first.bag.dags, pausedOnCreation: false, now: Date())
        let recorded = try BundleVersions.record(first, store: store, home: home, now: Date())
        let v1 = try #require(first.versions["d"])
        #expect(recorded.map(\.version) == [v1.version] && v1.version.count == 64)
        // The stored manifest is the text the version was hashed from; recorded again, nothing is written.
        let kept = try #require(try store.dagVersion(dagId: "d", version: v1.version, withManifest: true))
        #expect(DAGVersion.identifier(manifest: kept.manifest, executableSHA256: v1.executableSHA256) == v1.version)
        #expect(try store.currentDAGVersions() == ["d": v1.version])
        #expect(try BundleVersions.record(first, store: store, home: home, now: Date()).isEmpty)
        let run = try store.createRun(dagId: "d", runId: "r1", runType: .manual, interval: DataInterval(start: Date(), end: Date()),
                                      conf: [:], tasks: [("a", 1)], owner: nil, now: Date())
        #expect(run.dagVersion == v1.version)

        // Rebuilt with a second task: a new version, the run still on the first one's copy.
        try bundle("b", [shellDAG("d", ["a", "b"])])
        let second = BundleLoader.load([exe])
        let v2 = try #require(second.versions["d"])
        #expect(try BundleVersions.record(second, store: store, home: home, now: Date()).map(\.version) == [v2.version])
        #expect(try store.currentDAGVersions() == ["d": v2.version])
        #expect(v2.version != v1.version && v2.executableSHA256 != v1.executableSHA256)
        let stored = try #require(try store.run(pk: run.pk))
        let pinned = try #require(try BundleVersions.executable(for: stored, store: store))
        #expect(pinned.sha256 == v1.executableSHA256)
        #expect(try FileDigest.sha256(of: pinned.path) == v1.executableSHA256, "the stored copy changed with the rebuild")
        #expect(pinned.path.hasPrefix(home.root.path + "/bundles/\(v1.executableSHA256)/"))
        // The engine's view: the run's DAG is the first version's.
        let resolver = BundleVersionResolver(store: store, loaded: second)
        #expect(try resolver.dag(dagId: "d", version: v1.version).tasks.map(\.id) == ["a"])
        #expect(try resolver.dag(dagId: "d", version: v2.version).tasks.map(\.id) == ["a", "b"])
        #expect(resolver.executablePath(dagId: "d", version: v1.version) == pinned.path)
        // Garbage collection keeps what an unfinished run needs.
        let keep = Set(try store.versionsOfUnfinishedRuns().map(\.executableSHA256))
        #expect(keep == [v1.executableSHA256])
        BundleExecutableStore.collect(home: home, keep: keep)
        #expect(FileManager.default.isExecutableFile(atPath: pinned.path))
        #expect(!FileManager.default.fileExists(atPath: home.root.path + "/bundles/\(v2.executableSHA256)"))
    }

    /// What a remote worker is sent: the executable of its run's version, found again by its SHA-256 after a
    /// rebuild; a digest that is not 64 hex digits, or a stored file whose bytes changed, is not served.
    @Test func aRemoteAttemptIsOfferedWithItsRunsVersionAndServedFromTheStore() throws {
        let store = try SQLiteStateStore(path: home.databasePath)
        let exe = try bundle("b", [shellDAG("d", ["a"])])
        let first = BundleLoader.load([exe])
        try store.syncDAGs(first.bag.dags, pausedOnCreation: false, now: Date())
        try BundleVersions.record(first, store: store, home: home, now: Date())
        let v1 = try #require(first.versions["d"])
        try bundle("b", [shellDAG("d", ["a", "b"])])
        let second = BundleLoader.load([exe])
        try BundleVersions.record(second, store: store, home: home, now: Date())
        let resolver = BundleVersionResolver(store: store, loaded: second)
        let board = try RemoteAttemptBoard(store: store, configuration: .init(),
                                           bundleExecutable: { resolver.executablePath(dagId: $0.dagId, version: $0.dagVersion) })
        let pinned = AttemptSpec(dagId: "d", taskId: "a", runId: "r", runPk: 1, tryNumber: 1, logicalDate: Date(),
                                 dataInterval: DataInterval(start: Date(), end: Date()), params: [:],
                                 logPath: "/dev/null", home: home.root.path, databasePath: "", dagVersion: v1.version)
        #expect(board.bundleVersion(of: pinned) == v1.executableSHA256)
        var unpinned = pinned; unpinned.dagVersion = nil
        #expect(board.bundleVersion(of: unpinned) == second.versions["d"]?.executableSHA256)

        let served = try #require(BundleExecutableStore.stored(home: home, sha256: v1.executableSHA256.uppercased()))
        #expect(try FileDigest.sha256(of: served) == v1.executableSHA256)
        #expect(BundleExecutableStore.stored(home: home, sha256: "../../etc") == nil)
        #expect(BundleExecutableStore.stored(home: home, sha256: String(repeating: "0", count: 64)) == nil)
        try "changed".write(toFile: served, atomically: false, encoding: .utf8)
        #expect(BundleExecutableStore.stored(home: home, sha256: v1.executableSHA256) == nil)
    }

    @Test func theSameDefinitionAndCodeIsTheSameVersion() throws {
        let exe = try bundle("b", [shellDAG("d", ["a"])])
        let a = try #require(BundleLoader.load([exe]).versions["d"]?.version)
        try bundle("b", [shellDAG("d", ["a"])])   // rebuilt to the same bytes
        #expect(BundleLoader.load([exe]).versions["d"]?.version == a)
    }

    @Test func theManifestCacheDescribesAnExecutableOnce() throws {
        let exe = try bundle("b", [shellDAG("d", ["a"])])
        let cache = BundleManifestCache(home: home)
        for _ in 0..<3 { #expect(BundleLoader.load([exe], cache: cache).bag.dags.map(\.id) == ["d"]) }
        #expect(describes("b") == 1)
        try bundle("b", [shellDAG("d", ["a", "b"])])   // a new file: described again
        #expect(BundleLoader.load([exe], cache: cache).bag.dag("d")?.tasks.count == 2)
        #expect(describes("b") == 2)
        try bundle("b", [shellDAG("d", ["a", "b"])])   // same bytes, new inode: the manifest is reused
        _ = BundleLoader.load([exe], cache: cache)
        #expect(describes("b") == 2)
    }

    @Test func oneDAGLoadedAloneIsWhatTheFullLoadGives() throws {
        let first = try bundle("b", [shellDAG("d", ["a"]), shellDAG("shared", ["x"]), shellDAG("e", ["y"])])
        let second = try bundle("o", [shellDAG("shared", ["x", "z"]), shellDAG("other", ["w"])])
        let cache = BundleManifestCache(home: home)
        // Never loaded: the index is not there yet, the caller needs the full load (which writes it).
        #expect(BundleLoader.loadOne("d", from: [first, second], cache: cache) == nil)
        let full = BundleLoader.load([first, second], cache: cache)
        for id in ["d", "shared", "other"] {
            let one = try #require(BundleLoader.loadOne(id, from: [first, second], cache: cache))
            #expect(one.bag.dags.map(\.id) == [id])
            #expect(one.versions[id] == full.versions[id])
            #expect(one.executables[id] == full.executables[id] && one.bundles[id] == full.bundles[id])
            // The version is the hash of the index's entry, and the full load's entry encoded again is that text.
            let located = try #require(BundleLoader.locate(id, from: [first, second], cache: cache))
            let v = try #require(full.versions[id])
            #expect(full.manifestEntry(id) == located.manifest)
            #expect(DAGVersion.identifier(manifest: located.manifest, executableSHA256: v.executableSHA256) == v.version)
        }
        // A DAG of two bundles belongs to the first, as in the full load.
        #expect(BundleLoader.loadOne("shared", from: [first, second], cache: cache)?.bag.dag("shared")?.tasks.count == 1)
        #expect(BundleLoader.loadOne("shared", from: [second, first], cache: cache)?.bag.dag("shared")?.tasks.count == 2)
        #expect(BundleLoader.loadOne("nope", from: [first, second], cache: cache) == nil)
        #expect(describes("b") == 1 && describes("o") == 1)

        // Rebuilt: the index of the old file is not used; the full load describes it and indexes it again.
        try bundle("b", [shellDAG("d", ["a", "b"])])
        #expect(BundleLoader.loadOne("d", from: [first, second], cache: cache) == nil)
        let reloaded = BundleLoader.load([first, second], cache: cache)
        let one = try #require(BundleLoader.loadOne("d", from: [first, second], cache: cache))
        #expect(one.bag.dag("d")?.tasks.count == 2 && one.versions["d"] == reloaded.versions["d"])
        #expect(one.versions["d"] != full.versions["d"])
        #expect(BundleLoader.loadOne("e", from: [first, second], cache: cache) == nil)   // gone from the bundle
    }

    @Test func aDAGTheFullLoadRefusesIsNotLoadedAlone() throws {
        let cyclic = DAG("cyclic", tasks: [TaskSpec(id: "a", action: .shell("true"), upstream: ["b"]),
                                           TaskSpec(id: "b", action: .shell("true"), upstream: ["a"])])
        let exe = try bundle("b", [shellDAG("fine", ["a"]), cyclic, shellDAG("twice", ["a"]), shellDAG("twice", ["b"])])
        let cache = BundleManifestCache(home: home)
        let full = BundleLoader.load([exe], cache: cache)
        #expect(full.bag.dags.map(\.id) == ["fine"])
        #expect(BundleLoader.loadOne("fine", from: [exe], cache: cache) != nil)
        #expect(BundleLoader.loadOne("cyclic", from: [exe], cache: cache) == nil)
        #expect(BundleLoader.loadOne("twice", from: [exe], cache: cache) == nil)
    }

    @Test func anIndexEntryThatWasTamperedWithIsNotTrusted() throws {
        let exe = try bundle("b", [shellDAG("d", ["a"])])
        let cache = BundleManifestCache(home: home)
        let full = BundleLoader.load([exe], cache: cache)
        let sha = try #require(full.versions["d"]?.executableSHA256)
        // Another DAG's entry under d's name: refused (its id is not d), so the caller falls back to the full load.
        cache.dags.write(sha, entries: [("d", try BundleManifest.entry(shellDAG("x", ["a"])))])
        #expect(BundleLoader.loadOne("d", from: [exe], cache: cache) == nil)
        #expect(cache.dags.entry(sha, dagId: "../../d") == nil && cache.dags.ids("../\(sha)") == nil)
    }

    @Test func aManifestOfANewerFormatSaysSo() throws {
        let path = dir.appendingPathComponent("newer").path
        try "#!/bin/sh\necho '{\"format\": 99, \"dags\": \"another shape\"}'\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o755)
        let loaded = BundleLoader.load([path], cache: BundleManifestCache(home: home))
        #expect(loaded.bag.dags.isEmpty)
        #expect(loaded.errors.first?.message.contains("manifest format 99 is newer than this orch understands") == true)
    }

    @Test func aReloadKeepsTheLastGoodVersionOfABundleThatNowFails() throws {
        let exe = try bundle("b", [shellDAG("d", ["a"])])
        let other = try bundle("o", [shellDAG("other", ["x"])])
        let good = BundleLoader.load([exe, other])
        // The bundle now crashes in describe; the other bundle lost its DAG.
        try "#!/bin/sh\necho boom >&2\nexit 4\n".write(toFile: exe + ".new", atomically: false, encoding: .utf8)
        chmod(exe + ".new", 0o755)
        rename(exe + ".new", exe)
        try bundle("o", [])
        let reloaded = BundleLoader.load([exe, other]).keepingLastGood(of: good)
        #expect(reloaded.bag.dags.map(\.id) == ["d"])
        #expect(reloaded.versions["d"] == good.versions["d"])
        #expect(reloaded.errors.map(\.kind) == [.describe])
        // Gone: its DAGs leave.
        try FileManager.default.removeItem(atPath: exe)
        #expect(BundleLoader.load([exe, other]).keepingLastGood(of: good).bag.dags.isEmpty)
    }

    @Test func theWatcherReloadsWhenABundleChanges() throws {
        let exe = try bundle("b", [shellDAG("d", ["a"])])
        let seen = Seen()
        let watcher = BundleWatcher(paths: [exe], loaded: BundleLoader.load([exe]), load: { BundleLoader.load($0) },
                                    reloaded: { seen.add($0) })
        #expect(!watcher.checkOnce())
        try bundle("b", [shellDAG("d", ["a", "b"])])
        #expect(watcher.checkOnce())
        #expect(seen.all.last?.bag.dag("d")?.tasks.map(\.id) == ["a", "b"])
        #expect(!watcher.checkOnce())
    }
}

final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [LoadedBundles] = []
    func add(_ v: LoadedBundles) { lock.withLock { values.append(v) } }
    var all: [LoadedBundles] { lock.withLock { values } }
}
