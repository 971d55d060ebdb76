import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime

/// `orch dags test DAG [LOGICAL_DATE]`: Airflow's `dags test` (without an executor), Dagster's `execute_in_process`.
struct DagsTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run one DAG run in one process of its bundle, a task at a time in dependency order, printing every task's log; nothing is persisted (XCom kept in memory); exits 1 if the run fails.")
    @Argument(help: "DAG id") var dagId: String
    @Argument(help: "Logical date (as `orch trigger --logical-date`); default now.") var logicalDate: String?
    @Option(name: [.short, .long], help: "Run configuration as a JSON object.") var conf: String?
    @Option(name: .customLong("mark-success-pattern"),
            help: "Do not run the tasks whose id this regular expression matches from its start; count them successful.")
    var markSuccessPattern: String?

    func run() async throws {
        let ctx = try CLIContext()
        let (dag, loaded) = try ctx.dagAlone(dagId)   // this DAG's definition alone when the cache has it
        let spec = TestRunOptions(logicalDate: try logicalDate.map(parseDate), conf: try parseConf(conf))
            .spec(dag: dag, taskId: "", home: ctx.home.root.path)
        // The bundle matches the pattern against the DAG's tasks (and refuses a bad one before running any).
        try runInBundle(loaded, spec: spec, arguments: ["dags", "test", dagId]
                        + (markSuccessPattern.map { ["--mark-success-pattern", $0] } ?? []))
    }
}
