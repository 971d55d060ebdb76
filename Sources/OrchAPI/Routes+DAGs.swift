import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    func addDAGRoutes() {
        let ctx = context

        // The DAG list: schedule, pause state, next run, the latest runs as marks.
        get("/dags") { request, store in
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let offset = try request.intQuery("offset", default: 0, range: 0...1_000_000)
            let tag = request.query["tag"].flatMap { $0.isEmpty ? nil : $0 }
            let records = Dictionary(try store.dags().map { ($0.dagId, $0) }, uniquingKeysWith: { a, _ in a })
            let marks = Dictionary(grouping: try store.recentRunMarks(perDAG: 10), by: \.dagId)
            let matching = ctx.bag.dags.filter { tag == nil || $0.tags.contains(tag!) }
            let page = matching.dropFirst(offset).prefix(limit).map { dag -> DAGSummaryDTO in
                let record = records[dag.id]
                let recent = (marks[dag.id] ?? []).map {
                    RunMarkDTO(run_id: $0.runId, state: $0.state.rawValue, logical_date: APIDate.format($0.logicalDate))
                }
                return DAGSummaryDTO(dag_id: dag.id, description: dag.description, owner: dag.owner, tags: dag.tags,
                                     schedule: dag.schedule, timezone: dag.timeZone,
                                     is_paused: record?.isPaused ?? false,
                                     next_run_at: APIDate.format(record?.nextRunAt), task_count: dag.tasks.count,
                                     last_run: recent.first, recent_runs: recent)
            }
            return .api(DAGListDTO(dags: Array(page), total_entries: matching.count))
        }

        get("/dags/{dag_id}") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            return .api(DAGDetailDTO(dag, record: try store.dag(dag.id)))
        }

        // Pause or unpause: {"is_paused": true}.
        change("PATCH", "/dags/{dag_id}") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let body = try request.jsonObject()
            try body.rejectUnknown(allowed: ["is_paused"])
            guard let paused = try body.bool("is_paused") else {
                throw APIError.badRequest("send {\"is_paused\": true} or {\"is_paused\": false}")
            }
            if try store.dag(dag.id) == nil {
                try store.syncDAGs([dag], pausedOnCreation: paused, now: Date())
            }
            try store.setPaused(dag.id, paused)
            return .api(DAGDetailDTO(dag, record: try store.dag(dag.id)))
        }

        // Runs × tasks for the latest `limit` runs, in two queries whatever the history's size.
        get("/dags/{dag_id}/grid") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let limit = try request.intQuery("limit", default: 25, range: 1...200)
            let offset = try request.intQuery("offset", default: 0, range: 0...1_000_000)
            let query = RunQuery(dagId: dag.id, limit: limit, offset: offset)
            let runs = try store.runsPage(query)
            let total = try store.countRuns(query)
            let cells = Dictionary(grouping: try store.gridCells(runPks: runs.map(\.pk)), by: \.runPk)
            let order = Dictionary(uniqueKeysWithValues: dag.tasks.enumerated().map { ($1.id, $0) })
            let columns = runs.map { run in
                GridRunDTO(run_id: run.runId, run_type: run.runType.rawValue, state: run.state.rawValue,
                           logical_date: APIDate.format(run.logicalDate), start_date: APIDate.format(run.startDate),
                           end_date: APIDate.format(run.endDate),
                           task_instances: (cells[run.pk] ?? [])
                               .map { (rank: order[$0.taskId] ?? Int.max, cell: $0) }
                               .sorted { ($0.rank, $0.cell.taskId) < ($1.rank, $1.cell.taskId) }
                               .map { GridCellDTO(task_id: $0.cell.taskId, state: $0.cell.state.rawValue,
                                                  try_number: $0.cell.tryNumber) })
            }
            return .api(GridDTO(dag_id: dag.id, task_ids: dag.tasks.map(\.id), runs: columns,
                                           total_runs: total, limit: limit, offset: offset))
        }
    }
}
