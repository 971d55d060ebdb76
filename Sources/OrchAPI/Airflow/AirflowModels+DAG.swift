import Foundation
import OrchCore
import OrchStore

/// Airflow's `DAGResponse` and `DAGDetailsResponse` for an orch DAG. Fields orch has no equivalent for carry the
/// constants listed in docs/airflow-api.md.
enum AirflowDAG {
    static func response(_ dag: DAG, record: DAGRecord?) -> [String: JSONValue] {
        [
            "dag_id": .string(dag.id),
            "dag_display_name": .string(dag.id),
            "is_paused": .bool(record?.isPaused ?? false),
            "is_stale": false,
            "last_parsed_time": .null,
            "last_parse_duration": .null,
            "last_expired": .null,
            "bundle_name": .string(AirflowValues.bundleName),
            "bundle_version": .null,
            "relative_fileloc": .null,
            "fileloc": .string(AirflowValues.bundleName),
            "description": dag.description.isEmpty ? .null : .string(dag.description),
            "timetable_summary": AirflowValues.string(dag.schedule),
            "timetable_description": .string(dag.schedule.map { "Cron or preset: \($0) (\(dag.timeZone))" }
                ?? "Never, external triggers only"),
            "timetable_partitioned": false,
            "timetable_periodic": .bool(dag.schedule != nil),
            "tags": .array(dag.tags.map { ["name": .string($0), "dag_id": .string(dag.id), "dag_display_name": .string(dag.id)] }),
            "max_active_tasks": AirflowValues.int(dag.maxActiveTasks),
            "max_active_runs": AirflowValues.int(dag.maxActiveRuns),
            "max_consecutive_failed_dag_runs": 0,
            "has_task_concurrency_limits": false,
            "has_import_errors": false,
            "next_dagrun_logical_date": .null,
            "next_dagrun_data_interval_start": .null,
            "next_dagrun_data_interval_end": .null,
            "next_dagrun_run_after": AirflowValues.date(record?.nextRunAt),
            "allowed_run_types": .null,
            "owners": .array([.string(dag.owner)]),
            "is_backfillable": .bool(dag.schedule != nil),
            "file_token": .string(dag.id),
        ]
    }

    static func details(_ dag: DAG, record: DAGRecord?, activeRuns: Int) -> [String: JSONValue] {
        var out = response(dag, record: record)
        out.merge([
            "catchup": .bool(dag.catchup),
            "dag_run_timeout": .null,
            "asset_expression": .null,
            "doc_md": .null,
            "start_date": AirflowValues.date(dag.startDate),
            "end_date": AirflowValues.date(dag.endDate),
            "is_paused_upon_creation": .null,
            "params": .object(dag.params),
            "render_template_as_native_obj": false,
            "template_search_path": .null,
            "timezone": .string(dag.timeZone),
            "last_parsed": .null,
            "default_args": .null,
            "rerun_with_latest_version": .null,
            "owner_links": .null,
            "is_favorite": false,
            "active_runs_count": AirflowValues.int(activeRuns),
            "concurrency": AirflowValues.int(dag.maxActiveTasks),
            "latest_dag_version": .null,
        ]) { _, new in new }
        return out
    }
}
