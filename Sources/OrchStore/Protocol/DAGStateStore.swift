import Foundation
import OrchCore

/// DAG rows: what the scheduler knows of each DAG (paused flag, schedule position).
public protocol DAGStateStore: Sendable {
    /// Inserts new DAGs (paused when `pausedOnCreation`) and updates the description of known ones, keeping
    /// their paused flag.
    func syncDAGs(_ dags: [DAG], pausedOnCreation: Bool, now: Date) throws
    func dags() throws -> [DAGRecord]
    func dag(_ dagId: String) throws -> DAGRecord?
    /// The ids of the paused DAGs: what the engine reads at a step that takes in new runs (``dags()`` decodes
    /// every column of every row).
    func pausedDAGIds() throws -> Set<String>
    /// Throws `StoreError.notFound` for an unknown DAG.
    func setPaused(_ dagId: String, _ paused: Bool) throws
    func setSchedulePosition(_ dagId: String, lastInterval: DataInterval?, nextRunAt: Date?) throws
}
