import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List and inspect DAG runs.",
                                                    subcommands: [List.self, Show.self, Clear.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a DAG's runs, newest first.")
        @Argument(help: "DAG id") var dagId: String
        @Option(help: "Only runs in this state (queued, running, success, failed).") var state: String?
        @Option(help: "How many runs.") var limit = 25
        func run() throws {
            let ctx = try CLIContext()
            _ = try ctx.dag(dagId)
            var states: [RunState] = []
            if let state {
                guard let s = RunState(rawValue: state) else { throw ValidationError("unknown run state '\(state)'") }
                states = [s]
            }
            let runs = try ctx.store().runs(RunQuery(dagId: dagId, states: states, limit: limit))
            printTable(["run_id", "type", "state", "logical_date", "start", "duration"], runs.map { r in
                [r.runId, r.runType.rawValue, r.state.rawValue, isoString(r.logicalDate), formatDate(r.startDate),
                 formatDuration(r.startDate, r.endDate)]
            })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run's task instances and every attempt.")
        @Argument(help: "Run id") var runId: String
        @OptionGroup var selection: RunSelection
        func run() throws {
            let store = try CLIContext().store()
            let run = try selection.find(runId, in: store)
            print("\(run.dagId) \(run.runId): \(run.state.rawValue)")
            if !run.conf.isEmpty { print("conf: \(JSONValue.object(SecretMask.mask(run.conf)).jsonText)") }
            printOutcomes(store: store, pk: run.pk)
            print("")
            printTable(["task_id", "try", "state", "pid", "exit", "signal", "duration", "log"],
                       try store.attempts(runPk: run.pk, taskId: nil).map { a in
                [a.taskId, String(a.tryNumber), a.state.rawValue, a.pid.map(String.init) ?? "-",
                 a.exitCode.map(String.init) ?? "-", a.signal.map { signalName(Int32($0)) } ?? "-",
                 formatDuration(a.startDate, a.endDate), a.logPath]
            })
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a finished run's tasks so the scheduler runs them again (keeps every earlier attempt).")
        @Argument(help: "Run id") var runId: String
        @Flag(name: .customLong("failed-only"), help: "Clear only failed and upstream_failed tasks.") var failedOnly = false
        @OptionGroup var selection: RunSelection
        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let run = try selection.find(runId, in: store)
            guard run.state.isFinished else { throw ValidationError("run '\(runId)' is \(run.state.rawValue); clear it when it has finished") }
            let tasks = try store.taskInstances(runPk: run.pk)
                .filter { !failedOnly || $0.state == .failed || $0.state == .upstreamFailed }.map(\.taskId)
            try store.clearTasks(runPk: run.pk, taskIds: tasks, now: Date())
            try ctx.audit(store, "run.clear", ["dag_id": run.dagId, "run_id": run.runId, "task_ids": tasks.joined(separator: ",")])
            WakeSocket.notify(ctx.home.wakeSocketPath)
            print("cleared \(tasks.count) task(s) of \(runId); the run is queued again")
        }
    }
}
