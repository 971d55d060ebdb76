import Foundation
import OrchCore
import OrchStore

/// Answer to marking tasks by hand.
struct MarkTasksResultDTO: Codable, Sendable {
    let run: RunDTO
    let marked_task_ids: [String]
    let state: String
}

/// One XCom of a task: the value pretty-printed, cut at `XComDTO.previewLimit` characters.
struct XComDTO: Codable, Sendable {
    static let previewLimit = 4_000

    let key: String
    let value: String
    let size_bytes: Int
    let truncated: Bool

    init(key: String, storedJSON: String) {
        self.key = key
        size_bytes = storedJSON.utf8.count
        let pretty = XComDTO.pretty(storedJSON)
        truncated = pretty.count > Self.previewLimit
        value = truncated ? String(pretty.prefix(Self.previewLimit)) : pretty
    }

    static func pretty(_ json: String) -> String {
        guard let value = try? JSONValue.parse(json) else { return json }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return json }
        return text
    }
}

struct XComListDTO: Codable, Sendable {
    let task_id: String
    let xcoms: [XComDTO]
}

/// `GET /failures`: failed runs and failed task tries, newest first, whether or not a webhook is configured.
struct FailuresDTO: Codable, Sendable {
    let runs: [RunDTO]
    let tries: [FailedTryDTO]
}

struct FailedTryDTO: Codable, Sendable {
    let dag_id: String
    let run_id: String
    let task_id: String
    let try_number: Int
    let end_date: String?
    let error: String?
}

/// `GET /dags/{dag_id}/run-preview`: what a manual run at a logical date would cover, before it is queued.
struct RunPreviewDTO: Codable, Sendable {
    let dag_id: String
    let run_id: String
    let logical_date: String
    let data_interval_start: String
    let data_interval_end: String
    /// A manual run for this logical date exists, so triggering one would be refused.
    let manual_run_exists: Bool
}

/// `POST /auth/check`: the token is valid (a wrong one gets the usual 401), whose it is and its role.
struct AuthCheckDTO: Codable, Sendable {
    let ok: Bool
    let name: String
    let role: String
}
