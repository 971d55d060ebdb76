import Foundation
import OrchCore

/// One version of a DAG (issue 13): what its bundle described, and the executable that runs its tasks.
public struct DAGVersionRecord: Sendable, Codable, Hashable {
    public var dagId: String
    /// sha256 (hex) of the DAG's manifest entry and of the executable's sha256.
    public var version: String
    /// The bundle as configured (a package folder or an executable).
    public var bundle: String
    public var executableSHA256: String
    /// The content-addressed copy of the executable (ORCH_HOME/bundles/<sha256>/<name>).
    public var executablePath: String
    /// The DAG's manifest entry (JSON, as `describe` printed it).
    public var manifest: String
    /// When this version was first loaded.
    public var createdAt: Date

    public init(dagId: String, version: String, bundle: String, executableSHA256: String, executablePath: String,
                manifest: String, createdAt: Date) {
        self.dagId = dagId
        self.version = version
        self.bundle = bundle
        self.executableSHA256 = executableSHA256
        self.executablePath = executablePath
        self.manifest = manifest
        self.createdAt = createdAt
    }
}

/// DAG versions: stored once each, the one loaded now on the DAG's row (runs created from then on are pinned to
/// it: `RunRecord.dagVersion`).
public protocol DAGVersionStateStore: Sendable {
    /// Stores versions not seen before and makes each the DAG's current version (the DAG rows must exist:
    /// `syncDAGs` first).
    func recordDAGVersions(_ versions: [DAGVersionRecord]) throws
    /// DAG id → its current version, for the DAGs whose current version is stored: what recording that version
    /// again would leave as it is.
    func currentDAGVersions() throws -> [String: String]
    /// A DAG's versions, oldest first.
    func dagVersions(dagId: String) throws -> [DAGVersionRecord]
    /// The versions of a DAG whose id starts with `prefix` (a full id, or the short form the CLI shows).
    func dagVersions(dagId: String, prefix: String) throws -> [DAGVersionRecord]
    /// One version of a DAG, by its full id (nil: not stored). `withManifest` false leaves `manifest` empty: a
    /// lookup of the executable a run's tasks use does not read a manifest that can be hundreds of kilobytes.
    func dagVersion(dagId: String, version: String, withManifest: Bool) throws -> DAGVersionRecord?
    /// The versions that queued or running runs are pinned to (their executables must stay).
    func versionsOfUnfinishedRuns() throws -> [DAGVersionRecord]
}
