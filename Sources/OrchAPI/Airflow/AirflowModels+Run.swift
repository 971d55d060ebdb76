import Foundation
import OrchCore
import OrchStore

/// Airflow's `DAGRunResponse` for an orch run.
enum AirflowRun {
    static func response(_ run: RunRecord) -> [String: JSONValue] {
        [
            "dag_run_id": .string(run.runId),
            "dag_id": .string(run.dagId),
            "logical_date": AirflowValues.date(run.logicalDate),
            "queued_at": AirflowValues.date(run.queuedAt),
            "start_date": AirflowValues.date(run.startDate),
            "end_date": AirflowValues.date(run.endDate),
            "duration": AirflowValues.duration(run.startDate, run.endDate),
            "data_interval_start": AirflowValues.date(run.dataInterval.start),
            "data_interval_end": AirflowValues.date(run.dataInterval.end),
            "run_after": AirflowValues.date(run.queuedAt),
            "last_scheduling_decision": .null,
            "run_type": .string(run.runType.rawValue),
            "state": .string(run.state.rawValue),
            "triggered_by": AirflowValues.triggeredBy(run.runType),
            "triggering_user_name": .null,
            "conf": .object(SecretMask.mask(run.conf)),
            "note": .null,
            "dag_versions": [],
            "bundle_version": .null,
            "dag_display_name": .string(run.dagId),
            "partition_key": .null,
            "partition_date": .null,
        ]
    }
}
