import Foundation
import OrchCore
import OrchStore

/// The scheduler's side of remote workers (issue 19): offers the attempts of queues its own pool does not serve,
/// turns what workers did (leased, heartbeat, completed: rows of `remote_attempt` changed since the last step)
/// into engine events, revokes lost leases and passes stop requests on. The decisions (which attempt, when a lease
/// is lost) are the engine's; this only reads and writes the table.
public final class RemoteAttemptBoard: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// The queues the scheduler's own pool serves; every other queue is offered to remote workers.
        public var localQueues: Set<String>
        /// Seconds without a heartbeat after which a lease is lost.
        public var leaseTimeout: Double
        public init(localQueues: Set<String> = [TaskSpec.defaultQueue], leaseTimeout: Double = 30) {
            self.localQueues = localQueues
            self.leaseTimeout = leaseTimeout
        }
    }

    public let configuration: Configuration
    let store: any RemoteAttemptStateStore
    /// The bundle executable an attempt runs on: its run's pinned DAG version's copy (issue 13), else the DAG's
    /// bundle as loaded now (``BundleVersionResolver/executablePath(dagId:version:)``).
    let bundleExecutable: @Sendable (AttemptSpec) -> String?
    private let lock = NSLock()
    private var seenVersion: Int64

    public init(store: any RemoteAttemptStateStore, configuration: Configuration,
                bundleExecutable: @escaping @Sendable (AttemptSpec) -> String?) throws {
        self.store = store
        self.configuration = configuration
        self.bundleExecutable = bundleExecutable
        // What changed before this scheduler started is read by restart recovery (``probe``), run by run.
        seenVersion = try store.remoteAttemptVersion()
    }

    /// The bundle an attempt runs on, as the SHA-256 of its executable: the one its run is pinned to, so a worker
    /// runs every try of a run with the same code as a local attempt would, whatever was rebuilt since.
    public func bundleVersion(of spec: AttemptSpec) -> String? {
        bundleExecutable(spec).flatMap { BundleDigests.shared.digest(of: $0) }
    }

    /// Offers an attempt to the workers of `queue`. Its spec travels without the scheduler's values of the
    /// variables the DAG asked for (only their names): a worker sets them from its own environment.
    public func offer(_ spec: AttemptSpec, attemptId: Int64, queue: String, now: Date) throws {
        guard let sha = bundleVersion(of: spec) else {
            throw RemoteOfferError("no bundle executable is loaded for DAG \(spec.dagId): its remote attempts cannot be offered")
        }
        var shipped = spec
        // The bundle's folder on this machine means nothing on the worker's.
        shipped.environment = Dictionary(uniqueKeysWithValues: spec.environment.keys
            .filter { $0 != TaskEnvironment.bundleSourceKey }.map { ($0, "") })
        shipped.databasePath = ""
        try store.offerRemoteAttempt(attemptId: attemptId, runPk: spec.runPk, taskId: spec.taskId,
                                     tryNumber: spec.tryNumber, dagId: spec.dagId, queue: queue, bundleSHA256: sha,
                                     spec: shipped.encoded(), now: now)
        OfferSignal.shared.notify()
    }

    /// What workers did since the last call, as engine events.
    public func changes() throws -> [EngineEvent] {
        let since = lock.withLock { seenVersion }
        let rows = try store.remoteAttemptChanges(since: since)
        guard let last = rows.last else { return [] }
        lock.withLock { seenVersion = max(seenVersion, last.version) }
        var events: [EngineEvent] = []
        for r in rows {
            switch r.state {
            case .leased:
                // Not acknowledged yet (no first heartbeat): still only offered, as far as the engine knows.
                guard r.heartbeatAt != nil else { continue }
                events.append(.attemptStarted(r.key, tryNumber: r.tryNumber))
                events.append(.attemptHeartbeat(r.key, tryNumber: r.tryNumber))
            case .completed:
                guard let outcome = r.outcome else { continue }
                events.append(.attemptStarted(r.key, tryNumber: r.tryNumber))
                events.append(.attemptExited(r.key, tryNumber: r.tryNumber, outcome: outcome))
            case .offered, .lost, .cancelled:
                continue
            }
        }
        return events
    }

    /// Ends a lease the engine found lost: from now on its worker's calls are refused.
    public func revoke(_ key: AttemptKey, tryNumber: Int, now: Date) throws {
        try store.revokeRemoteAttempt(runPk: key.runPk, taskId: key.taskId, tryNumber: tryNumber, as: .lost, now: now)
    }

    /// Asks the worker running the attempt to stop it (its timeout): the next heartbeat's answer says so.
    public func stop(_ key: AttemptKey, tryNumber: Int, _ signal: StopSignal) throws {
        try store.requestRemoteStop(runPk: key.runPk, taskId: key.taskId, tryNumber: tryNumber, signal: signal.rawValue)
    }

    /// Restart recovery: what became of a try offered to remote workers (nil: it was not remote).
    public func probe(_ key: AttemptKey, tryNumber: Int) throws -> FoundAttempt? {
        guard let r = try store.remoteAttempt(runPk: key.runPk, taskId: key.taskId, tryNumber: tryNumber) else { return nil }
        switch r.state {
        case .offered: return .remote(startedAt: nil)
        case .leased: return .remote(startedAt: r.heartbeatAt == nil ? nil : r.leasedAt)
        case .completed: return .dead(startedAt: r.leasedAt ?? Date(), outcome: r.outcome)
        case .lost, .cancelled:
            return .dead(startedAt: r.leasedAt ?? Date(),
                         outcome: .failed(exitCode: nil, error: "lease lost: its worker stopped heartbeating"))
        }
    }
}

public struct RemoteOfferError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
