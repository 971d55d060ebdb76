import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// The date range and `--dry-run` of the bulk forms of `orch runs clear|mark` and `orch tasks clear|mark`.
struct BulkRange: ParsableArguments {
    @Option(help: "Bulk form: only runs with a logical date on or after this (YYYY-MM-DD or ISO 8601).")
    var from: String?
    @Option(help: "Bulk form: only runs with a logical date on or before this; a date alone includes that whole day (UTC).")
    var to: String?
    @Flag(help: "List what would change (and what would be left alone, and why); change nothing.")
    var dryRun = false

    var hasDates: Bool { from != nil || to != nil }

    func validate() throws { _ = try dates() }

    /// (from, to); a date-only `--to` reaches the last millisecond of that UTC day.
    func dates() throws -> (Date?, Date?) {
        let start = try from.map(parseDate)
        var end = try to.map(parseDate)
        if let to, to.count == 10, let day = end { end = day.addingTimeInterval(86_400 - 0.001) }
        if let start, let end, start > end, let from, let to {
            throw ValidationError("--from \(from) is after --to \(to); swap them")
        }
        return (start, end)
    }
}

/// Runs a bulk action from the command line: prints what changed (or would), what was skipped and why, writes
/// the audit entry (for a real change) and wakes the scheduler.
enum BulkCLI {
    /// The DAG of the bulk form: `DAG` alone, or `--dag DAG` with no positional id.
    static func dagId(_ ids: [String], _ selection: RunSelection, form: String) throws -> String {
        switch (ids.count, selection.dagId) {
        case (1, nil): return ids[0]
        case (1, let dag?) where dag == ids[0]: return dag
        case (0, let dag?): return dag
        default:
            throw ValidationError("the bulk form takes the DAG alone: \(form); got \(ids.count) argument"
                + (ids.count == 1 ? "" : "s"))
        }
    }

    static func states<E: RawRepresentable & CaseIterable>(_ texts: [String], _ option: String, _ type: E.Type) throws
        -> [E] where E.RawValue == String {
        try texts.flatMap { $0.split(separator: ",").map(String.init) }.map { text in
            guard let state = E(rawValue: text) else {
                throw ValidationError("\(option) '\(text)' is not a state; use "
                    + E.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return state
        }
    }

    /// Checks task ids against the DAG, then performs the action (or the dry run) and prints the outcome.
    static func perform(_ target: BulkTarget, _ action: BulkAction, filter: BulkFilter, dryRun: Bool) throws {
        let ctx = try CLIContext()
        let dag = try ctx.dag(filter.dagId)
        if let unknown = filter.taskIds.first(where: { dag.task($0) == nil }) {
            throw CLIError("DAG '\(dag.id)' has no task '\(unknown)'; its tasks: "
                + dag.tasks.map(\.id).joined(separator: ", "))
        }
        let store = try ctx.syncedStore(try ctx.bag())
        let plan: BulkPlan
        do { plan = try store.bulkAction(target, action, filter: filter, dryRun: dryRun, now: Date()) }
        catch let e as StoreError { throw CLIError(e.description) }
        print(report(plan, dagId: dag.id))
        guard !dryRun, !plan.changes.isEmpty else { return }
        var audit = auditTarget(filter)
        if action != .clear { audit["state"] = action == .markSuccess ? "success" : "failed" }
        audit["changed_run_ids"] = plan.changes.map(\.run.runId).joined(separator: ",")
        try ctx.audit(store, "\(target == .runs ? "run" : "task").bulk_\(action == .clear ? "clear" : "mark")", audit)
        WakeSocket.notify(ctx.home.wakeSocketPath)
    }

    /// The filter as the audit log records it (the API's field names).
    static func auditTarget(_ f: BulkFilter) -> [String: String] {
        var t = ["dag_id": f.dagId]
        if !f.runIds.isEmpty { t["run_ids"] = f.runIds.joined(separator: ",") }
        if !f.runStates.isEmpty { t["run_states"] = f.runStates.map(\.rawValue).joined(separator: ",") }
        if !f.taskIds.isEmpty { t["task_ids"] = f.taskIds.joined(separator: ",") }
        if !f.taskStates.isEmpty { t["task_states"] = f.taskStates.map(\.rawValue).joined(separator: ",") }
        if let from = f.logicalFrom { t["logical_date_gte"] = isoString(from) }
        if let to = f.logicalTo { t["logical_date_lte"] = isoString(to) }
        return t
    }

    /// The table of changed runs, the skipped lines, and one summary line.
    static func report(_ plan: BulkPlan, dagId: String) -> String {
        var lines: [String] = []
        if !plan.changes.isEmpty {
            lines += tableLines(["run_id", "logical_date", "state", "tasks"], plan.changes.map { c in
                [c.run.runId, isoString(c.run.logicalDate), c.run.state.rawValue,
                 c.taskIds.isEmpty ? "-" : c.taskIds.joined(separator: ",")]
            })
        }
        for s in plan.skipped {
            lines.append("skipped \(s.runId)\(s.taskId.map { " \($0)" } ?? ""): \(s.reason)")
        }
        let runs = "\(plan.changes.count) run(s) of \(dagId)"
        let tasks = "\(plan.taskCount) task instance(s)"
        let summary: String
        switch (plan.target, plan.action) {
        case (.runs, .clear), (.tasks, .clear):
            summary = plan.dryRun ? "would clear \(tasks) in \(runs)" : "cleared \(tasks) in \(runs); the runs are queued again"
        case (.runs, _):
            let state = plan.action == .markSuccess ? "success" : "failed"
            summary = (plan.dryRun ? "would mark \(runs) \(state)" : "marked \(runs) \(state)")
                + " (\(plan.taskCount) unfinished task instance(s) take the state)"
        case (.tasks, _):
            let state = plan.action == .markSuccess ? "success" : "failed"
            summary = plan.dryRun ? "would mark \(tasks) in \(runs) \(state)"
                : "marked \(tasks) in \(runs) \(state); the runs are queued again"
        }
        lines.append(plan.dryRun ? summary + " (dry run: nothing changed)" : summary)
        return lines.joined(separator: "\n")
    }
}

/// Rows as aligned columns, as lines (``printTable`` prints the same).
func tableLines(_ header: [String], _ rows: [[String]]) -> [String] {
    let widths = header.indices.map { i in ([header[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }
    return [line(header)] + rows.map(line)
}
