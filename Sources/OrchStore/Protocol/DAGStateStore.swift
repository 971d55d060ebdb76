import Foundation
import OrchCore

/// DAG rows: what the scheduler knows of each DAG (paused flag, schedule position).
public protocol DAGStateStore: Sendable {
    /// Inserts new DAGs (paused when `pausedOnCreation`) and updates the description of known ones, keeping
    /// their paused flag.
    func syncDAGs(_ dags: [DAG], pausedOnCreation: Bool, now: Date) throws
    func dags() throws -> [DAGRecord]
    func dag(_ dagId: String) throws -> DAGRecord?
    /// Throws `StoreError.notFound` for an unknown DAG.
    func setPaused(_ dagId: String, _ paused: Bool) throws
    func setSchedulePosition(_ dagId: String, lastInterval: DataInterval?, nextRunAt: Date?) throws
}
