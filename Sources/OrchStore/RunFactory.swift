import Foundation
import OrchCore

/// Creates runs the way Airflow names and dates them.
public enum RunFactory {
    /// `manual__2026-11-21T08:00:00Z`, `scheduled__…`, `backfill__…` (see ``RunIdRule``).
    public static func runId(_ type: RunType, logicalDate: Date) -> String {
        RunIdRule.generated(type, logicalDate: logicalDate)
    }

    /// The data interval of a run at `logicalDate`: for a scheduled DAG the schedule's interval starting there,
    /// else the instant itself.
    public static func interval(for dag: DAG, logicalDate: Date) -> DataInterval {
        if let timetable = try? Timetable.of(dag) { return timetable.dataInterval(startingAt: logicalDate) }
        return DataInterval(start: logicalDate, end: logicalDate)
    }

    /// The data interval of a manual run (`orch trigger`, `orch run`, `POST …/runs`): aligned to the DAG's schedule
    /// (see `Timetable.manualInterval`); for a DAG without a schedule, the instant itself.
    public static func manualInterval(for dag: DAG, logicalDate: Date?, triggeredAt: Date) -> DataInterval {
        if let timetable = try? Timetable.of(dag) {
            return timetable.manualInterval(logicalDate: logicalDate, triggeredAt: triggeredAt)
        }
        let at = logicalDate ?? triggeredAt
        return DataInterval(start: at, end: at)
    }

    /// Creates a run. `logicalDate` defaults to the interval's start; a manual run passes the date it was given, or
    /// the time it was triggered, so several manual runs of one interval can exist, each with its own run id.
    public static func create(store: SQLiteStateStore, dag: DAG, type: RunType, interval: DataInterval,
                              logicalDate: Date? = nil, conf: [String: JSONValue], owner: String?, now: Date,
                              runId: String? = nil) throws -> RunRecord {
        let logical = logicalDate ?? interval.start
        return try store.createRun(dagId: dag.id, runId: runId ?? Self.runId(type, logicalDate: logical), runType: type,
                                   interval: interval, logicalDate: logical, conf: conf,
                                   tasks: dag.tasks.map { ($0.id, $0.retry.maxTries) }, owner: owner, now: now,
                                   generatedRunId: runId == nil)
    }
}
