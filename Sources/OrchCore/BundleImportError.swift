/// Why a bundle, or one DAG of it, is not loaded: shown by `orch dags check`, `GET /api/v1/importErrors` and the
/// dashboard. Never fatal: the other bundles and DAGs load.
public struct BundleImportError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The bundle folder or executable does not exist.
        case missing
        /// `swift build` failed; `message` holds the compiler's errors, trimmed.
        case build
        /// `describe` exited with an error, crashed or printed no valid manifest.
        case describe
        /// `describe` did not answer within the timeout and was killed.
        case timeout
        /// A DAG failed validation (cycle, unknown upstream, bad schedule…).
        case invalidDAG = "invalid_dag"
        /// The same DAG id is defined by two bundles; the first bundle named keeps it.
        case duplicateDAG = "duplicate_dag"
    }

    public var bundle: String
    public var kind: Kind
    /// The DAG concerned, for `invalid_dag` and `duplicate_dag`.
    public var dagId: String?
    public var message: String

    public init(bundle: String, kind: Kind, dagId: String? = nil, message: String) {
        self.bundle = bundle
        self.kind = kind
        self.dagId = dagId
        self.message = message
    }

    public var description: String {
        "bundle \(bundle)" + (dagId.map { ", DAG '\($0)'" } ?? "") + " (\(kind.rawValue)): \(message)"
    }
}
