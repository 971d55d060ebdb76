import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// `GET .../tries/{try_number}/log?offset=N&limit=M`: the log text from byte N, the offset to ask for next,
    /// and whether the try has finished (a page tails until it has and no bytes are left).
    func addLogRoutes() {
        let ctx = context
        let reader = LogReader(logsDirectory: context.home.logsDirectory)
        get("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/tries/{try_number}/log", cached: false) { request, store in
            let (_, run, instance) = try ctx.taskInstance(request, store)
            let tryNumber = try request.intPath("try_number")
            let offset = try request.intQuery("offset", default: 0, range: 0...Int(Int32.max))
            let limit = try request.intQuery("limit", default: 65_536, range: 1...1_048_576)
            guard let attempt = try store.attempt(runPk: run.pk, taskId: instance.taskId, tryNumber: tryNumber) else {
                throw APIError.notFound("task '\(instance.taskId)' has no try \(tryNumber) in run '\(run.runId)' "
                    + "(it has \(instance.tryNumber))")
            }
            let chunk = try reader.read(path: attempt.logPath, offset: offset, limit: limit)
            return .api(LogChunkDTO(task_id: instance.taskId, try_number: tryNumber, offset: min(offset, chunk.size),
                                               next_offset: chunk.nextOffset, size: chunk.size, content: chunk.content,
                                               finished: attempt.endDate != nil))
        }
    }
}
