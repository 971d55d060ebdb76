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
            let dag = try CLIContext().dagAlone(dagId).dag   // this DAG's definition alone when the cache has it
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
            let (dag, loaded) = try ctx.dagAlone(dagId)   // this DAG's definition alone when the cache has it
            guard dag.task(taskId) != nil else {
                throw CLIError("DAG '\(dagId)' has no task '\(taskId)'; its tasks: \(dag.tasks.map(\.id).joined(separator: ", "))")
            }
            let spec = TestRunOptions(logicalDate: try logicalDate.map(parseDate), conf: try parseConf(conf))
                .spec(dag: dag, taskId: taskId, home: ctx.home.root.path)
            try runInBundle(loaded, spec: spec, arguments: ["tasks", "test", dagId, taskId])
        }
    }
}
