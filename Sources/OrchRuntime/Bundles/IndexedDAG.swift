import Foundation
import OrchCore

/// One DAG as the manifest cache's per-DAG index holds it, not decoded yet: its bundle, the bundle's executable
/// and that file's sha256, and the DAG's manifest entry (``BundleLoader/locate(_:from:environment:cache:)``).
public struct IndexedDAG: Sendable {
    public let dagId: String
    public let bundle: String
    public let executable: String
    public let sha256: String
    /// The manifest entry (JSON, as ``BundleManifest/entry(_:)`` wrote it).
    public let entry: String

    public init(dagId: String, bundle: String, executable: String, sha256: String, entry: String) {
        self.dagId = dagId
        self.bundle = bundle
        self.executable = executable
        self.sha256 = sha256
        self.entry = entry
    }

    /// The isolations the entry's tasks ask for, read from its text without decoding it (decoding a 1,000-task
    /// entry takes tens of milliseconds): the encoder writes each task's as `"isolation":"<value>"`, a text that
    /// a JSON string value cannot hold unescaped. Only a hint, for starting helpers early: a `params` object
    /// with such a key could add an isolation no task uses (a helper started for nothing), never hide one.
    public var isolationHint: Set<Isolation> {
        var found: Set<Isolation> = []
        for isolation in [Isolation.process, .inProcess] where entry.contains("\"isolation\":\"\(isolation.rawValue)\"") {
            found.insert(isolation)
        }
        return found
    }
}
