import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

extension RunsCommand {
    struct Mark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a run success or failed; its unfinished tasks take the same state.")
        @Argument(help: "DAG RUN (the DAG id, then the run id), or RUN alone (with --dag when needed).") var ids: [String] = []
        @Option(help: "success or failed.") var state: String
        @OptionGroup var selection: RunSelection

        func validate() throws {
            _ = try selection.address(ids, trailing: 0, usage: RunSelection.runUsage)
            guard let s = RunState(rawValue: state), s.isFinished else {
                throw ValidationError("--state must be success or failed, not '\(state)'")
            }
        }

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let run = try selection.run(ids, in: store)
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
