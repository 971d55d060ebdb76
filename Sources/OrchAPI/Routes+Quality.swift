import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// Quality-check results, read from the XCom `quality_checks` that the check task pushes
    /// (a JSON array of {name, status, observed, details}).
    func addQualityRoutes() {
        let ctx = context

        get("/dags/{dag_id}/runs/{run_id}/quality-checks") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("run_id"))
            let found = try store.xcoms(runPk: run.pk).first { $0.key == Self.qualityKey }
            return .api(Self.quality(run: run, taskId: found?.taskId, value: found?.value))
        }

        get("/dags/{dag_id}/quality-checks") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let limit = try request.intQuery("limit", default: 10, range: 1...100)
            let rows = try store.latestXComs(dagId: dag.id, key: Self.qualityKey, limit: limit)
            return .api(QualityListDTO(dag_id: dag.id, runs: rows.map {
                Self.quality(run: $0.run, taskId: $0.taskId, value: $0.value)
            }))
        }
    }

    static let qualityKey = "quality_checks"

    static func quality(run: RunRecord, taskId: String?, value: JSONValue?) -> RunQualityDTO {
        let checks = (value?.arrayValue ?? []).map { item in
            QualityCheckDTO(name: item["name"]?.stringValue ?? "?", status: item["status"]?.stringValue ?? "unknown",
                            observed: item["observed"] ?? .null, details: item["details"] ?? .null)
        }
        let passed = checks.filter { ["passed", "pass", "success", "ok"].contains($0.status) }.count
        return RunQualityDTO(run_id: run.runId, logical_date: APIDate.format(run.logicalDate), task_id: taskId,
                             checks: checks, passed: passed, failed: checks.count - passed)
    }
}
