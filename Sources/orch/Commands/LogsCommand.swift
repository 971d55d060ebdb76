import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a task attempt's log (the latest try unless --try).")
    @Argument(help: "Run id") var runId: String
    @Argument(help: "Task id") var taskId: String
    @Option(name: .customLong("try"), help: "Try number (1-based).") var tryNumber: Int?
    @Flag(help: "Keep printing new lines until the attempt ends.") var follow = false
    @OptionGroup var selection: RunSelection

    func run() async throws {
        let store = try CLIContext().store()
        let run = try selection.find(runId, in: store)
        let attempts = try store.attempts(runPk: run.pk, taskId: taskId)
        guard !attempts.isEmpty else { throw ValidationError("task '\(taskId)' of run '\(runId)' has no attempts yet") }
        guard let attempt = tryNumber.map({ n in attempts.first { $0.tryNumber == n } }) ?? attempts.last else {
            throw ValidationError("task '\(taskId)' has tries 1...\(attempts.count), not \(tryNumber ?? 0)")
        }
        var offset: UInt64 = 0
        while true {
            offset = printFrom(attempt.logPath, offset: offset)
            guard follow else { return }
            let current = try store.attempts(runPk: run.pk, taskId: taskId).first { $0.tryNumber == attempt.tryNumber }
            if current?.endDate != nil {
                _ = printFrom(attempt.logPath, offset: offset)
                return
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
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
