import Crypto
import Foundation

/// How orch's names map onto OpenLineage's (https://openlineage.io/docs/spec/naming): pure functions.
public enum OpenLineageNaming {
    /// An asset URI as an OpenLineage dataset: the namespace is the scheme and authority, the name the rest
    /// (`postgres://warehouse/gold.fct_orders` → `postgres://warehouse` + `gold.fct_orders`). A URI without a
    /// path keeps its authority as the name too, so the name is never empty.
    public static func dataset(uri: String) -> (namespace: String, name: String) {
        guard let sep = uri.range(of: "://") else { return ("orch", uri) }
        let rest = uri[sep.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return (uri, String(rest)) }
        let name = rest[rest.index(after: slash)...]
        return (String(uri[..<slash]), name.isEmpty ? String(rest[..<slash]) : String(name))
    }

    /// The OpenLineage job of a task: `<dag>.<task>` (as Airflow's integration names tasks).
    public static func jobName(dagId: String, taskId: String) -> String { "\(dagId).\(taskId)" }

    /// The run id of one attempt: a UUID derived from the DAG, run, task and try, so the START and the
    /// COMPLETE/FAIL of an attempt share it, and writing the events again (a replayed batch) gives the same id.
    public static func attemptRunId(dagId: String, runId: String, taskId: String, tryNumber: Int) -> String {
        uuid(from: "orch-attempt\u{0}\(dagId)\u{0}\(runId)\u{0}\(taskId)\u{0}\(tryNumber)")
    }

    /// The run id of a DAG run (the parent of its attempts' runs).
    public static func dagRunId(dagId: String, runId: String) -> String {
        uuid(from: "orch-dag-run\u{0}\(dagId)\u{0}\(runId)")
    }

    /// RFC 9562 version 8 (custom) UUID from the first 16 bytes of the name's SHA-256.
    static func uuid(from name: String) -> String {
        var b = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x80
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = b.map { String(format: "%02x", $0) }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
            String(hex[hex.index(hex.startIndex, offsetBy: r.lowerBound)..<hex.index(hex.startIndex, offsetBy: r.upperBound)])
        }
        return parts.joined(separator: "-")
    }
}
