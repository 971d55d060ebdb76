import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// `GET .../logs/{try_number}` (continuation tokens) and `GET .../xcomEntries[/{xcom_key}]`.
    func addAirflowLogAndXComRoutes() {
        let ctx = context
        let base = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"
        let reader = LogReader(logsDirectory: context.home.logsDirectory)

        // Up to 1 MiB of log lines per call, each as {"event": line}. The continuation token resumes where this
        // call stopped; it is null once the try has finished and every byte has been read. full_content=true
        // reads from the start regardless of the token.
        get(base + "/logs/{try_number}", cached: false, api: .airflow) { request, store in
            let (_, run, instance) = try ctx.airflowTaskInstance(request, store)
            let tryText = request.path("try_number")
            guard let tryNumber = Int(tryText), tryNumber >= 0 else {
                throw APIError.badRequest("path parameter 'try_number' must be a whole number, got '\(tryText)'")
            }
            let fullContent = try request.boolQuery("full_content") ?? false
            let start = fullContent ? 0 : try request.query["token"].map { try AirflowLogToken(decoding: $0).offset } ?? 0
            guard let attempt = try store.attempt(runPk: run.pk, taskId: instance.taskId, tryNumber: tryNumber) else {
                throw APIError.notFound("task '\(instance.taskId)' has no try \(tryNumber) in run '\(run.runId)' "
                    + "(it has \(instance.tryNumber))")
            }
            let chunk = try reader.read(path: attempt.logPath, offset: start, limit: 1 << 20)
            var lines = chunk.content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            let done = attempt.endDate != nil && chunk.nextOffset >= chunk.size
            return .api(JSONValue.object([
                "content": .array(lines.map { ["event": .string($0)] }),
                "continuation_token": done ? .null : .string(AirflowLogToken(offset: chunk.nextOffset).encoded),
            ]))
        }

        get(base + "/xcomEntries", api: .airflow) { request, store in
            let (_, run, instance) = try ctx.airflowTaskInstance(request, store)
            let page = try AirflowPage(request, orderable: ["key", "-key"])
            var entries = try store.xcomEntries(runPk: run.pk, taskId: instance.taskId)
            if let key = request.query["xcom_key"] { entries = entries.filter { $0.key == key } }
            if page.orderBy == "-key" { entries.reverse() }
            return .api(JSONValue.object([
                "xcom_entries": .array(page.slice(entries).map { .object(AirflowXCom.response($0, run: run)) }),
                "total_entries": AirflowValues.int(entries.count),
            ]))
        }

        // The value as JSON (XComResponseNative), or as its JSON text with stringify=true (XComResponseString).
        get(base + "/xcomEntries/{xcom_key}", api: .airflow) { request, store in
            let (_, run, instance) = try ctx.airflowTaskInstance(request, store)
            let key = request.path("xcom_key")
            guard let entry = try store.xcomEntries(runPk: run.pk, taskId: instance.taskId).first(where: { $0.key == key }) else {
                throw APIError.notFound("task '\(instance.taskId)' of run '\(run.runId)' has no XCom '\(key)'")
            }
            _ = try request.boolQuery("deserialize")
            var out = AirflowXCom.response(entry, run: run)
            out["value"] = try request.boolQuery("stringify") == true ? .string(entry.value.jsonText) : entry.value
            return .api(JSONValue.object(out))
        }
    }
}

/// Airflow's `XComResponse` for an orch XCom (values are JSON; orch has no mapped tasks).
enum AirflowXCom {
    static func response(_ entry: XComEntry, run: RunRecord) -> [String: JSONValue] {
        ["key": .string(entry.key), "timestamp": AirflowValues.date(entry.updatedAt),
         "logical_date": AirflowValues.date(run.logicalDate), "map_index": -1, "task_id": .string(entry.taskId),
         "dag_id": .string(run.dagId), "run_id": .string(run.runId), "dag_display_name": .string(run.dagId),
         "task_display_name": .string(entry.taskId), "run_after": AirflowValues.date(run.queuedAt)]
    }
}
