import Foundation
import OrchCore
import OrchHTTPServer
import OrchObservability
import OrchStore

extension APIRoutes {
    /// DAG runs: list (`~` for every DAG), trigger, get, mark (PATCH), delete, clear (with dry run).
    func addAirflowRunRoutes() {
        let ctx = context

        get("/dags/{dag_id}/dagRuns", api: .airflow) { request, store in
            let dagId = request.path("dag_id")
            if dagId != "~" { _ = try ctx.dag(dagId) }
            // The store lists runs newest first; that is the one order offered.
            let page = try AirflowPage(request, orderable: ["-logical_date", "-run_after", "-id"])
            let query = try request.runQuery(dagId: dagId, limit: page.limit, offset: page.offset)
            let runs = page.limit == 0 ? [] : try store.runsPage(query)
            return .api(JSONValue.object([
                "dag_runs": .array(runs.map { .object(AirflowRun.response($0)) }),
                "total_entries": AirflowValues.int(try store.countRuns(query)),
            ]))
        }

        // Trigger: {"logical_date": ..., "conf": {...}, "dag_run_id": ..., "data_interval_start/end": ...}.
        change("POST", "/dags/{dag_id}/dagRuns", role: .operator, action: "run.trigger", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["dag_run_id", "data_interval_start", "data_interval_end", "logical_date",
                                             "run_after", "conf", "note", "partition_key"])
            try body.refuse("note", unless: nil, "orch keeps no notes on runs")
            try body.refuse("partition_key", unless: nil, "orch has no partitioned DAGs")
            try body.refuse("run_after", unless: nil, "an orch run is queued at once")
            let now = Date()
            // As on /api/v1: the logical date is the given one or the trigger time; the data interval is aligned
            // to the schedule (RunFactory.manualInterval) unless the body names one.
            let logicalDate = try Self.airflowDate(body, "logical_date")
            var interval = RunFactory.manualInterval(for: dag, logicalDate: logicalDate, triggeredAt: now)
            switch (try Self.airflowDate(body, "data_interval_start"), try Self.airflowDate(body, "data_interval_end")) {
            case (nil, nil): break
            case let (start?, end?) where start <= end: interval = DataInterval(start: start, end: end)
            default: throw APIError.badRequest("give both data_interval_start and data_interval_end, start first")
            }
            let runId = try body.string("dag_run_id")
            if let runId, let problem = RunIdRule.problem(with: runId) {
                throw APIError.badRequest("field 'dag_run_id': \(problem)")
            }
            let run = try RunFactory.create(store: store, dag: dag, type: .manual, interval: interval,
                                            logicalDate: logicalDate ?? now, conf: try body.object("conf") ?? [:],
                                            owner: nil, now: now, runId: runId)
            return .api(JSONValue.object(AirflowRun.response(run)))
        }

        get("/dags/{dag_id}/dagRuns/{dag_run_id}", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            return .api(JSONValue.object(AirflowRun.response(try ctx.run(store, dagId: dag.id, runId: request.path("dag_run_id")))))
        }

        // Mark: {"state": "success"} or {"state": "failed"}; unfinished tasks take the same state.
        change("PATCH", "/dags/{dag_id}/dagRuns/{dag_run_id}", role: .operator, action: "run.mark", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("dag_run_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["state", "note"])
            try body.refuse("note", unless: nil, "orch keeps no notes on runs")
            if let text = try body.string("state") {
                guard let state = RunState(rawValue: text), state.isFinished else {
                    throw APIError.badRequest("orch marks a run 'success' or 'failed'; to run it again, clear it "
                        + "(POST .../dagRuns/{dag_run_id}/clear)")
                }
                try store.markRun(pk: run.pk, state: state, now: Date())
            }
            return .api(JSONValue.object(AirflowRun.response(try ctx.run(store, dagId: dag.id, runId: run.runId))))
        }

        change("DELETE", "/dags/{dag_id}/dagRuns/{dag_run_id}", role: .operator, action: "run.delete", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("dag_run_id"))
            try store.deleteRun(pk: run.pk)
            return HTTPResponse(status: 204)
        }

        // Clear: {"dry_run": true (default), "only_failed": false}. A dry run lists the task instances it would clear.
        change("POST", "/dags/{dag_id}/dagRuns/{dag_run_id}/clear", role: .operator, action: "run.clear", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("dag_run_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["dry_run", "only_failed", "only_new", "run_on_latest_version", "note"])
            try body.refuse("note", unless: nil, "orch keeps no notes on runs")
            try body.refuse("only_new", unless: false, "orch runs keep the DAG version they started with")
            try body.refuse("run_on_latest_version", unless: false, "orch runs keep the DAG version they started with")
            let onlyFailed = try body.bool("only_failed") ?? false
            let instances = try store.taskInstances(runPk: run.pk).sortedLike(dag).filter {
                onlyFailed ? $0.state.isFailure : !$0.state.isActive
            }
            if try body.bool("dry_run") ?? true {
                return .api(JSONValue.object(AirflowTaskInstance.collection(instances, run: run, dag: dag)))
            }
            if !instances.isEmpty { try store.clearTasks(runPk: run.pk, taskIds: instances.map(\.taskId), now: Date()) }
            return .api(JSONValue.object(AirflowRun.response(try ctx.run(store, dagId: dag.id, runId: run.runId))))
        }
    }

    /// A date-time body field, or nil when absent or null; 422 when it is not a date.
    static func airflowDate(_ body: [String: JSONValue], _ name: String) throws -> Date? {
        guard let text = try body.string(name) else { return nil }
        do { return try ISODate.parse(text) } catch { throw APIError.badRequest("field '\(name)': \(error)") }
    }
}
