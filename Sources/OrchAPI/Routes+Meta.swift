import Foundation
import OrchHTTPServer
import OrchObservability
import OrchStore

extension APIRoutes {
    /// `GET /health` (database reachable, scheduler heartbeat age, free space under ORCH_HOME: 503 when full) and `GET /openapi.json`.
    func addMetaRoutes() {
        let ctx = context
        get("/health", cached: false) { _, store in
            let databaseOK = store.ping()
            let lease = databaseOK ? try? store.lease() : nil
            let age = lease.map(store.heartbeatAge)
            let schedulerStatus: String
            if let age { schedulerStatus = age < SchedulerLease.ttl ? "healthy" : "stale" } else {
                schedulerStatus = "not_running"
            }
            let storage = ctx.storage.condition()
            let body = HealthDTO(
                status: databaseOK && schedulerStatus == "healthy" && !storage.isFull ? "ok" : "degraded",
                database: .init(status: databaseOK ? "ok" : "error"),
                scheduler: .init(status: schedulerStatus, heartbeat_age_seconds: age.map { ($0 * 1000).rounded() / 1000 },
                                 latest_heartbeat: APIDate.format(lease?.heartbeatAt), holder: lease?.holder),
                storage: .init(status: storage.isFull ? "full" : "ok", free_bytes: storage.freeBytes.map { Int($0) },
                               message: storage.reason))
            return .api(databaseOK && !storage.isFull ? 200 : 503, body)
        }
        let document = OpenAPIDocuments.load("v1.json", in: ctx.openAPIRoot)
        get("/openapi.json") { _, _ in .json(200, try document.get()) }
    }
}
