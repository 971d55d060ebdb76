import Foundation
import OrchCore
import OrchHTTPServer
import OrchObservability
import OrchStore

extension APIRoutes {
    func addRunRoutes() {
        let ctx = context

        // A page of runs, newest first. `~` as the DAG id lists every DAG's runs.
        get("/dags/{dag_id}/runs") { request, store in
            let dagId = request.path("dag_id")
            if dagId != "~" { _ = try ctx.dag(dagId) }
            let query = try request.runQuery(dagId: dagId,
                                             limit: try request.intQuery("limit", default: 25, range: 1...500),
                                             offset: try request.intQuery("offset", default: 0, range: 0...10_000_000))
            if let from = query.logicalFrom, let to = query.logicalTo, from > to {
                throw APIError.badRequest("logical_date_gte (\(APIDate.format(from))) is after logical_date_lte "
                    + "(\(APIDate.format(to))); swap them")
            }
            let runs = try store.runsPage(query)
            let total = try store.countRuns(query)
            return .api(RunPageDTO(runs: runs.map(RunDTO.init), total_entries: total, limit: query.limit,
                                              offset: query.offset))
        }

        // Trigger: {"conf": {...}, "logical_date": "2026-11-20T06:00:00Z", "run_id": "..."} (all optional).
        change("POST", "/dags/{dag_id}/runs", role: .operator, action: "run.trigger") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["conf", "logical_date", "run_id"])
            let conf = try body.object("conf") ?? [:]
            let now = Date()
            var logicalDate: Date?
            if let text = try body.string("logical_date") {
                do { logicalDate = try ISODate.parse(text) } catch {
                    throw APIError.badRequest("field 'logical_date': \(error)")
                }
            }
            let runId = try body.string("run_id")
            if let runId, let problem = RunIdRule.problem(with: runId) {
                throw APIError.badRequest("field 'run_id': \(problem)")
            }
            let run = try RunFactory.create(store: store, dag: dag, type: .manual,
                                            interval: RunFactory.manualInterval(for: dag, logicalDate: logicalDate, triggeredAt: now),
                                            logicalDate: logicalDate ?? now, conf: conf, owner: nil, now: now, runId: runId)
            var response = HTTPResponse.api(201, RunDTO(run))
            response.headers["Location"] = "/api/v1/dags/\(pathEscape(dag.id))/runs/\(pathEscape(run.runId))"
            return response
        }

        get("/dags/{dag_id}/runs/{run_id}") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("run_id"))
            let instances = try store.taskInstances(runPk: run.pk).sortedLike(dag)
            let waiting = ctx.waiting(store, for: run)
            return .api(RunDetailDTO(run: RunDTO(run, waiting: waiting),
                                     task_instances: instances.map { TaskInstanceDTO($0, waiting: waiting) }))
        }

        // Mark: {"state": "success"} or {"state": "failed"}; unfinished tasks take the same state.
        change("PATCH", "/dags/{dag_id}/runs/{run_id}", role: .operator, action: "run.mark") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("run_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["state"])
            guard let text = try body.string("state"), let state = RunState(rawValue: text), state.isFinished else {
                throw APIError.badRequest("send {\"state\": \"success\"} or {\"state\": \"failed\"}")
            }
            try store.markRun(pk: run.pk, state: state, now: Date())
            return .api(RunDTO(try ctx.run(store, dagId: dag.id, runId: run.runId)))
        }

        // Clear: {"task_ids": [...]} clears those tasks (with "include_downstream": true, every task downstream
        // of them too); without task_ids, the failed, upstream_failed and blocked_by_check ones.
        change("POST", "/dags/{dag_id}/runs/{run_id}/clear", role: .operator, action: "run.clear") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("run_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["task_ids", "include_downstream"])
            let instances = try store.taskInstances(runPk: run.pk)
            let ids: [String]
            if var requested = try body.stringArray("task_ids") {
                let known = Set(instances.map(\.taskId))
                if let unknown = requested.first(where: { !known.contains($0) }) {
                    throw APIError.badRequest("run '\(run.runId)' has no task '\(unknown)'")
                }
                if try body.bool("include_downstream") == true {
                    let reached = Set(requested.flatMap(dag.withDownstream(of:)))
                    requested = Array(Set(requested).union(reached.intersection(known)))
                }
                if let active = instances.first(where: { requested.contains($0.taskId) && $0.state.isActive }) {
                    throw APIError.conflict("task '\(active.taskId)' is \(active.state.rawValue); wait for it to "
                        + "finish before clearing it")
                }
                ids = requested
            } else {
                ids = instances.filter { $0.state.isFailure }.map(\.taskId)
                guard !ids.isEmpty else {
                    throw APIError.conflict("run '\(run.runId)' has no failed tasks to clear; name tasks in "
                        + "'task_ids' to clear others")
                }
            }
            try store.clearTasks(runPk: run.pk, taskIds: ids, now: Date())
            let order = Dictionary(uniqueKeysWithValues: dag.tasks.enumerated().map { ($1.id, $0) })
            return .api(ClearResultDTO(run: RunDTO(try ctx.run(store, dagId: dag.id, runId: run.runId)),
                                                  cleared_task_ids: ids.sorted { (order[$0] ?? 0) < (order[$1] ?? 0) }))
        }
    }
}

extension Array where Element == TaskInstanceRecord {
    /// In the DAG's task order (tasks no longer in the DAG last, by name).
    func sortedLike(_ dag: DAG) -> [TaskInstanceRecord] {
        let order = Dictionary(uniqueKeysWithValues: dag.tasks.enumerated().map { ($1.id, $0) })
        return sorted { (order[$0.taskId] ?? Int.max, $0.taskId) < (order[$1.taskId] ?? Int.max, $1.taskId) }
    }
}
