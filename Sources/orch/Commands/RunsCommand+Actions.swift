import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

extension RunsCommand {
    struct Mark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a run success or failed; its unfinished tasks take the same state.",
            discussion: """
                One run: DAG RUN (or RUN with --dag). Many runs at once: DAG alone with a filter, e.g.
                `orch runs mark etl --state success --current-state failed --from 2026-11-01 --to 2026-11-07`;
                runs already in that state are left out. --dry-run lists what would change and changes nothing.
                """)
        @Argument(help: "DAG RUN (the DAG id, then the run id), or RUN alone (with --dag when needed); DAG alone for the bulk form.")
        var ids: [String] = []
        @Option(help: "success or failed.") var state: String
        @Option(name: .customLong("current-state"),
                help: "Bulk form: only runs now in this state (repeatable, or comma-separated).")
        var currentStates: [String] = []
        @OptionGroup var range: BulkRange
        @OptionGroup var selection: RunSelection

        var isBulk: Bool { !currentStates.isEmpty || range.hasDates }

        func validate() throws {
            if isBulk {
                _ = try BulkCLI.dagId(ids, selection, form: "orch runs mark DAG --state S --current-state S --from D --to D")
                _ = try BulkCLI.states(currentStates, "--current-state", RunState.self)
            } else {
                _ = try selection.address(ids, trailing: 0, usage: RunSelection.runUsage)
            }
            guard let s = RunState(rawValue: state), s.isFinished else {
                throw ValidationError("--state must be success or failed, not '\(state)'")
            }
        }

        func run() throws {
            let action = BulkAction.mark(state)!
            if isBulk {
                let (from, to) = try range.dates()
                let filter = BulkFilter(dagId: try BulkCLI.dagId(ids, selection, form: ""),
                                        runStates: try BulkCLI.states(currentStates, "--current-state", RunState.self),
                                        logicalFrom: from, logicalTo: to)
                return try BulkCLI.perform(.runs, action, filter: filter, dryRun: range.dryRun)
            }
            let ctx = try CLIContext()
            let store = try ctx.store()
            let run = try selection.run(ids, in: store)
            if range.dryRun {
                return try BulkCLI.perform(.runs, action, filter: BulkFilter(dagId: run.dagId, runIds: [run.runId]),
                                           dryRun: true)
            }
            try store.markRun(pk: run.pk, state: RunState(rawValue: state)!, now: Date())
            try ctx.audit(store, "run.mark", ["dag_id": run.dagId, "run_id": run.runId, "state": state])
            WakeSocket.notify(ctx.home.wakeSocketPath)
            print("marked run \(run.runId) of \(run.dagId) \(state)")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a finished run: its tasks, attempts, XComs, delivered alerts and log files.",
            discussion: "Queued and running runs are refused; mark them first. Alerts still waiting in the outbox are kept.")
        @Argument(help: "DAG RUN (the DAG id, then the run id), or RUN alone (with --dag when needed).") var ids: [String] = []
        @OptionGroup var selection: RunSelection

        func validate() throws { _ = try selection.address(ids, trailing: 0, usage: RunSelection.runUsage) }

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let run = try selection.run(ids, in: store)
            let logs = try store.attempts(runPk: run.pk, taskId: nil).map(\.logPath)
            do { try store.deleteRun(pk: run.pk) } catch let e as StoreError { throw CLIError(e.description) }
            try ctx.audit(store, "run.delete", ["dag_id": run.dagId, "run_id": run.runId])
            // The run's log folder, then any log an attempt recorded elsewhere (older versions named folders
            // differently).
            let fm = FileManager.default
            try? fm.removeItem(at: ctx.home.runLogsDirectory(dagId: run.dagId, runId: run.runId))
            for log in logs where fm.fileExists(atPath: log) { try? fm.removeItem(atPath: log) }
            print("deleted run \(run.runId) of \(run.dagId)")
        }
    }
}
