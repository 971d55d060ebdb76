import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// `GET /dags`, `GET|PATCH /dags/{dag_id}`, `GET /dags/{dag_id}/details`, `GET /dagTags`.
    func addAirflowDAGRoutes() {
        let ctx = context

        get("/dags", api: .airflow) { request, store in
            let page = try AirflowPage(request, orderable: ["dag_id", "-dag_id"])
            let tags = request.query["tags"].map { $0.split(separator: ",").map(String.init) } ?? []
            let paused = try request.boolQuery("paused")
            let pattern = request.query["dag_id_pattern"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
            let records = Dictionary(try store.dags().map { ($0.dagId, $0) }, uniquingKeysWith: { a, _ in a })
            var matching = ctx.bag.dags.filter { dag in
                (tags.isEmpty || !Set(tags).isDisjoint(with: dag.tags))
                    && (paused == nil || (records[dag.id]?.isPaused ?? false) == paused)
                    && (pattern == nil || dag.id.lowercased().contains(pattern!))
            }
            matching.sort { $0.id < $1.id }
            if page.orderBy == "-dag_id" { matching.reverse() }
            return .api(JSONValue.object([
                "dags": .array(page.slice(matching).map { .object(AirflowDAG.response($0, record: records[$0.id])) }),
                "total_entries": AirflowValues.int(matching.count),
            ]))
        }

        get("/dags/{dag_id}", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            return .api(JSONValue.object(AirflowDAG.response(dag, record: try store.dag(dag.id))))
        }

        get("/dags/{dag_id}/details", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let active = try store.countRuns(RunQuery(dagId: dag.id, states: [.queued, .running]))
            return .api(JSONValue.object(AirflowDAG.details(dag, record: try store.dag(dag.id), activeRuns: active)))
        }

        // Pause or unpause: {"is_paused": true}.
        change("PATCH", "/dags/{dag_id}", role: .operator, action: "dag.set_paused", api: .airflow) { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            try ctx.setPaused(dag, try request.pausedFlag(), store)
            return .api(JSONValue.object(AirflowDAG.response(dag, record: try store.dag(dag.id))))
        }

        get("/dagTags", api: .airflow) { request, _ in
            let page = try AirflowPage(request, orderable: ["name", "-name"])
            let pattern = request.query["tag_name_pattern"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
            var tags = Set(ctx.bag.dags.flatMap(\.tags)).filter { pattern == nil || $0.lowercased().contains(pattern!) }.sorted()
            if page.orderBy == "-name" { tags.reverse() }
            return .api(JSONValue.object(["tags": .array(page.slice(tags).map { .string($0) }),
                                          "total_entries": AirflowValues.int(tags.count)]))
        }
    }
}

extension APIContext {
    /// Pauses or unpauses a DAG (recording it first if the scheduler has not yet).
    func setPaused(_ dag: DAG, _ paused: Bool, _ store: SQLiteStateStore) throws {
        if try store.dag(dag.id) == nil {
            try store.syncDAGs([dag], pausedOnCreation: paused, now: Date())
        }
        try store.setPaused(dag.id, paused)
    }
}
