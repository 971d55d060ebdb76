import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// Task instances of a run: list, get, mark (PATCH), tries; and `POST /dags/{dag_id}/clearTaskInstances`.
    func addAirflowTaskInstanceRoutes() {
        let ctx = context
        let base = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances"

        get(base, api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("dag_run_id"))
            let page = try AirflowPage(request, orderable: ["task_id", "-task_id"])
            let states = try request.enumListQuery("state", TaskState.self)
            var instances = try store.taskInstances(runPk: run.pk).sortedLike(dag)
                .filter { states.isEmpty || states.contains($0.state) }
            if let order = page.orderBy {
                instances.sort { $0.taskId < $1.taskId }
                if order == "-task_id" { instances.reverse() }
            }
            return .api(JSONValue.object(AirflowTaskInstance.collection(page.slice(instances), run: run, dag: dag,
                                                                        total: instances.count)))
        }

        get(base + "/{task_id}", api: .airflow) { request, store in
            let (dag, run, instance) = try ctx.airflowTaskInstance(request, store)
            return .api(JSONValue.object(AirflowTaskInstance.response(instance, run: run, task: dag.task(instance.taskId))))
        }

        // Mark one task instance: {"new_state": "success" | "failed" | "skipped"}.
        change("PATCH", base + "/{task_id}", role: .operator, action: "task.mark", api: .airflow) { request, store in
            let (dag, run, instance) = try ctx.airflowTaskInstance(request, store)
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["new_state", "note", "include_upstream", "include_downstream",
                                             "include_future", "include_past"])
            try body.refuse("note", unless: nil, "orch keeps no notes on task instances")
            for flag in ["include_upstream", "include_downstream", "include_future", "include_past"] {
                try body.refuse(flag, unless: false, "orch marks the one task instance named in the path")
            }
            guard let text = try body.string("new_state") else {
                throw APIError.badRequest("send {\"new_state\": \"success\"}, \"failed\" or \"skipped\"")
            }
            guard let state = TaskState(rawValue: text), [.success, .failed, .skipped].contains(state) else {
                throw APIError.badRequest("orch marks a task instance 'success', 'failed' or 'skipped', not '\(text)'")
            }
            guard !instance.state.isActive else {
                throw APIError.conflict("task '\(instance.taskId)' is \(instance.state.rawValue); wait for it to finish")
            }
            try store.setTaskStates(runPk: run.pk, [(instance.taskId, state)], now: Date())
            let updated = try store.taskInstance(runPk: run.pk, taskId: instance.taskId).map { [$0] } ?? []
            return .api(JSONValue.object(AirflowTaskInstance.collection(updated, run: run, dag: dag)))
        }

        get(base + "/{task_id}/tries", api: .airflow) { request, store in
            let (dag, run, instance) = try ctx.airflowTaskInstance(request, store)
            let tries = try store.attempts(runPk: run.pk, taskId: instance.taskId).map {
                JSONValue.object(AirflowTaskInstance.history($0, run: run, task: dag.task(instance.taskId),
                                                             maxTries: instance.maxTries))
            }
            return .api(JSONValue.object(["task_instances": .array(tries), "total_entries": AirflowValues.int(tries.count)]))
        }

        get(base + "/{task_id}/tries/{task_try_number}", api: .airflow) { request, store in
            let (dag, run, instance) = try ctx.airflowTaskInstance(request, store)
            let tryNumber = try request.intPath("task_try_number")
            guard let attempt = try store.attempt(runPk: run.pk, taskId: instance.taskId, tryNumber: tryNumber) else {
                throw APIError.notFound("task '\(instance.taskId)' has no try \(tryNumber) in run '\(run.runId)'")
            }
            return .api(JSONValue.object(AirflowTaskInstance.history(attempt, run: run, task: dag.task(instance.taskId),
                                                                     maxTries: instance.maxTries)))
        }

        // Clear task instances of one run (dag_run_id) or of the runs with logical dates in [start_date, end_date].
        change("POST", "/dags/{dag_id}/clearTaskInstances", role: .operator, action: "task.clear", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["dry_run", "start_date", "end_date", "only_failed", "only_running",
                                             "reset_dag_runs", "task_ids", "dag_run_id", "include_upstream",
                                             "include_downstream", "include_future", "include_past",
                                             "run_on_latest_version", "prevent_running_task", "note"])
            try body.refuse("note", unless: nil, "orch keeps no notes")
            try body.refuse("only_running", unless: false, "orch clears only finished task instances")
            try body.refuse("reset_dag_runs", unless: true, "clearing a task always queues its run again in orch")
            for flag in ["include_upstream", "include_downstream", "include_future", "include_past",
                         "run_on_latest_version"] {
                try body.refuse(flag, unless: false, "orch clears the task instances named by task_ids and the runs")
            }
            let selection = try AirflowClearSelection(body, dag: dag)
            let runs: [RunRecord]
            if let runId = try body.string("dag_run_id") {
                runs = [try ctx.run(store, dagId: dag.id, runId: runId)]
            } else {
                runs = try store.runsPage(RunQuery(dagId: dag.id, logicalFrom: try Self.airflowDate(body, "start_date"),
                                                   logicalTo: try Self.airflowDate(body, "end_date"), limit: 1000))
            }
            let dryRun = try body.bool("dry_run") ?? true
            var out: [JSONValue] = []
            for run in runs {
                let chosen = try store.taskInstances(runPk: run.pk).sortedLike(dag).filter(selection.includes)
                if !dryRun && !chosen.isEmpty {
                    try store.clearTasks(runPk: run.pk, taskIds: chosen.map(\.taskId), now: Date())
                }
                out += chosen.map { .object(AirflowTaskInstance.response($0, run: run, task: dag.task($0.taskId))) }
            }
            return .api(JSONValue.object(["task_instances": .array(out), "total_entries": AirflowValues.int(out.count)]))
        }
    }
}

