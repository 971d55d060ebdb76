import Foundation
import OrchCore
import OrchStore

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

    public static func create(store: SQLiteStateStore, dag: DAG, type: RunType, interval: DataInterval,
                              conf: [String: JSONValue], owner: String?, now: Date, runId: String? = nil) throws -> RunRecord {
        try store.createRun(dagId: dag.id, runId: runId ?? Self.runId(type, logicalDate: interval.start), runType: type,
                            interval: interval, conf: conf,
                            tasks: dag.tasks.map { ($0.id, $0.retry.maxTries) }, owner: owner, now: now,
                            generatedRunId: runId == nil)
    }
}
