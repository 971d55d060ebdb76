import Foundation
import OrchCore

/// One DAG as the per-DAG index holds it (``BundleLoader/locate(_:from:environment:cache:)``): its version and its
/// manifest entry, not decoded yet. What a command about one DAG starts from (`orch trigger`, `orch run`).
public struct LocatedDAG: Sendable {
    public let version: DAGVersion
    /// The DAG's manifest entry (JSON), as the index keeps it.
    public let manifest: String

    public init(version: DAGVersion, manifest: String) {
        self.version = version
        self.manifest = manifest
    }

    public var dagId: String { version.dagId }
}