/// Which task instances `clearTaskInstances` picks: the named tasks (all when none are named), finished, and
/// failed or upstream_failed when `only_failed` (Airflow's default).
struct AirflowClearSelection {
    let taskIds: Set<String>?
    let onlyFailed: Bool

    init(_ body: [String: JSONValue], dag: DAG) throws {
        onlyFailed = try body.bool("only_failed") ?? true
        guard let list = body["task_ids"], list != .null else { taskIds = nil; return }
        // Items are task ids or [task_id, map_index] pairs; orch has no mapped tasks.
        guard let items = list.arrayValue else { throw APIError.badRequest("field 'task_ids' must be an array") }
        taskIds = Set(try items.map { item in
            if let id = item.stringValue ?? item.arrayValue?.first?.stringValue, dag.task(id) != nil { return id }
            throw APIError.badRequest("task_ids: DAG '\(dag.id)' has no task \(item.jsonText)")
        })
    }

    func includes(_ ti: TaskInstanceRecord) -> Bool {
        guard !ti.state.isActive, taskIds?.contains(ti.taskId) ?? true else { return false }
        return !onlyFailed || ti.state.isFailure
    }
}

extension APIContext {
    /// The DAG, run and task instance of a `/api/v2/.../taskInstances/{task_id}` path (map_index -1 only), or 404.
    func airflowTaskInstance(_ request: HTTPRequest, _ store: SQLiteStateStore) throws -> (DAG, RunRecord, TaskInstanceRecord) {
        try request.requireUnmapped()
        let dag = try dag(request.path("dag_id"))
        let run = try run(store, dagId: dag.id, runId: request.path("dag_run_id"))
        let taskId = request.path("task_id")
        guard let instance = try store.taskInstance(runPk: run.pk, taskId: taskId) else {
            throw APIError.notFound("run '\(run.runId)' of DAG '\(dag.id)' has no task '\(taskId)'")
        }
        return (dag, run, instance)
    }
}
