#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import OrchCore
import OrchStore

/// The long-running scheduler: holds the lease, creates due runs, drives them with a run engine, and
/// sleeps until something is due or another process wakes it. Never busy-polls.
public final class SchedulerLoop: @unchecked Sendable {
    public static let leaseTTL = SchedulerLease.ttl
    public static let heartbeatInterval = SchedulerLease.heartbeatInterval
    /// How often asset freshness is evaluated (a policy is measured in hours).
    public static let freshnessInterval: Double = 30

    let bag: DAGBag
    let store: SQLiteStateStore
    let home: OrchHome
    let pool: WorkerPool
    let alerts: AlertComposer
    public let signal = AsyncSignal()
    public let holder: String
    private let stopLock = NSLock()
    private var stopRequested = false
    /// Called every loop turn (the alert dispatcher and the retention job hang off it).
    public var onTurn: (@Sendable () async -> Void)?
    /// Remote workers (issue 19): offers attempts of the queues `pool` does not serve. nil: `pool` runs every queue.
    public var remote: RemoteAttemptBoard?
    /// The scheduler's own log (swift-log, label `orch.scheduler`).
    public var logger = OrchLog.scheduler
    func log(_ message: String) { logger.info("\(message)") }

    public init(bag: DAGBag, store: SQLiteStateStore, home: OrchHome, pool: WorkerPool, alerts: AlertComposer) {
        self.bag = bag
        self.store = store
        self.home = home
        self.pool = pool
        self.alerts = alerts
        holder = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    public func requestStop() {
        stopLock.withLock { stopRequested = true }
        signal.notify()
    }

    var isStopping: Bool { stopLock.withLock { stopRequested } }

    /// Takes the lease or says who holds it.
    public func acquireLease() throws -> LeaseRecord? {
        let host = ProcessInfo.processInfo.hostName
        return try store.acquireLease(holder: holder, pid: Int(getpid()), hostname: host, now: Date(),
                                      ttl: Self.leaseTTL) { current in
            current.hostname != host || processIsAlive(Int32(current.pid))
        }
    }

    /// Runs until `requestStop()`. The lease must be held.
    public func run() async throws {
        let wake = try? WakeSocket(path: home.wakeSocketPath) { [signal] in signal.notify() }
        defer { wake?.close() }
        let engine = RunEngine(bag: bag, store: store, pool: pool, home: home, scope: .scheduler, owner: "scheduler",
                               alerts: alerts, signal: signal, remote: remote)
        let creator = RunCreator(bag: bag, store: store)
        let lease = LeaseKeeper(loop: self)
        // Assets (issue 14): DAGs scheduled on assets get their runs each turn; freshness is looked at every
        // `freshnessInterval` seconds and alerts through the outbox.
        let assetRuns = AssetRunCreator(bag: bag, store: store)
        let freshness = FreshnessWatcher(bag: bag, store: store, alerts: alerts)
        let lastFreshnessCheck = TurnClock(start: .distantPast)
        log("scheduler \(holder) started: \(bag.dags.count) DAGs, \(pool.slots) worker slots, database \(store.path)")
        let turnStarted = TurnClock()
        let hooks = EngineDriver.Hooks(
            beforeStep: { [self] in
                turnStarted.mark()
                let nextDue = (try? creator.createDueRuns(now: Date()))?.nextDue
                do { try assetRuns.createDueRuns(now: Date()) } catch { logger.error("asset-triggered runs: \(error)") }
                return [nextDue, lease.nextBeat].compactMap { $0 }.min()
            },
            afterStep: { [self] in
                if let e = await engine.lastError { logger.error("engine: \(e)") }
                await onTurn?()
                if lastFreshnessCheck.elapsed >= Self.freshnessInterval {
                    do { try freshness.check(now: Date()) } catch { logger.error("asset freshness: \(error)") }
                    lastFreshnessCheck.mark()
                }
                OrchMetrics.recordSchedulerLoop(seconds: turnStarted.elapsed)
                if !lease.beatIfDue() { requestStop() }
            })
        await EngineDriver.drive(engine, signal: signal, maxSleep: Self.heartbeatInterval, hooks: hooks,
                                 until: { [self] in isStopping })
        // Stopping: start nothing new; process-isolated attempts keep running and are adopted by the next
        // scheduler (their lock files say they live); in-process ones are waited for, briefly.
        await engine.drain()
        let deadline = Date().addingTimeInterval(30)
        while await engine.hasInProcessAttempts, Date() < deadline {
            await signal.wait(timeout: 0.2)
            await engine.step()
        }
        try? store.releaseLease(holder: holder)
        log("scheduler stopped; \(await engine.runningCount) attempt(s) left running for the next scheduler")
    }
}
