import Foundation
import OrchCore
import OrchStore

/// A task instance (one task in one run) on the wire.
struct TaskInstanceDTO: Codable, Sendable {
    let task_id: String
    let state: String
    let try_number: Int
    let max_tries: Int
    let start_date: String?
    let end_date: String?
    let duration_seconds: Double?
    let next_retry_at: String?
    let pid: Int?
    let error: String?
    /// Why it is not running (unfinished tasks only), in words and as a stable code (``WaitingReason``).
    var waiting_reason: String?
    var waiting_code: String?

    init(_ t: TaskInstanceRecord) { self.init(t, waiting: nil) }

    init(_ t: TaskInstanceRecord, waiting: WaitingReasons?) {
        task_id = t.taskId
        state = t.state.rawValue
        try_number = t.tryNumber
        max_tries = t.maxTries
        start_date = APIDate.format(t.startDate)
        end_date = APIDate.format(t.endDate)
        duration_seconds = durationSeconds(t.startDate, t.endDate)
        next_retry_at = APIDate.format(t.nextRetryAt)
        pid = t.pid
        error = t.error
        if let reason = waiting?.task(runPk: t.runPk, taskId: t.taskId) {
            waiting_reason = reason.description
            waiting_code = reason.code
        }
    }
}

/// One try of a task. The log is read through `log_url`; the file path stays on the server.
struct TryDTO: Codable, Sendable {
    let task_id: String
    let try_number: Int
    let state: String
    let isolation: String
    let pid: Int?
    let start_date: String
    let end_date: String?
    let duration_seconds: Double?
    let exit_code: Int?
    let signal: Int?
    let error: String?
    let log_url: String

    init(_ a: AttemptRecord, dagId: String, runId: String) {
        task_id = a.taskId
        try_number = a.tryNumber
        state = a.state.rawValue
        isolation = a.isolation
        pid = a.pid
        start_date = APIDate.format(a.startDate)
        end_date = APIDate.format(a.endDate)
        duration_seconds = durationSeconds(a.startDate, a.endDate)
        exit_code = a.exitCode
        signal = a.signal
        error = a.error
        log_url = "/api/v1/dags/\(pathEscape(dagId))/runs/\(pathEscape(runId))/tasks/\(pathEscape(a.taskId))"
            + "/tries/\(a.tryNumber)/log"
    }
}

/// `GET .../tasks/{task_id}`: the instance with every try.
struct TaskDetailDTO: Codable, Sendable {
    let task_instance: TaskInstanceDTO
    let tries: [TryDTO]
}

struct TryListDTO: Codable, Sendable {
    let tries: [TryDTO]
}

/// A chunk of a try's log.
struct LogChunkDTO: Codable, Sendable {
    let task_id: String
    let try_number: Int
    let offset: Int
    let next_offset: Int
    let size: Int
    let content: String
    let finished: Bool
}

/// Percent-escapes a path segment (RFC 3986 unreserved characters stay).
func pathEscape(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}
