import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// Which bundles this command loads, and the loaded result (once per process).
///
/// The bundles are, first found: `--bundle PATH` (serve, scheduler; repeatable), `ORCH_BUNDLES` (paths separated
/// by `:`), `bundles` in ORCH_HOME/orch.json, else `./dags` when it holds a package (like Airflow's dags folder).
/// A path is a bundle package folder (orch builds it) or a bundle executable.
enum BundleSelection {
    nonisolated(unsafe) private static var override: [String]?
    private static let cache = LoadedOnce<LoadedBundles>()
    private static let lock = NSLock()

    /// `--bundle` paths given on the command line (before anything loads).
    static func use(_ paths: [String]) {
        guard !paths.isEmpty else { return }
        lock.withLock { override = paths.map(absolute) }
    }

    static func paths(_ home: OrchHome) -> [String] {
        if let given = lock.withLock({ override }) { return given }
        if let env = ProcessInfo.processInfo.environment["ORCH_BUNDLES"] {
            return env.split(separator: ":").map { absolute(String($0)) }
        }
        if let configured = Settings.load(home).bundles { return configured.map(absolute) }
        let local = absolute("dags")
        return FileManager.default.fileExists(atPath: local + "/Package.swift") ? [local] : []
    }

    /// Every configured bundle, loaded once per process (callers at the same moment share one load); the examples
    /// left out when `load_examples` is off.
    static func loaded(_ home: OrchHome) -> LoadedBundles {
        cache.value { load(home) }
    }

    /// Only the DAG `dagId`, as the full load would give it, read from the manifest cache's per-DAG index (a
    /// command about one DAG: `orch trigger`); nil when that needs the full load (see `BundleLoader.loadOne`).
    /// `located`: the lookup ``located(_:_:)`` made (nil: it found nothing, so the full load it is; the lookup is
    /// not repeated here: for a package folder it checks the build).
    static func loadedAlone(_ dagId: String, _ home: OrchHome, located: LocatedDAG?) -> LoadedBundles? {
        if let done = cache.current { return done.filtered { $0.id == dagId } }
        guard let found = located, found.dagId == dagId, let one = BundleLoader.loadOne(found) else { return nil }
        if !Settings.load(home).examplesLoaded, one.bag.dags.contains(where: { $0.tags.contains("example") }) { return nil }
        return one
    }

    /// Where the manifest cache's per-DAG index holds `dagId`, before anything is decoded (nil: the command needs
    /// the full load, or has loaded already).
    static func located(_ dagId: String, _ home: OrchHome) -> LocatedDAG? {
        guard cache.current == nil, let manifests = manifestCache(home) else { return nil }
        return BundleLoader.locate(dagId, from: paths(home), cache: manifests)
    }

    /// Loads the bundles now (building what changed), without the cache.
    static func load(_ home: OrchHome) -> LoadedBundles {
        let result = BundleLoader.load(paths(home), cache: manifestCache(home))
        return Settings.load(home).examplesLoaded ? result : result.filtered { !$0.tags.contains("example") }
    }

    /// The manifest cache; nil with ORCH_MANIFEST_CACHE=0, which describes every bundle every time (for measuring
    /// what the cache saves).
    private static func manifestCache(_ home: OrchHome) -> BundleManifestCache? {
        ProcessInfo.processInfo.environment["ORCH_MANIFEST_CACHE"] == "0" ? nil : BundleManifestCache(home: home)
    }

    /// A scheduler reloaded its bundles: what this process serves from now on.
    static func replace(_ loaded: LoadedBundles) { cache.replace(loaded) }

    private static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(expanded)
        return url.standardizedFileURL.path
    }
}
