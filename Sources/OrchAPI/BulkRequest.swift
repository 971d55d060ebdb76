import Foundation
import OrchCore
import OrchStore

/// The body of a bulk action (`POST /dags/{dag_id}/runs/bulk-clear` and its siblings), read into a
/// ``BulkFilter``: `run_ids`, `run_states`, `logical_date_gte`, `logical_date_lte`, `task_ids`, `task_states`,
/// `dry_run` (default false) and, for marks, `state`. Every value is checked; a bad one is a 400 naming it.
struct BulkRequest {
    static let filterFields: Set<String> = ["run_ids", "run_states", "logical_date_gte", "logical_date_lte",
                                            "task_ids", "task_states", "dry_run"]
    let filter: BulkFilter
    let dryRun: Bool

    init(_ body: [String: JSONValue], dag: DAG, extra: Set<String> = []) throws {
        try body.rejectUnknown(allowed: Self.filterFields.union(extra))
        let from = try Self.date(body, "logical_date_gte")
        let to = try Self.date(body, "logical_date_lte")
        if let from, let to, from > to {
            throw APIError.badRequest("logical_date_gte (\(APIDate.format(from))) is after logical_date_lte "
                + "(\(APIDate.format(to))); swap them")
        }
        let taskIds = try body.stringArray("task_ids") ?? []
        if let unknown = taskIds.first(where: { dag.task($0) == nil }) {
            throw APIError.badRequest("field 'task_ids': DAG '\(dag.id)' has no task '\(unknown)'")
        }
        filter = BulkFilter(dagId: dag.id, runIds: try body.stringArray("run_ids") ?? [],
                            runStates: try Self.states(body, "run_states", RunState.self), logicalFrom: from,
                            logicalTo: to, taskIds: taskIds,
                            taskStates: try Self.states(body, "task_states", TaskState.self))
        guard filter.isNarrowed else {
            throw APIError.badRequest("name what to act on: run_ids, run_states, logical_date_gte, logical_date_lte, "
                + "task_ids or task_states (for every run of the DAG, give logical_date_gte far enough back)")
        }
        dryRun = try body.bool("dry_run") ?? false
    }

    private static func date(_ body: [String: JSONValue], _ field: String) throws -> Date? {
        guard let text = try body.string(field) else { return nil }
        do { return try ISODate.parse(text) } catch { throw APIError.badRequest("field '\(field)': \(error)") }
    }

    private static func states<E: RawRepresentable & CaseIterable>(_ body: [String: JSONValue], _ field: String,
                                                                    _ type: E.Type) throws -> [E]
    where E.RawValue == String {
        try (body.stringArray(field) ?? []).map { text in
            guard let state = E(rawValue: text) else {
                throw APIError.badRequest("field '\(field)' has unknown state '\(text)'; use "
                    + E.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return state
        }
    }
}
