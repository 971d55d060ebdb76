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
    /// Stored versions already read, by plan key: the executable and the bundle source of a pinned run come from
    /// here, so the store is read once per version, not once per attempt.
    private var records: [String: DAGVersionRecord] = [:]

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
        guard let record = record(dagId: dagId, version: version), let e = try? BundleVersions.executable(of: record) else {
            return lock.withLock { loaded.executables[dagId] }
        }
        lock.withLock { executables[key] = e }
        return e.path
    }

    /// The bundle as configured (its package folder or executable) that a run's DAG version came from: a task
    /// running on the version's content-addressed copy finds its package's files from it (``TaskEnvironment/bundleSourceKey``).
    public func bundleSource(dagId: String, version: String?) -> String? {
        guard let version, let record = record(dagId: dagId, version: version) else {
            return lock.withLock { loaded.bundles[dagId] }
        }
        return record.bundle
    }

    /// The stored record of a version, read from the store the first time only.
    private func record(dagId: String, version: String) -> DAGVersionRecord? {
        let key = EngineStateMachine.planKey(dagId: dagId, version: version)
        if let r = lock.withLock({ records[key] }) { return r }
        guard let r = try? BundleVersions.record(dagId: dagId, version: version, store: store) else { return nil }
        lock.withLock { records[key] = r }
        return r
    }
}
