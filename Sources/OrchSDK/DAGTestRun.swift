#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

extension OrchBundle {
    /// `dags test DAG [LOGICAL_DATE] [-c JSON] [--mark-success-pattern RE]`. Started by `orch dags test`, the run's
    /// spec (date, conf, home) comes in ORCH_ATTEMPT_SPEC; by hand — `swift run my-dags dags test my_dag …`, the way an
    /// Airflow DAG file runs `dag.test()` — it is made from the arguments, with ORCH_HOME's folder (default `./.orch`)
    /// as the tasks' home.
    static func testRunFromArguments(dagId: String, options: [String], in dags: BundleDAGs) async -> Int32 {
        guard let dag = dags.dag(dagId) else {
            let ids = ((try? dags.all()) ?? []).map(\.id)
            let named = ids.count <= 10 ? ids : NameSuggestions.closest(to: dagId, among: ids)
            printToStandardError("dags test: no DAG '\(dagId)' in this bundle (\(ids.count) DAGs"
                                 + (named.isEmpty ? ")\n" : "; \(ids.count <= 10 ? "they are" : "did you mean") \(named.joined(separator: ", ")))\n"))
            return 2
        }
        do {
            let parsed = try TestRunOptions.parse(options)
            let spec = try AttemptSpec.fromEnvironment()
                ?? parsed.spec(dag: dag, taskId: "", home: OrchHome.fromEnvironment().rootPath)
            guard spec.dagId == dagId else {
                printToStandardError("dags test: \(AttemptSpec.environmentKey) is not the spec of a run of \(dagId)\n")
                return 2
            }
            return await testRun(spec, dag: dag, markedSuccessful: try parsed.markedTasks(of: dag))
        } catch {
            printToStandardError("dags test: \(error)\n")
            return 2
        }
    }
}

/// `orch dags test DAG`: one run of `dag` in this process, one task at a time in dependency order (the trigger
/// rules and asset checks of a scheduled run, ``SerialRunWalk``), every task's lines on stdout with its id, XCom
/// in memory, nothing persisted. `spec` is the run's (its task id is ignored); the tasks in `markedSuccessful` are
/// not run and count as successful. Exit code 0 when the run succeeded, 1 when it failed.
func testRun(_ spec: AttemptSpec, dag: DAG, markedSuccessful: Set<String>) async -> Int32 {
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
