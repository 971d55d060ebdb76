#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchRuntime

/// `orch dags test DAG`: one run of the DAG in this process, one task at a time in dependency order (the trigger
/// rules and asset checks of a scheduled run, ``SerialRunWalk``), every task's lines on stdout with its id, XCom
/// in memory, nothing persisted. `spec` is the run's (its task id is ignored); the tasks in `markedSuccessful` are
/// not run and count as successful. Exit code 0 when the run succeeded, 1 when it failed.
func testRun(_ spec: AttemptSpec, markedSuccessful: Set<String>, in dags: BundleDAGs) async -> Int32 {
    guard let dag = dags.dag(spec.dagId) else {
        print("DAG \(spec.dagId) is not in this bundle executable")
        return 1
    }
    TaskEnvironment.apply(spec.environment)
    let xcom = MemoryXCom()
    var walk = SerialRunWalk(dag: dag, markedSuccessful: markedSuccessful)
    let out = TaskLabelledOutputLogger(taskId: spec.dagId)
    out.log("run \(spec.runId): \(walk.taskCount) tasks, one at a time in this process; nothing is persisted")
    let clock = ContinuousClock()
    let started = clock.now
    while let next = walk.next() {
        switch next {
        case .decided(let taskId, let state, let reason):
            TaskLabelledOutputLogger(taskId: taskId).log(state.rawValue + (reason.map { " (\($0))" } ?? ""))
        case .run(let taskId):
            guard let task = dag.task(taskId) else { continue }   // the walk names only the DAG's own tasks
            var taskSpec = spec
            taskSpec.taskId = taskId
            let logger = TaskLabelledOutputLogger(taskId: taskId)
            let begun = clock.now
            let outcome = await TaskExecutor.run(task: task, context: TaskExecutor.context(taskSpec, logger: logger, xcom: xcom),
                                                 spec: taskSpec)
            walk.finished(taskId, outcome: outcome, checks: checkResults(of: task, in: xcom))
            let said = outcome.isSuccess || walk.states[taskId] == .skipped ? outcome.summary : "failed: \(outcome.summary)"
            logger.log("\(said) (\(milliseconds(clock.now - begun)))")
        }
    }
    let counts = Dictionary(grouping: walk.states.values, by: { $0 }).mapValues(\.count)
        .sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
    let state = walk.runState
    out.log("run \(spec.runId): \(state.rawValue) in \(milliseconds(clock.now - started)) (\(counts.joined(separator: ", ")))")
    return state == .success ? 0 : 1
}

/// The results of the asset checks `task` ran after its body, as it pushed them to XCom.
private func checkResults(of task: TaskSpec, in xcom: MemoryXCom) -> [AssetCheckRecord] {
    task.checks.compactMap { check in
        (try? xcom.pull(task: task.id, key: AssetCheck.xcomKey(check.name))).flatMap { $0 }.flatMap { try? AssetCheckRecord(json: $0) }
    }
}

private func milliseconds(_ d: Duration) -> String {
    let (s, atto) = d.components
    let ms = Double(s) * 1000 + Double(atto) / 1e15
    return ms < 10_000 ? "\((ms * 100).rounded() / 100) ms" : "\((ms / 100).rounded() / 10) s"
}
