import Foundation
import OrchCore

/// A DAG as loaded now, with what identifies its version: the sha256 of its manifest entry and of its bundle
/// executable's sha256. The same definition built into other code is another version; a rebuild that changes
/// nothing (same bytes) is the same one.
public struct DAGVersion: Sendable, Hashable {
    public let dagId: String
    /// 64 hex digits.
    public let version: String
    public let bundle: String
    /// The executable as built (the bundle's own file).
    public let executable: String
    public let executableSHA256: String

    /// The version of a DAG from its manifest entry (``BundleManifest/entry(_:)``, or as ``BundleDAGIndex`` kept it).
    public init(dagId: String, manifest: String, bundle: String, executable: String, executableSHA256: String) {
        self.dagId = dagId
        self.bundle = bundle
        self.executable = executable
        self.executableSHA256 = executableSHA256
        version = Self.identifier(manifest: manifest, executableSHA256: executableSHA256)
    }

    public static func identifier(manifest: String, executableSHA256: String) -> String {
        FileDigest.sha256(Data((manifest + "\n" + executableSHA256).utf8))
    }

    /// The form the CLI and the dashboard show (a prefix, like git's short hashes).
    public static func short(_ version: String) -> String { String(version.prefix(12)) }
}
