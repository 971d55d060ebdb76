import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    func addTaskRoutes() {
        let ctx = context

        get("/dags/{dag_id}/runs/{run_id}/tasks") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("run_id"))
            let instances = try store.taskInstances(runPk: run.pk).sortedLike(dag)
            let waiting = ctx.waiting(store, for: run)
            return .api(["task_instances": instances.map { TaskInstanceDTO($0, waiting: waiting) }])
        }

        // Every try of every task of the run, by start time (the Gantt chart).
        get("/dags/{dag_id}/runs/{run_id}/tries") { request, store in
            let dag = try ctx.dag(request.path("dag_id"))
            let run = try ctx.run(store, dagId: dag.id, runId: request.path("run_id"))
            let tries = try store.attempts(runPk: run.pk, taskId: nil)
            return .api(TryListDTO(tries: tries.map { TryDTO($0, dagId: dag.id, runId: run.runId) }))
        }

        get("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}") { request, store in
            let (dag, run, instance) = try ctx.taskInstance(request, store)
            let tries = try store.attempts(runPk: run.pk, taskId: instance.taskId)
            return .api(TaskDetailDTO(task_instance: TaskInstanceDTO(instance, waiting: ctx.waiting(store, for: run)),
                                                 tries: tries.map { TryDTO($0, dagId: dag.id, runId: run.runId) }))
        }

        get("/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/tries") { request, store in
            let (dag, run, instance) = try ctx.taskInstance(request, store)
            let tries = try store.attempts(runPk: run.pk, taskId: instance.taskId)
            return .api(TryListDTO(tries: tries.map { TryDTO($0, dagId: dag.id, runId: run.runId) }))
        }
    }
}

extension APIContext {
    /// The DAG, run and task instance named in the path, or 404.
    func taskInstance(_ request: HTTPRequest, _ store: SQLiteStateStore) throws
        -> (DAG, RunRecord, TaskInstanceRecord) {
        let dag = try self.dag(request.path("dag_id"))
        let run = try self.run(store, dagId: dag.id, runId: request.path("run_id"))
        let taskId = request.path("task_id")
        guard let instance = try store.taskInstance(runPk: run.pk, taskId: taskId) else {
            throw APIError.notFound("run '\(run.runId)' of DAG '\(dag.id)' has no task '\(taskId)'")
        }
        return (dag, run, instance)
    }
}
