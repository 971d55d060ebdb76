import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a task attempt's log (the latest try unless --try).",
        discussion: "Name the task as DAG RUN TASK (like the API), or RUN TASK with --dag when needed. With --follow, waits for a try that has not started yet, then prints new lines until it ends.")
    @Argument(help: "DAG RUN TASK (the DAG id, run id and task id), or RUN TASK (with --dag when needed).")
    var ids: [String] = []
    @Option(name: .customLong("try"), help: "Try number (1-based).") var tryNumber: Int?
    @Flag(help: "Wait for the try to start if it has not, then keep printing new lines until it ends.") var follow = false
    @OptionGroup var selection: RunSelection

    func validate() throws { _ = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage) }

    func run() async throws {
        let store = try CLIContext().store()
        let (dagId, runId, rest) = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage)
        let run = try RunSelection.find(dagId: dagId, runId: runId, in: store)
        let taskId = rest[0]
        guard let instance = try store.taskInstance(runPk: run.pk, taskId: taskId) else {
            let tasks = DependencyOrder(dagId: run.dagId).sorted(try store.taskInstances(runPk: run.pk), by: \.taskId)
            throw CLIError("run '\(run.runId)' of DAG '\(run.dagId)' has no task '\(taskId)'; its tasks: "
                + tasks.map(\.taskId).joined(separator: ", "))
        }
        let attempt = try await findAttempt(store, run: run, instance: instance)
        var offset: UInt64 = 0
        guard follow else {
            guard FileManager.default.fileExists(atPath: attempt.logPath) else { throw missingLog(attempt) }
            _ = printFrom(attempt.logPath, offset: 0)
            return
        }
        while true {
            offset = printFrom(attempt.logPath, offset: offset)
            let current = try store.attempt(runPk: run.pk, taskId: taskId, tryNumber: attempt.tryNumber)
            if current?.endDate != nil {
                _ = printFrom(attempt.logPath, offset: offset)
                if offset == 0, !FileManager.default.fileExists(atPath: attempt.logPath) { throw missingLog(attempt) }
                return
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
    }

    /// The try asked for (the latest by default). With --follow, waits until it starts, or says why it never will.
    private func findAttempt(_ store: SQLiteStateStore, run: RunRecord, instance: TaskInstanceRecord) async throws -> AttemptRecord {
        var announced = false
        while true {
            let attempts = try store.attempts(runPk: run.pk, taskId: instance.taskId)
            if let n = tryNumber {
                if let a = attempts.first(where: { $0.tryNumber == n }) { return a }
            } else if let last = attempts.last {
                return last
            }
            let current = try store.taskInstance(runPk: run.pk, taskId: instance.taskId) ?? instance
            let runNow = try store.run(pk: run.pk) ?? run
            let canStillStart = !runNow.state.isFinished && !current.state.isFinished
                && (tryNumber.map { $0 <= current.maxTries } ?? true)
            guard follow, canStillStart else {
                if let n = tryNumber, !attempts.isEmpty {
                    throw CLIError("task '\(instance.taskId)' has tries 1...\(attempts.count), not \(n)")
                }
                if let n = tryNumber { throw CLIError("task '\(instance.taskId)' of run '\(run.runId)' has no try \(n)") }
                throw CLIError(canStillStart
                    ? "task '\(instance.taskId)' of run '\(run.runId)' has not started yet (it is "
                        + "\(current.state.rawValue)); --follow waits for it"
                    : "task '\(instance.taskId)' of run '\(run.runId)' has no tries: it is \(current.state.rawValue)")
            }
            if !announced {
                printError("waiting for task '\(instance.taskId)' (\(current.state.rawValue)) to start…")
                announced = true
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
    }

    private func missingLog(_ attempt: AttemptRecord) -> CLIError {
        CLIError("the log of try \(attempt.tryNumber) of task '\(attempt.taskId)' is missing: \(attempt.logPath) "
            + "(deleted by retention or by hand?)")
    }

    private func printFrom(_ path: String, offset: UInt64) -> UInt64 {
        guard let h = FileHandle(forReadingAtPath: path) else { return offset }
        defer { try? h.close() }
        try? h.seek(toOffset: offset)
        let data = (try? h.readToEnd()) ?? Data()
        FileHandle.standardOutput.write(data)
        return offset + UInt64(data.count)
    }
}
