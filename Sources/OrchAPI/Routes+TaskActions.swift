import Foundation
import OrchCore
import OrchHTTPServer
import OrchObservability
import OrchStore

extension APIRoutes {
    /// One task of a run: mark it (with or without its downstream) and read its XComs. Clearing one task is
    /// `POST .../clear` with `task_ids` (and `include_downstream`).
    func addTaskActionRoutes() {
        let ctx = context

        // Mark: {"state": "success" | "failed", "include_downstream": false}. The run must have finished; it is
        // queued again so the scheduler decides its outcome from the new states.
        change("PATCH", "/dags/{dag_id}/runs/{run_id}/tasks/{task_id}", role: .operator, action: "task.mark") { request, store in
            let (dag, run, instance) = try ctx.taskInstance(request, store)
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["state", "include_downstream"])
            guard let text = try body.string("state"), let state = TaskState(rawValue: text),
                  state == .success || state == .failed else {
                throw APIError.badRequest("send {\"state\": \"success\"} or {\"state\": \"failed\"}")
            }
            let instances = try store.taskInstances(runPk: run.pk)
            let ids = try body.bool("include_downstream") == true
                ? dag.withDownstream(of: instance.taskId).filter { id in instances.contains { $0.taskId == id } }
                : [instance.taskId]
            try store.markTasks(runPk: run.pk, taskIds: ids.isEmpty ? [instance.taskId] : ids, state: state, now: Date())
            return .api(MarkTasksResultDTO(run: RunDTO(try ctx.run(store, dagId: dag.id, runId: run.runId)),
                                           marked_task_ids: ids.isEmpty ? [instance.taskId] : ids, state: state.rawValue))
        }

        get("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/xcoms") { request, store in
            let (_, run, instance) = try ctx.taskInstance(request, store)
            let rows = try store.xcomTexts(runPk: run.pk, taskId: instance.taskId)
            return .api(XComListDTO(task_id: instance.taskId,
                                    xcoms: rows.map { XComDTO(key: $0.key, storedJSON: $0.json) }))
        }

        // What a manual run at `logical_date` (default now) would be called and cover, before it is queued: the
        // same rules as `POST /dags/{dag_id}/runs` (RunFactory.manualInterval, RunIdRule).
        get("/dags/{dag_id}/run-preview", cached: false) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let now = Date()
            let given = try request.dateQuery("logical_date")
            let logicalDate = given ?? now
            let interval = RunFactory.manualInterval(for: dag, logicalDate: given, triggeredAt: now)
            return .api(RunPreviewDTO(dag_id: dag.id, run_id: RunFactory.runId(.manual, logicalDate: logicalDate),
                                      logical_date: APIDate.format(logicalDate),
                                      data_interval_start: APIDate.format(interval.start),
                                      data_interval_end: APIDate.format(interval.end),
                                      manual_run_exists: try store.runExists(dagId: dag.id, logicalDate: logicalDate,
                                                                             runType: .manual)))
        }
    }

    /// `POST /auth/check`: answers 200 with the token's name and role for a valid token and 401 otherwise, changing
    /// nothing. The dashboard signs in with it, so a wrong token is refused at once rather than at the first action.
    func addAuthRoutes() {
        tokenCheck("POST", "/auth/check")
    }

    /// `GET /failures?limit=N`: failed runs and failed tries, newest first. The Alerts page shows them even
    /// when no webhook is configured.
    func addFailureRoutes() {
        get("/failures") { request, store in
            let limit = try request.intQuery("limit", default: 25, range: 1...200)
            let runs = try store.runsPage(RunQuery(dagId: nil, states: [.failed], limit: limit))
            let tries = try store.recentFailedTries(limit: limit).map {
                FailedTryDTO(dag_id: $0.dagId, run_id: $0.runId, task_id: $0.attempt.taskId,
                             try_number: $0.attempt.tryNumber, end_date: APIDate.format($0.attempt.endDate),
                             error: $0.attempt.error)
            }
            return .api(FailuresDTO(runs: runs.map(RunDTO.init), tries: tries))
        }
    }
}
