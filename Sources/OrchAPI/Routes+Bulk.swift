import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// Bulk actions on one DAG's runs or task instances, chosen by a filter (see ``BulkRequest``): clear, mark
    /// success, mark failed. Each needs the operator role and is audited like the single actions (with the
    /// filter, `dry_run` and the changed run ids). A dry run answers the same list and changes nothing.
    func addBulkRoutes() {
        let ctx = context
        for target in [BulkTarget.runs, .tasks] {
            let noun = target == .runs ? "run" : "task"
            change("POST", "/dags/{dag_id}/\(target.rawValue)/bulk-clear", role: .operator,
                   action: "\(noun).bulk_clear") { request, store in
                let dag = try ctx.dag(request.path("dag_id"))
                let bulk = try BulkRequest(try request.jsonObject(), dag: dag)
                return try Self.bulk(store, dag, target, .clear, bulk)
            }
            change("POST", "/dags/{dag_id}/\(target.rawValue)/bulk-mark", role: .operator,
                   action: "\(noun).bulk_mark") { request, store in
                let dag = try ctx.dag(request.path("dag_id"))
                let body = try request.jsonObject()
                let bulk = try BulkRequest(body, dag: dag, extra: ["state"])
                guard let action = BulkAction.mark(try body.string("state") ?? "") else {
                    throw APIError.badRequest("send \"state\": \"success\" or \"failed\" with the filter")
                }
                return try Self.bulk(store, dag, target, action, bulk)
            }
        }
    }

    private static func bulk(_ store: SQLiteStateStore, _ dag: DAG, _ target: BulkTarget, _ action: BulkAction,
                             _ bulk: BulkRequest) throws -> HTTPResponse {
        // A filter over too many runs is a StoreError.invalid, answered 400.
        let plan = try store.bulkAction(target, action, filter: bulk.filter, dryRun: bulk.dryRun, now: Date())
        return .api(BulkResultDTO(dagId: dag.id, plan))
    }
}
