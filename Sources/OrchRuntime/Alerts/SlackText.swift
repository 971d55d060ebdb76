import Foundation

/// The `text` field: one Slack mrkdwn message (also readable as plain text by any other receiver).
enum SlackText {
    static func message(for p: AlertPayload) -> String {
        let head: String
        let task = p.taskId.map { "task `\(escape($0))`" + (p.tryNumber.map { " (try \($0))" } ?? "") }
        let where_ = "DAG `\(escape(p.dagId))`" + (p.runId.map { " run `\(escape($0))`" } ?? "")
        switch p.event {
        case "task_failed": head = ":x: *Task failed* — \(task ?? "a task") in \(where_)"
        case "task_up_for_retry": head = ":warning: *Task up for retry* — \(task ?? "a task") in \(where_)"
        case "dag_run_failed": head = ":x: *DAG run failed* — \(where_)"
        case "dag_run_succeeded": head = ":white_check_mark: *DAG run succeeded* — \(where_)"
        case "asset_stale": head = ":hourglass: *Asset stale* — written by \(task ?? "a task") in \(where_)"
        case "asset_fresh": head = ":white_check_mark: *Asset fresh again* — written by \(task ?? "a task") in \(where_)"
        case "deadline_missed": head = ":alarm_clock: *Deadline missed* — \(task.map { "\($0) in " } ?? "")\(where_)"
        default: head = ":bell: *orch test alert*"
        }
        var lines = [head]
        if let e = p.error { lines.append("> \(escape(e.split(separator: "\n").first.map(String.init) ?? e))") }
        if let d = p.detail { lines.append(escape(d)) }
        lines.append("<\(p.dashboardURL)|Open in orch>")
        return lines.joined(separator: "\n")
    }

    /// Slack's three control characters.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
