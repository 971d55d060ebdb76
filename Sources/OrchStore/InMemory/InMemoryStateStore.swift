import Foundation
import OrchCore

/// The state database held in memory: the twin of ``SQLiteStateStore`` for unit tests of code that takes a
/// ``StateStore``. It keeps the same rules (run-id conflicts and suffixes, a try that cannot start twice, hand
/// actions only on finished runs, the XCom size limit, the lease), checked against SQLite by the same contract
/// tests (`StateStoreContractTests`). Each write works on a copy that replaces the tables only when the whole
/// change succeeded, as a transaction would. Not for production: nothing survives the process.
public final class InMemoryStateStore: StateStore, @unchecked Sendable {
    struct Tables {
        var dags: [String: DAGRecord] = [:]
        var runs: [Int64: RunRecord] = [:]
        var nextRunPk: Int64 = 1
        var instances: [Int64: [String: TaskInstanceRecord]] = [:]
        var attempts: [Int64: AttemptRecord] = [:]
        var nextAttemptId: Int64 = 1
        var xcoms: [Int64: [String: [String: JSONValue]]] = [:]
        var lease: LeaseRecord?
        var pools: [String: Int] = ["default_pool": 128]
        var alerts: [AlertDraft] = []
    }

    private let lock = NSLock()
    private var tables = Tables()

    public init() {}

    func read<T>(_ body: (Tables) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(tables)
    }

    /// All of `body`'s changes, or none of them when it throws.
    func write<T>(_ body: (inout Tables) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        var copy = tables
        let result = try body(&copy)
        tables = copy
        return result
    }

    /// The alerts written with state changes, in order (the outbox's drafts).
    public func outbox() -> [AlertDraft] { read { $0.alerts } }

    static func insertAlerts(_ alerts: [AlertDraft], into t: inout Tables) {
        for a in alerts where !t.alerts.contains(where: { $0.deliveryId == a.deliveryId }) { t.alerts.append(a) }
    }
}

// DAGs and pools
extension InMemoryStateStore {
    public func syncDAGs(_ dags: [DAG], pausedOnCreation: Bool, now: Date) throws {
        write { t in
            for d in dags {
                var record = t.dags[d.id] ?? DAGRecord(dagId: d.id, isPaused: pausedOnCreation, schedule: nil,
                                                        timeZone: "UTC", description: "", owner: "", tags: [],
                                                        nextRunAt: nil, lastInterval: nil)
                record.schedule = d.schedule
                record.timeZone = d.timeZone
                record.description = d.description
                record.owner = d.owner
                record.tags = d.tags
                t.dags[d.id] = record
            }
        }
    }

    public func dags() throws -> [DAGRecord] { read { $0.dags.values.sorted { $0.dagId < $1.dagId } } }
    public func pausedDAGIds() throws -> Set<String> { read { Set($0.dags.values.filter(\.isPaused).map(\.dagId)) } }

    public func dag(_ dagId: String) throws -> DAGRecord? { read { $0.dags[dagId] } }

    public func setPaused(_ dagId: String, _ paused: Bool) throws {
        try write { t in
            guard t.dags[dagId] != nil else { throw StoreError.notFound("DAG '\(dagId)'") }
            t.dags[dagId]?.isPaused = paused
        }
    }

    public func setSchedulePosition(_ dagId: String, lastInterval: DataInterval?, nextRunAt: Date?) throws {
        write { t in
            guard t.dags[dagId] != nil else { return }
            if let lastInterval { t.dags[dagId]?.lastInterval = lastInterval }
            t.dags[dagId]?.nextRunAt = nextRunAt
        }
    }

    public func pools() throws -> [String: Int] { read { $0.pools } }

    public func setPool(_ name: String, slots: Int, description: String) throws {
        guard slots >= 0 else { throw StoreError.invalid("pool slots must be 0 or more, got \(slots)") }
        write { $0.pools[name] = slots }
    }
}
