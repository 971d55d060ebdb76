/// Events that may alert (decided by the engine, composed into messages by the runtime).
public enum AlertEventKind: String, Sendable, Codable, CaseIterable {
    case taskFailed = "task_failed"
    case taskRetry = "task_up_for_retry"
    case runFailed = "dag_run_failed"
    case runSucceeded = "dag_run_succeeded"
    case deadlineMissed = "deadline_missed"
}
