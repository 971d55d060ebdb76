import Foundation
import OrchCore
import OrchHTTPServer
import OrchObservability
import OrchStore

extension APIRoutes {
    /// Import errors, pools, health, version and the v2 OpenAPI document.
    func addAirflowMetaRoutes() {
        let ctx = context

        // orch's DAGs are compiled into its bundle: a DAG that does not build never reaches the server, so there
        // are no import errors to list.
        get("/importErrors", api: .airflow) { request, _ in
            _ = try AirflowPage(request, orderable: ["id", "-id", "filename", "-filename"])
            return .api(JSONValue.object(["import_errors": [], "total_entries": 0]))
        }

        get("/pools", api: .airflow) { request, store in
            let page = try AirflowPage(request, orderable: ["name", "-name"])
            var pools = try store.poolRecords()
            if page.orderBy == "-name" { pools.reverse() }
            let usage = try ctx.poolUsage(store)
            return .api(JSONValue.object([
                "pools": .array(page.slice(pools).map { .object(AirflowPool.response($0, usage[$0.name] ?? PoolUsage())) }),
                "total_entries": AirflowValues.int(pools.count),
            ]))
        }

        get("/pools/{pool_name}", api: .airflow) { request, store in
            let name = request.path("pool_name")
            guard let pool = try store.poolRecords().first(where: { $0.name == name }) else {
                throw APIError.notFound("no pool '\(name)'; GET /api/v2/pools lists them")
            }
            return .api(JSONValue.object(AirflowPool.response(pool, try ctx.poolUsage(store)[name] ?? PoolUsage())))
        }

        get("/monitor/health", cached: false, api: .airflow, open: true) { _, store in
            let databaseOK = store.ping()
            let lease = databaseOK ? try? store.lease() : nil
            let healthy = lease.map(store.isFresh) ?? false
            return .api(JSONValue.object([
                "metadatabase": ["status": databaseOK ? "healthy" : "unhealthy"],
                "scheduler": ["status": healthy ? "healthy" : "unhealthy",
                              "latest_scheduler_heartbeat": AirflowValues.date(lease?.heartbeatAt)],
                "triggerer": ["status": .null, "latest_triggerer_heartbeat": .null],
                "dag_processor": .null,
            ]))
        }

        get("/version", api: .airflow, open: true) { _, _ in
            .api(JSONValue.object(["version": .string(OrchVersion.current), "git_version": .null]))
        }

        let document = OpenAPIDocuments.load("v2.json", in: ctx.openAPIRoot)
        get("/openapi.json", api: .airflow, open: true) { _, _ in .json(200, try document.get()) }
    }
}

/// orch's version, reported by `GET /api/v2/version` and in the OpenAPI documents' `info.version`.
public enum OrchVersion {
    public static let current = "1.0.0"
}

/// Airflow's `PoolResponse`: occupied = running + queued (orch has no deferred tasks).
enum AirflowPool {
    static func response(_ pool: PoolRecord, _ usage: PoolUsage) -> [String: JSONValue] {
        let occupied = usage.running + usage.queued
        return ["name": .string(pool.name), "slots": AirflowValues.int(pool.slots),
                "description": pool.description.isEmpty ? .null : .string(pool.description),
                "include_deferred": false, "occupied_slots": AirflowValues.int(occupied),
                "running_slots": AirflowValues.int(usage.running), "queued_slots": AirflowValues.int(usage.queued),
                "scheduled_slots": AirflowValues.int(usage.scheduled),
                "open_slots": AirflowValues.int(pool.slots - occupied), "deferred_slots": 0, "team_name": .null]
    }
}

extension APIContext {
    /// Slots held per pool by scheduled, queued and running task instances (a task's pool and slot count come
    /// from its DAG; tasks of DAGs no longer loaded count in default_pool with one slot).
    func poolUsage(_ store: SQLiteStateStore) throws -> [String: PoolUsage] {
        var usage: [String: PoolUsage] = [:]
        for active in try store.activeTaskInstances() {
            let task = bag.dag(active.dagId)?.task(active.taskId)
            let pool = task?.pool ?? "default_pool"
            let slots = task?.poolSlots ?? 1
            var u = usage[pool] ?? PoolUsage()
            switch active.state {
            case .running: u.running += slots
            case .queued: u.queued += slots
            default: u.scheduled += slots
            }
            usage[pool] = u
        }
        return usage
    }
}
