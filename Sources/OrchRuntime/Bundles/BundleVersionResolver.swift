import Foundation
import OrchCore
import OrchStore

/// What the engine and the launcher of one process ask about DAG versions, answered from the store once per
/// version: the DAG a pinned run is evaluated with, and the executable its tasks run on. Holds the bundles as
/// loaded now (replaced on a hot reload) for runs without a version.
public final class BundleVersionResolver: @unchecked Sendable {
    private let store: any DAGVersionStateStore
    private let lock = NSLock()
    private var loaded: LoadedBundles
    private var dags: [String: DAG] = [:]
    private var executables: [String: BundleExecutable] = [:]

    public init(store: any DAGVersionStateStore, loaded: LoadedBundles) {
        self.store = store
        self.loaded = loaded
    }

    public var current: LoadedBundles { lock.withLock { loaded } }

    /// A reload: runs without a version follow these bundles from now on.
    public func replace(_ bundles: LoadedBundles) { lock.withLock { loaded = bundles } }

    /// The DAG a run pinned to `version` is evaluated with (the loaded one when it is that version).
    public func dag(dagId: String, version: String) throws -> DAG {
        let key = EngineStateMachine.planKey(dagId: dagId, version: version)
        if let dag = lock.withLock({ dags[key] }) { return dag }
        let now = lock.withLock { loaded }
        let dag: DAG
        if now.versions[dagId]?.version == version, let d = now.bag.dag(dagId) { dag = d } else {
            dag = try BundleVersions.dag(dagId: dagId, version: version, store: store)
        }
        lock.withLock { dags[key] = dag }
        return dag
    }

    /// The executable path an attempt of the DAG runs on: its version's copy, else (a run without a version) the
    /// bundle's as loaded now; nil when the DAG has no bundle.
    public func executablePath(dagId: String, version: String?) -> String? {
        guard let version else { return lock.withLock { loaded.executables[dagId] } }
        let key = EngineStateMachine.planKey(dagId: dagId, version: version)
        if let e = lock.withLock({ executables[key] }) { return e.path }
        guard let e = try? BundleVersions.executable(dagId: dagId, version: version, store: store) else {
            return lock.withLock { loaded.executables[dagId] }
        }
        lock.withLock { executables[key] = e }
        return e.path
    }

    /// The bundle as configured (its package folder or executable) that a run's DAG version came from: a task
    /// running on the version's content-addressed copy finds its package's files from it (``TaskEnvironment/bundleSourceKey``).
    public func bundleSource(dagId: String, version: String?) -> String? {
        let now = lock.withLock { loaded }
        if let v = now.versions[dagId], version == nil || v.version == version { return v.bundle }
        guard let version else { return now.bundles[dagId] }
        return (try? store.dagVersions(dagId: dagId, prefix: version))?.first { $0.version == version }?.bundle
    }
}
