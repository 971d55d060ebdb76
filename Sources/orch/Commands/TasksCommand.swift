import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List tasks, test one in its bundle, say why one is waiting, clear or mark one in a run.",
        subcommands: [List.self, Test.self, Why.self, Clear.self, Mark.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a DAG's tasks in dependency order.")
        @Argument(help: "DAG id") var dagId: String
        func run() throws {
            let dag = try CLIContext().dag(dagId)
            for id in DAGValidator.topologicalOrder(dag) { print(id) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one task in a process of its bundle, printing its log; nothing is persisted (XCom kept in memory).")
        @Argument(help: "DAG id") var dagId: String
        @Argument(help: "Task id") var taskId: String
        @Option(name: .customLong("logical-date"), help: "Logical date; default now.") var logicalDate: String?
        @Option(help: "Run configuration as a JSON object.") var conf: String?

        func run() async throws {
            let ctx = try CLIContext()
            let dag = try ctx.dag(dagId)
            guard dag.task(taskId) != nil else {
                throw CLIError("DAG '\(dagId)' has no task '\(taskId)'; its tasks: \(dag.tasks.map(\.id).joined(separator: ", "))")
            }
            let date = try logicalDate.map(parseDate) ?? Date()
            var params = dag.params
            for (k, v) in try parseConf(conf) { params[k] = v }
            let spec = AttemptSpec(dagId: dagId, taskId: taskId, runId: "test__\(isoString(date))", runPk: 0, tryNumber: 1,
                                   logicalDate: date, dataInterval: RunFactory.manualInterval(for: dag, logicalDate: logicalDate == nil ? nil : date, triggeredAt: date),
                                   params: params, logPath: "/dev/stdout", home: ctx.home.root.path, databasePath: "",
                                   environment: TaskEnvironment.requested(dag.environment, from: ProcessInfo.processInfo.environment))
            guard let executable = ctx.bundles().executables[dagId] else { throw CLIError("DAG '\(dagId)' has no bundle executable") }
            // The bundle runs the task with the spec in its environment; its output is this command's.
            var env = TaskEnvironment.base(ProcessInfo.processInfo.environment)
            env["ORCH_HOME"] = spec.home
            env[AttemptSpec.environmentKey] = spec.encoded()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = ["tasks", "test", dagId, taskId]
            p.environment = env
            try p.run()
            p.waitUntilExit()
            if p.terminationStatus != 0 || p.terminationReason != .exit { throw ExitCode(1) }
        }
    }
}
