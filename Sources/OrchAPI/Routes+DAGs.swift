import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    func addDAGRoutes() {
        let ctx = context

        // The DAG list: schedule, pause state, next run, the latest runs as marks. Filters: `dag_id_pattern`
        // (part of the id, any case), `tag`, `owner`, `paused` (true/false), `last_state` (a run state, or `none`
        // for DAGs never run); `order_by=failing_first` puts DAGs whose latest run failed first.
        get("/dags") { request, store in
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let offset = try request.intQuery("offset", default: 0, range: 0...1_000_000)
            let filter = try DAGListFilter(request)
            let records = Dictionary(try store.dags().map { ($0.dagId, $0) }, uniquingKeysWith: { a, _ in a })
            let marks = Dictionary(grouping: try store.recentRunMarks(perDAG: 10), by: \.dagId)
            let summaries = ctx.bag.dags.map { dag -> DAGSummaryDTO in
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
            let matching = filter.apply(summaries)
            return .api(DAGListDTO(dags: Array(matching.dropFirst(offset).prefix(limit)), total_entries: matching.count,
                                   all_tags: Set(ctx.bag.dags.flatMap(\.tags)).sorted(),
                                   all_owners: Set(ctx.bag.dags.map(\.owner)).sorted()))
        }

        get("/dags/{dag_id}") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            return .api(DAGDetailDTO(dag, record: try store.dag(dag.id)))
        }

        // Pause or unpause: {"is_paused": true}.
        change("PATCH", "/dags/{dag_id}", role: .operator, action: "dag.set_paused") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            try ctx.setPaused(dag, try request.pausedFlag(), store)
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
            let cells = try store.gridCells(runPks: runs.map(\.pk))
            let order = TaskOrder(dag)
            let columns = runs.map { run in
                GridRunDTO(run_id: run.runId, run_type: run.runType.rawValue, state: run.state.rawValue,
                           logical_date: APIDate.format(run.logicalDate), start_date: APIDate.format(run.startDate),
                           end_date: APIDate.format(run.endDate),
                           task_instances: order.arrange(cells[run.pk] ?? []).map {
                               GridCellDTO(task_id: $0.taskId, state: $0.state.rawValue, try_number: $0.tryNumber)
                           })
            }
            return .api(GridDTO(dag_id: dag.id, task_ids: dag.tasks.map(\.id), runs: columns,
                                           total_runs: total, limit: limit, offset: offset))
        }
    }
}

/// A DAG's task order for the grid. Cells arrive sorted by task id; when a run has exactly the DAG's tasks (nearly
/// always), one fixed permutation puts them in DAG order, with no lookups by name.
struct TaskOrder {
    private let position: [String: Int]
    private let idsSorted: [String]
    private let sortedToDAG: [Int]   // sortedToDAG[i]: DAG position of the i-th task id in sorted order

    init(_ dag: DAG) {
        let position = Dictionary(uniqueKeysWithValues: dag.tasks.enumerated().map { ($1.id, $0) })
        self.position = position
        idsSorted = dag.tasks.map(\.id).sorted()
        sortedToDAG = idsSorted.map { position[$0]! }
    }

    /// `cells` (sorted by task id) in DAG order; cells of tasks no longer in the DAG last, by task id.
    func arrange(_ cells: [GridCell]) -> [GridCell] {
        if cells.count == idsSorted.count, zip(cells, idsSorted).allSatisfy({ $0.taskId == $1 }) {
            var out = cells
            for (i, cell) in cells.enumerated() { out[sortedToDAG[i]] = cell }
            return out
        }
        var slots = [GridCell?](repeating: nil, count: position.count)
        var others: [GridCell] = []
        for cell in cells {
            if let p = position[cell.taskId] { slots[p] = cell } else { others.append(cell) }
        }
        return slots.compactMap { $0 } + others
    }
}
