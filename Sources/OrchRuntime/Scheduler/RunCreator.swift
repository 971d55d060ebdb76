import Foundation
import OrchCore
import OrchStore

/// Creates the scheduled runs that are due, per DAG timetable (cron or interval, time zone, start and
/// end dates, catchup). Time is a parameter, so tests drive it with a manual clock.
public struct RunCreator: Sendable {
    public let bag: DAGBag
    public let store: SQLiteStateStore
    /// At most this many runs per DAG per call, so a long catchup cannot stall the loop.
    public var maxPerCall = 64

    public init(bag: DAGBag, store: SQLiteStateStore) {
        self.bag = bag
        self.store = store
    }

    public static func timetable(for dag: DAG) -> Timetable? { try? Timetable.of(dag) }

    /// Creates due runs of unpaused DAGs; returns the runs created and when the next one falls due.
    @discardableResult
    public func createDueRuns(now: Date) throws -> (created: [RunRecord], nextDue: Date?) {
        var created: [RunRecord] = []
        var nextDue: Date?
        let records = Dictionary(uniqueKeysWithValues: try store.schedulePositions().map { ($0.dagId, $0) })
        for dag in bag.dags {
            guard let timetable = Self.timetable(for: dag), let record = records[dag.id], !record.isPaused else { continue }
            var last = record.lastInterval
            for _ in 0..<maxPerCall {
                guard let interval = timetable.nextDueInterval(after: last, now: now) else { break }
                if try !store.runExists(dagId: dag.id, logicalDate: interval.start, runType: .scheduled) {
                    created.append(try RunFactory.create(store: store, dag: dag, type: .scheduled, interval: interval,
                                                         conf: [:], owner: nil, now: now))
                }
                last = interval
            }
            let due = timetable.nextDueTime(after: last, now: now)
            // A position that did not move is not written again: one write per DAG per loop turn is a commit
            // each (a WAL flush on PostgreSQL) for nothing.
            if last != record.lastInterval || due != record.nextRunAt {
                try store.setSchedulePosition(dag.id, lastInterval: last, nextRunAt: due)
            }
            if let due { nextDue = min(nextDue ?? due, due) }
        }
        return (created, nextDue)
    }
}
