import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// Assets (issue 14): the lineage across DAGs with each asset's health, one asset, its materializations, and
    /// what a run materialized.
    func addAssetRoutes() {
        let ctx = context

        // Not cached: health depends on the time (freshness), not only on the database.
        get("/assets", cached: false) { _, store in
            let assets = try store.assets()
            let health = try AssetHealthReader(ctx.bag, store, now: Date())
            return .api(AssetListDTO(assets: assets.map(health.dto), total_entries: assets.count))
        }

        get("/assets/{asset_id}", cached: false) { request, store in
            let asset = try Self.asset(store, request)
            let health = try AssetHealthReader(ctx.bag, store, now: Date())
            return .api(health.dto(asset))
        }

        get("/assets/{asset_id}/materializations") { request, store in
            let asset = try Self.asset(store, request)
            let limit = try request.intQuery("limit", default: 50, range: 1...500)
            let offset = try request.intQuery("offset", default: 0, range: 0...10_000_000)
            return .api(MaterializationPageDTO(
                asset_id: asset.id, uri: asset.uri,
                materializations: try store.materializations(assetId: asset.id, limit: limit, offset: offset).map(MaterializationDTO.init),
                total_entries: try store.countMaterializations(assetId: asset.id), limit: limit, offset: offset))
        }

        get("/assets/{asset_id}/checks") { request, store in
            let asset = try Self.asset(store, request)
            let limit = try request.intQuery("limit", default: 50, range: 1...500)
            let offset = try request.intQuery("offset", default: 0, range: 0...10_000_000)
            return .api(CheckResultPageDTO(
                asset_id: asset.id, uri: asset.uri,
                checks: try store.checkResults(assetId: asset.id, limit: limit, offset: offset).map(CheckResultDTO.init),
                total_entries: try store.countCheckResults(assetId: asset.id), limit: limit, offset: offset))
        }

        get("/dags/{dag_id}/runs/{run_id}/materializations") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("run_id"))
            return .api(RunMaterializationsDTO(dag_id: dag.id, run_id: run.runId, materializations:
                try store.materializations(runPk: run.pk).map { RunMaterializationDTO(uri: $0.uri, materialization: MaterializationDTO($0.record)) }))
        }
    }

    static func asset(_ store: SQLiteStateStore, _ request: HTTPRequest) throws -> AssetRecord {
        let id = try request.intPath("asset_id")
        guard let asset = try store.asset(id: Int64(id)) else {
            throw APIError.notFound("no asset \(id); GET /api/v1/assets lists them")
        }
        return asset
    }
}

/// Puts together what the health rule needs for one asset: its latest materialization, the freshness policy the
/// DAGs declare for it, and when a producing task last failed.
struct AssetHealthReader {
    let bag: DAGBag
    let failures: [String: Double]
    let checks: [Int64: [CheckResultRecord]]
    /// Several DAGs may declare one for the same asset: the strictest wins.
    let policies: [String: FreshnessPolicy]
    let now: Date

    init(_ bag: DAGBag, _ store: SQLiteStateStore, now: Date) throws {
        self.bag = bag
        failures = try store.lastTaskFailures()
        checks = try store.latestCheckResults()
        policies = bag.freshnessPolicies
        self.now = now
    }

    func policy(_ uri: String) -> FreshnessPolicy? { policies[uri] }

    func health(_ a: AssetRecord) -> AssetHealth {
        let failed = a.producers.compactMap { failures["\($0.dagId)/\($0.taskId)"] }.max()
        return AssetHealth.evaluate(AssetHealthInput(lastMaterializedAt: a.latest?.createdAt.timeIntervalSince1970,
                                                     lastProducerFailureAt: failed, freshness: policy(a.uri),
                                                     latestChecks: (checks[a.id] ?? []).map(\.verdict)),
                                    now: now.timeIntervalSince1970)
    }

    func dto(_ a: AssetRecord) -> AssetDTO {
        AssetDTO(id: a.id, uri: a.uri,
                 producers: a.producers.map { AssetTaskDTO(dag_id: $0.dagId, task_id: $0.taskId) },
                 consumers: a.consumers.map { AssetTaskDTO(dag_id: $0.dagId, task_id: $0.taskId) },
                 latest_materialization: a.latest.map(MaterializationDTO.init),
                 freshness_max_age_seconds: policy(a.uri)?.maxAge, health: AssetHealthDTO(health(a)))
    }
}
