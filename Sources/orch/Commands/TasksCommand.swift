import ArgumentParser
import DAGs
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List tasks, test one in-process, clear or mark one in a run, or run one attempt (used by the worker pool).",
        subcommands: [List.self, Test.self, Why.self, Clear.self, Mark.self, RunAttempt.self])

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
            abstract: "Run one task in this process, printing its log; nothing is persisted (XCom kept in memory).")
        @Argument(help: "DAG id") var dagId: String
        @Argument(help: "Task id") var taskId: String
        @Option(name: .customLong("logical-date"), help: "Logical date; default now.") var logicalDate: String?
        @Option(help: "Run configuration as a JSON object.") var conf: String?

        func run() async throws {
            let ctx = try CLIContext()
            let dag = try ctx.dag(dagId)
            guard let task = dag.task(taskId) else {
                throw CLIError("DAG '\(dagId)' has no task '\(taskId)'; its tasks: \(dag.tasks.map(\.id).joined(separator: ", "))")
            }
            let date = try logicalDate.map(parseDate) ?? Date()
            var params = dag.params
            for (k, v) in try parseConf(conf) { params[k] = v }
            let spec = AttemptSpec(dagId: dagId, taskId: taskId, runId: "test__\(isoString(date))", runPk: 0, tryNumber: 1,
                                   logicalDate: date, dataInterval: RunFactory.manualInterval(for: dag, logicalDate: logicalDate == nil ? nil : date, triggeredAt: date),
                                   params: params, logPath: "/dev/stdout", home: ctx.home.root.path, databasePath: "",
                                   environment: TaskEnvironment.requested(dag.environment, from: ProcessInfo.processInfo.environment))
            let context = TaskExecutor.context(spec, logger: StandardOutputLogger(), xcom: MemoryXCom())
            let outcome = await TaskExecutor.run(task: task, context: context, spec: spec)
            print("task \(taskId): \(outcome.summary)")
            if !outcome.isSuccess { throw ExitCode(1) }
        }
    }

    /// The child side of a process-isolated attempt. Reads its spec from ORCH_ATTEMPT_SPEC, runs the task with
    /// stdout/stderr already pointing at the attempt's log, writes the result file, exits 0 / 1 / 99.
    struct RunAttempt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run one attempt of a task (the worker pool starts this; not for hand use).")
        @Argument(help: "DAG id") var dagId: String
        @Argument(help: "Task id") var taskId: String
        @Option(help: "Run id") var run: String
        @Option(name: .customLong("try"), help: "Try number") var tryNumber: Int

        func run() async throws {
            guard let spec = try? AttemptSpec.fromEnvironment(), spec.dagId == dagId,
                  spec.taskId == taskId, spec.runId == run, spec.tryNumber == tryNumber else {
                throw ValidationError("tasks run is started by the worker pool with \(AttemptSpec.environmentKey) set; use `orch tasks test` to run a task by hand")
            }
            throw ExitCode(await runAttempt(spec))
        }
    }
}

/// Runs one attempt in this process with stdout/stderr already pointing at its log: writes the result file
/// and returns the exit code (0 success, 1 failure, 99 skipped). Used by `orch tasks run` and by the fork
/// server's children.
func runAttempt(_ spec: AttemptSpec) async -> Int32 {
    let logger = StandardOutputLogger()
    // No validation of the whole bag here: the scheduler validated it; the child only needs its task.
    guard let task = DAGRegistry.dag(spec.dagId)?.task(spec.taskId) else {
        try? AttemptResultFile(status: .failed, error: "task \(spec.dagId).\(spec.taskId) is not in this binary")
            .write(to: spec.resultPath)
        return 1
    }
    logger.log("attempt \(spec.tryNumber) of \(spec.dagId).\(spec.taskId), run \(spec.runId), pid \(getpid())")
    // This process outlives every process its task starts (see AttemptGuardian); the variables its DAG asked
    // for are set here, for Swift tasks and shell commands alike.
    let grace = spec.killGrace ?? 5
    AttemptGuardian.install(grace: grace, log: { logger.log($0) })
    TaskEnvironment.apply(spec.environment)
    let context = TaskExecutor.context(spec, logger: logger,
                                       xcom: StoreXCom(runPk: spec.runPk, databasePath: spec.databasePath))
    let outcome = await TaskExecutor.run(task: task, context: context, spec: spec)
    let leftovers = AttemptGuardian.finish(grace: grace)
    if leftovers > 0 { logger.log("stopped \(leftovers) process(es) the task left running") }
    do {
        switch outcome {
        case .success:
            try AttemptResultFile(status: .success, error: nil).write(to: spec.resultPath)
            logger.log("success")
            return 0
        case .skipped(let reason):
            try AttemptResultFile(status: .skipped, error: reason).write(to: spec.resultPath)
            logger.log("skipped: \(reason)")
            return AttemptResultFile.skipExitCode
        default:
            var exitCode: Int32?
            if case .failed(let code, _) = outcome { exitCode = code }
            try AttemptResultFile(status: .failed, error: outcome.summary, exitCode: exitCode).write(to: spec.resultPath)
            logger.log("failed: \(outcome.summary)")
            return 1
        }
    } catch {
        logger.log("cannot write the attempt's result file \(spec.resultPath): \(error)")
        return 1
    }
}
