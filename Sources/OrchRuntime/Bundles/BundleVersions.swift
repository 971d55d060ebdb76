import Foundation
import OrchCore
import OrchStore

/// A bundle executable as a run must use it: the content-addressed copy of its DAG version, and its sha256.
public struct BundleExecutable: Sendable, Hashable {
    public let path: String
    public let sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// Where DAG versions are written and read (issue 13).
public enum BundleVersions {
    /// Stores the versions loaded now (each executable copied into ORCH_HOME/bundles first) and makes them the
    /// DAGs' current versions: runs created from then on are pinned to them. The DAG rows must exist
    /// (`syncDAGs`). Returns the records written: the versions that are not their DAG's current one already (only
    /// those need their manifest entry, encoded again; every command records what it loaded).
    @discardableResult
    public static func record(_ loaded: LoadedBundles, store: any DAGVersionStateStore, home: OrchHome,
                              now: Date) throws -> [DAGVersionRecord] {
        var pinned: [String: String] = [:]
        var records: [DAGVersionRecord] = []
        let current = try store.currentDAGVersions()
        for v in loaded.versions.values.sorted(by: { $0.dagId < $1.dagId }) {
            let path: String
            if let p = pinned[v.executableSHA256] { path = p } else {
                do {
                    path = try BundleExecutableStore.pin(v.executable, sha256: v.executableSHA256, home: home)
                } catch {
                    // ORCH_HOME cannot hold the copy (full, or too small, on another file system): the version runs
                    // on the bundle's own file, as before versions existed; a rebuild then changes what it runs.
                    OrchLog.scheduler.warning("cannot keep a copy of \(v.executable) for DAG version \(DAGVersion.short(v.version)) (\(error)); its runs use the bundle's own file")
                    path = v.executable
                }
                pinned[v.executableSHA256] = path
            }
            guard current[v.dagId] != v.version else { continue }
            guard let manifest = loaded.manifestEntry(v.dagId) else {
                throw BundleManifestError(message: "DAG '\(v.dagId)' cannot be encoded as a manifest entry")
            }
            records.append(DAGVersionRecord(dagId: v.dagId, version: v.version, bundle: v.bundle,
                                            executableSHA256: v.executableSHA256, executablePath: path,
                                            manifest: manifest, createdAt: now))
        }
        try store.recordDAGVersions(records)
        return records
    }

    /// **The bundle executable a run must use**: the copy of the executable of the DAG version the run was
    /// created with, whatever was built or loaded since (retries and clears included). Nil for a run without a
    /// version (created before versions existed): it runs on the DAG's bundle as loaded now. Throws when the
    /// run's version is unknown to the store or its executable is gone.
    public static func executable(for run: RunRecord, store: any DAGVersionStateStore) throws -> BundleExecutable? {
        guard let version = run.dagVersion else { return nil }
        return try executable(dagId: run.dagId, version: version, store: store)
    }

    public static func executable(dagId: String, version: String,
                                  store: any DAGVersionStateStore) throws -> BundleExecutable {
        try executable(of: try record(dagId: dagId, version: version, store: store))
    }

    /// The stored record of one version of a DAG, without its manifest (see ``dag(dagId:version:store:)``).
    public static func record(dagId: String, version: String, store: any DAGVersionStateStore) throws -> DAGVersionRecord {
        guard let record = try store.dagVersion(dagId: dagId, version: version, withManifest: false) else {
            throw BundleManifestError(message: "DAG '\(dagId)' has no stored version \(DAGVersion.short(version))")
        }
        return record
    }

    /// The executable a stored version runs on, if it is still there.
    public static func executable(of record: DAGVersionRecord) throws -> BundleExecutable {
        guard FileManager.default.isExecutableFile(atPath: record.executablePath) else {
            throw BundleManifestError(message: "the executable of DAG '\(record.dagId)' version \(DAGVersion.short(record.version)) is gone (\(record.executablePath))")
        }
        return BundleExecutable(path: record.executablePath, sha256: record.executableSHA256)
    }

    /// The DAG as the version described it.
    public static func dag(dagId: String, version: String, store: any DAGVersionStateStore) throws -> DAG {
        guard let record = try store.dagVersion(dagId: dagId, version: version, withManifest: true) else {
            throw BundleManifestError(message: "DAG '\(dagId)' has no stored version \(DAGVersion.short(version))")
        }
        return try BundleManifest.dag(fromEntry: record.manifest)
    }
}
