#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchRuntime

/// Runs one attempt in this process with stdout/stderr already pointing at its log: writes the result file and
/// returns the exit code (0 success, 1 failure, 99 skipped). Used by `tasks run` and by the fork server's children.
func runAttempt(_ spec: AttemptSpec, in dags: BundleDAGs) async -> Int32 {
    // No validation of the whole bundle here: orch validated it when it loaded the bundle.
    guard let task = attemptTask(spec, in: dags) else { return taskNotFound(spec) }
    return await runAttempt(spec, task: task)
}

/// The attempt of a task this bundle does not have: its result file says so; exit code 1.
func taskNotFound(_ spec: AttemptSpec) -> Int32 {
    try? AttemptResultFile(status: .failed, error: "task \(spec.dagId).\(spec.taskId) is not in this bundle executable")
        .write(to: spec.resultPath)
    return 1
}

/// ``runAttempt(_:in:)`` with the task already looked up: the fork server looks it up before it forks and hands
/// it to the child, which borrows it (binding a copy would retain, then release, each of its fields in pages the
/// child shares with the server: a copy-on-write fault for each first write there).
func runAttempt(_ spec: AttemptSpec, task: TaskSpec) async -> Int32 {
    let logger = StandardOutputLogger()
    logger.log("attempt \(spec.tryNumber) of \(spec.dagId).\(spec.taskId), run \(spec.runId), pid \(getpid())")
    // This process outlives every process its task starts (see AttemptGuardian); the variables its DAG asked
    // for are set here, for Swift tasks and shell commands alike.
    let grace = spec.killGrace ?? 5
    AttemptGuardian.install(grace: grace, log: { logger.log($0) })
    TaskEnvironment.apply(spec.environment)
    let context = TaskExecutor.context(spec, logger: logger, xcom: spec.xcomAccess())
    let outcome = await TaskExecutor.run(task: task, context: context, spec: spec)
    let leftovers = AttemptGuardian.finish()
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

/// The task an attempt runs. The fork server calls it before each fork (building the DAG there once) and hands
/// the task to the child.
func attemptTask(_ spec: AttemptSpec, in dags: BundleDAGs) -> TaskSpec? {
    dags.dag(spec.dagId)?.task(spec.taskId)
}

/// `orch tasks test`: the task in this process, its log on stdout, XCom in memory, nothing persisted.
func testAttempt(_ spec: AttemptSpec, in dags: BundleDAGs) async -> Int32 {
    guard let task = attemptTask(spec, in: dags) else {
        print("task \(spec.dagId).\(spec.taskId) is not in this bundle executable")
        return 1
    }
    TaskEnvironment.apply(spec.environment)
    let context = TaskExecutor.context(spec, logger: StandardOutputLogger(), xcom: MemoryXCom())
    let outcome = await TaskExecutor.run(task: task, context: context, spec: spec)
    print("task \(spec.taskId): \(outcome.summary)")
    return outcome.isSuccess ? 0 : 1
}
