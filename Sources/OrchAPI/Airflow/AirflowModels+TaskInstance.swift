import Foundation
import OrchCore
import OrchStore

/// Airflow's `TaskInstanceResponse` (a task in a run) and `TaskInstanceHistoryResponse` (one try of it).
enum AirflowTaskInstance {
    static func response(_ ti: TaskInstanceRecord, run: RunRecord, task: TaskSpec?) -> [String: JSONValue] {
        var out = common(taskId: ti.taskId, run: run, task: task, maxTries: ti.maxTries)
        out.merge([
            "id": .string(AirflowValues.taskInstanceId(runPk: run.pk, taskId: ti.taskId)),
            "logical_date": AirflowValues.date(run.logicalDate),
            "run_after": AirflowValues.date(run.queuedAt),
            "start_date": AirflowValues.date(ti.startDate),
            "end_date": AirflowValues.date(ti.endDate),
            "duration": AirflowValues.duration(ti.startDate, ti.endDate),
            "state": AirflowValues.state(ti.state),
            "try_number": AirflowValues.int(ti.tryNumber),
            "pid": AirflowValues.int(ti.pid),
            "note": .null,
            "rendered_map_index": .null,
            "rendered_fields": [:],
            "trigger": .null,
            "triggerer_job": .null,
        ]) { _, new in new }
        return out
    }

    static func history(_ attempt: AttemptRecord, run: RunRecord, task: TaskSpec?, maxTries: Int) -> [String: JSONValue] {
        var out = common(taskId: attempt.taskId, run: run, task: task, maxTries: maxTries)
        out.merge([
            "start_date": AirflowValues.date(attempt.startDate),
            "end_date": AirflowValues.date(attempt.endDate),
            "duration": AirflowValues.duration(attempt.startDate, attempt.endDate),
            "state": AirflowValues.state(attempt.state),
            "try_number": AirflowValues.int(attempt.tryNumber),
            "pid": AirflowValues.int(attempt.pid),
        ]) { _, new in new }
        return out
    }

    /// The fields a task instance and its tries share. Airflow's `max_tries` counts retries; orch's counts tries.
    private static func common(taskId: String, run: RunRecord, task: TaskSpec?, maxTries: Int) -> [String: JSONValue] {
        [
            "task_id": .string(taskId),
            "dag_id": .string(run.dagId),
            "dag_run_id": .string(run.runId),
            "map_index": -1,
            "max_tries": AirflowValues.int(max(0, maxTries - 1)),
            "task_display_name": .string(taskId),
            "dag_display_name": .string(run.dagId),
            "hostname": .null,
            "unixname": .null,
            "pool": .string(task?.pool ?? "default_pool"),
            "pool_slots": AirflowValues.int(task?.poolSlots ?? 1),
            "queue": .null,
            "priority_weight": .null,
            "operator": AirflowValues.operatorName(task),
            "operator_name": AirflowValues.operatorName(task),
            "queued_when": .null,
            "scheduled_when": .null,
            "executor": .null,
            "executor_config": "{}",
            "dag_version": .null,
        ]
    }
}

extension AirflowTaskInstance {
    /// `TaskInstanceCollectionResponse` for task instances of one run.
    static func collection(_ instances: [TaskInstanceRecord], run: RunRecord, dag: DAG, total: Int? = nil) -> [String: JSONValue] {
        ["task_instances": .array(instances.map { .object(response($0, run: run, task: dag.task($0.taskId))) }),
         "total_entries": AirflowValues.int(total ?? instances.count)]
    }
}
