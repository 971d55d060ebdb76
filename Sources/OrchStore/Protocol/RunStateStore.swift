import Foundation
import OrchCore

/// DAG runs: creation (with the run-id rule), listing, the run's life, hand marks and deletion.
public protocol RunStateStore: Sendable {
    /// `logicalDate`: nil for the interval's start. `generatedRunId`: the id was made by ``RunIdRule`` and may take a
    /// suffix when taken (else a taken id is a conflict).
    func createRun(dagId: String, runId: String, runType: RunType, interval: DataInterval, logicalDate: Date?,
                   conf: [String: JSONValue], tasks: [(id: String, maxTries: Int)], owner: String?, now: Date,
                   generatedRunId: Bool) throws -> RunRecord
    func run(pk: Int64) throws -> RunRecord?
    func run(dagId: String, runId: String) throws -> RunRecord?
    /// Newest first (logical date, then creation order).
    func runs(_ query: RunQuery) throws -> [RunRecord]
    func countRuns(_ query: RunQuery) throws -> Int
    /// Queued and running runs, oldest first.
    func activeRuns() throws -> [RunRecord]
    func runExists(dagId: String, logicalDate: Date, runType: RunType) throws -> Bool
    func startRun(pk: Int64, owner: String?, now: Date) throws
    func finishRun(pk: Int64, state: RunState, now: Date, alerts: [AlertDraft]) throws
    func setRunOwner(pk: Int64, owner: String?) throws
    /// By hand: the run takes `state` (success or failed), its unfinished tasks too.
    func markRun(pk: Int64, state: RunState, now: Date) throws
    /// A finished run with its task instances, attempts and XComs; an unfinished one is a conflict.
    func deleteRun(pk: Int64) throws
}
