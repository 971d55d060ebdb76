import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List and inspect DAG runs.",
                                                    subcommands: [List.self, Show.self, Why.self, Clear.self, Mark.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a DAG's runs, newest first.")
        @Argument(help: "DAG id") var dagId: String
        @Option(help: "Only runs in this state (queued, running, success, failed).") var state: String?
        @Option(help: "How many runs.") var limit = 25
        func run() throws {
            let ctx = try CLIContext()
            try ctx.requireKnownDAG(dagId)
            var states: [RunState] = []
            if let state {
                guard let s = RunState(rawValue: state) else { throw ValidationError("unknown run state '\(state)'") }
                states = [s]
            }
            let runs = try ctx.store().runs(RunQuery(dagId: dagId, states: states, limit: limit))
            printTable(["run_id", "type", "state", "logical_date", "start", "duration", "version"], runs.map { r in
                [r.runId, r.runType.rawValue, r.state.rawValue, isoString(r.logicalDate), formatDate(r.startDate),
                 formatDuration(r.startDate, r.endDate), r.dagVersion.map(DAGVersion.short) ?? "-"]
            })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a run's task instances and every attempt, in dependency order.",
            discussion: "Name the run as DAG RUN (like the API), or as RUN alone, with --dag when runs of several DAGs share the id.")
        @Argument(help: "DAG RUN (the DAG id, then the run id), or RUN alone (with --dag when needed).") var ids: [String] = []
        @OptionGroup var selection: RunSelection
        func validate() throws { _ = try selection.address(ids, trailing: 0, usage: RunSelection.runUsage) }
        func run() throws {
            let store = try CLIContext().store()
            let run = try selection.run(ids, in: store)
            print("\(run.dagId) \(run.runId): \(run.state.rawValue)")
            if !run.conf.isEmpty { print("conf: \(JSONValue.object(SecretMask.mask(run.conf)).jsonText)") }
            printOutcomes(store: store, pk: run.pk)
            print("")
            let attempts = DependencyOrder(dagId: run.dagId).sorted(try store.attempts(runPk: run.pk, taskId: nil), by: \.taskId)
            printTable(["task_id", "try", "state", "pid", "exit", "signal", "duration", "log"], attempts.map { a in
                [a.taskId, String(a.tryNumber), a.state.rawValue, a.pid.map(String.init) ?? "-",
                 a.exitCode.map(String.init) ?? "-", a.signal.map { signalName(Int32($0)) } ?? "-",
                 formatDuration(a.startDate, a.endDate), a.logPath]
            })
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a finished run's tasks so the scheduler runs them again (keeps every earlier attempt).",
            discussion: """
                One run: DAG RUN (or RUN with --dag). Many runs at once: DAG alone with a filter, e.g.
                `orch runs clear etl --state failed --from 2026-11-01 --to 2026-11-07 --dry-run`; runs that have not
                finished are skipped and listed. --dry-run lists what would change and changes nothing.
                """)
        @Argument(help: "DAG RUN (the DAG id, then the run id), or RUN alone (with --dag when needed); DAG alone for the bulk form.")
        var ids: [String] = []
        @Flag(name: .customLong("failed-only"), help: "Clear only failed, upstream_failed and blocked_by_check tasks.") var failedOnly = false
        @Option(name: .customLong("state"), help: "Bulk form: only runs in this state (repeatable, or comma-separated).")
        var states: [String] = []
        @OptionGroup var range: BulkRange
        @OptionGroup var selection: RunSelection

        var isBulk: Bool { !states.isEmpty || range.hasDates }

        func validate() throws {
            if isBulk {
                _ = try BulkCLI.dagId(ids, selection, form: "orch runs clear DAG --state S --from D --to D")
                _ = try BulkCLI.states(states, "--state", RunState.self)
            } else {
                _ = try selection.address(ids, trailing: 0, usage: RunSelection.runUsage)
            }
        }

        var taskStates: [TaskState] { failedOnly ? TaskState.allCases.filter(\.isFailure) : [] }

        func run() throws {
            if isBulk {
                let (from, to) = try range.dates()
                let filter = BulkFilter(dagId: try BulkCLI.dagId(ids, selection, form: ""),
                                        runStates: try BulkCLI.states(states, "--state", RunState.self),
                                        logicalFrom: from, logicalTo: to, taskStates: taskStates)
                return try BulkCLI.perform(.runs, .clear, filter: filter, dryRun: range.dryRun)
            }
            let ctx = try CLIContext()
            let store = try ctx.store()
            let run = try selection.run(ids, in: store)
            if range.dryRun {
                return try BulkCLI.perform(.runs, .clear, filter: BulkFilter(dagId: run.dagId, runIds: [run.runId],
                                                                             taskStates: taskStates), dryRun: true)
            }
            guard run.state.isFinished else {
                throw CLIError("run '\(run.runId)' is \(run.state.rawValue); clear it when it has finished")
            }
            let tasks = try store.taskInstances(runPk: run.pk)
                .filter { !failedOnly || $0.state.isFailure }.map(\.taskId)
            try store.clearTasks(runPk: run.pk, taskIds: tasks, now: Date())
            try ctx.audit(store, "run.clear", ["dag_id": run.dagId, "run_id": run.runId, "task_ids": tasks.joined(separator: ",")])
            WakeSocket.notify(ctx.home.wakeSocketPath)
            print("cleared \(tasks.count) task(s) of \(run.runId); the run is queued again")
        }
    }
}
