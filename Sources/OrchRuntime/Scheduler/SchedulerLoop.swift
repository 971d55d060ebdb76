#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import OrchCore
import OrchStore
import Synchronization

/// The long-running scheduler: holds the lease, creates due runs, drives them with a run engine, and
/// sleeps until something is due or another process wakes it. Never busy-polls.
public final class SchedulerLoop: @unchecked Sendable {
    /// How often asset freshness is evaluated (a policy is measured in hours).
    public static let freshnessInterval: Double = 30
    /// The longest an idle scheduler sleeps between turns (due runs and wake-ups usually come sooner).
    public static let maxIdleTurn: Double = 3
    /// This loop's longest sleep between turns (``maxIdleTurn``; a test sets it long to see that nothing it checks
    /// waits for an idle turn).
    public var idleTurn: Double = SchedulerLoop.maxIdleTurn

    let bag: DAGBag
    let store: SQLiteStateStore
    let home: OrchHome
    let pool: WorkerPool
    let alerts: AlertComposer
    let lineage: OpenLineageComposer?
    public let signal = AsyncSignal()
    public let holder: String
    /// The lease's epoch once this scheduler holds it.
    public private(set) var epoch: Int64 = 0
    private let stopLock = NSLock()
    private var stopRequested = false
    /// Called every loop turn (the alert dispatcher and the retention job hang off it).
    public var onTurn: (@Sendable () async -> Void)?
    /// Remote workers (issue 19): offers attempts of the queues `pool` does not serve. nil: `pool` runs every queue.
    public var remote: RemoteAttemptBoard?
    /// The scheduler's own log (swift-log, label `orch.scheduler`).
    public var logger = OrchLog.scheduler
    func log(_ message: String) { logger.info("\(message)") }

    /// DAG versions (nil: runs follow `bag`).
    let versions: BundleVersionResolver?

    public init(bag: DAGBag, store: SQLiteStateStore, home: OrchHome, pool: WorkerPool, alerts: AlertComposer,
                lineage: OpenLineageComposer? = nil, versions: BundleVersionResolver? = nil) {
        self.lineage = lineage
        self.bag = bag
        self.versions = versions
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

    private var pendingBag: DAGBag?

    /// The bundles were loaded again (a rebuilt or changed bundle, issue 13): from the next turn, new runs are
    /// created and driven with these DAGs; runs pinned to a version keep theirs. Any thread.
    public func reload(_ bag: DAGBag) {
        stopLock.withLock { pendingBag = bag }
        signal.notify()
    }

    func takePendingBag() -> DAGBag? {
        stopLock.withLock {
            defer { pendingBag = nil }
            return pendingBag
        }
    }

    /// Takes the lease or says who holds it. Once taken, the engine's writes are fenced by the lease's epoch:
    /// should another scheduler take it over (this one frozen or cut off), they are refused.
    /// The clock the lease is judged by (the database's on PostgreSQL).
    public func leaseClock() throws -> Date { try store.leaseClock() }

    public func acquireLease() throws -> LeaseRecord? {
        let host = ProcessInfo.processInfo.hostName
        if let current = try store.acquireLease(holder: holder, pid: Int(getpid()), hostname: host, now: try store.leaseClock(),
                                                ttl: SchedulerLease.ttl, holderIsAlive: { current in
            current.hostname != host || processIsAlive(Int32(current.pid))
        }) {
            return current
        }
        guard let held = try store.lease(), held.holder == holder else {
            throw StoreError.conflict("the scheduler lease was taken by another scheduler as this one took it")
        }
        store.fenceEngineWrites(holder: holder, epoch: held.epoch)
        epoch = held.epoch
        return nil
    }

    /// A turn's looks for runs to create, each only when its gate says one is needed (``DueRunLooker``), from one
    /// read of the store's marks: when the next scheduled run falls due, and how many runs were created.
    private func lookForRuns(_ creator: RunCreator, _ assetRuns: AssetRunCreator,
                             _ dueRuns: DueRunLooker) -> (nextDue: Date?, created: Int) {
        let marks = try? store.schedulerMarks()
        let (nextDue, scheduled) = dueRuns.createDueRuns(creator, dagChanges: marks?.dagChanges, now: Date())
        var assetTriggered = 0
        do { assetTriggered = try dueRuns.createAssetRuns(assetRuns, marks: marks, now: Date()) } catch {
            logger.error("asset-triggered runs: \(error)")
        }
        return (nextDue, scheduled + assetTriggered)
    }

    /// Runs until `requestStop()`. The lease must be held.
    public func run() async throws {
        let wake = try? WakeSocket(path: home.wakeSocketPath) { [signal] in signal.notify() }
        defer { wake?.close() }
        let engine = RunEngine(bag: bag, store: store, pool: pool, home: home, scope: .scheduler, owner: "scheduler",
                               alerts: alerts, lineage: lineage, signal: signal, versions: versions, remote: remote)
        // The heartbeat has a connection of its own (the loop's may be busy with a long step), else shares it.
        let heartbeatStore = (try? SQLStateStore(location: store.location, migrate: false)) ?? store
        let lease = LeaseKeeper(store: heartbeatStore, holder: holder, logger: logger,
                                onLost: { [self] in requestStop() })
        lease.start()
        // Run creation for the DAGs as loaded now (replaced on a reload). Assets (issue 14): DAGs scheduled on
        // assets get their runs each turn; freshness is looked at every `freshnessInterval` seconds and alerts
        // through the outbox.
        let parts = SchedulerParts(bag: bag, store: store, alerts: alerts)
        let lastFreshnessCheck = TurnClock(start: .distantPast)
        log("scheduler \(holder) started (lease epoch \(epoch)): \(bag.dags.count) DAGs, \(pool.slots) worker slots, database \(store.location)")
        let turnStarted = TurnClock()
        let dueRuns = DueRunLooker()
        let idleMemory = Mutex(IdleMemoryGate())
        let hooks = EngineDriver.Hooks(
            beforeStep: { [self] in
                turnStarted.mark()
                if let fresh = takePendingBag() {
                    parts.replace(bag: fresh, store: store, alerts: alerts)
                    dueRuns.forget()
                    await engine.reload(fresh)
                    log("bundles reloaded: \(fresh.dags.count) DAGs")
                }
            },
            afterStep: { [self] in
                // The looks for runs to create come after the step: a turn taken for an attempt's end has launched
                // the next attempt before them (a look reads every DAG row). A run a look creates is started by
                // the next turn, taken at once.
                let (creator, assetRuns, _) = parts.current
                let (nextDue, created) = lookForRuns(creator, assetRuns, dueRuns)
                if created > 0 { signal.notify() }
                if let e = await engine.lastError { logger.error("engine: \(e)") }
                await onTurn?()
                if lastFreshnessCheck.elapsed >= Self.freshnessInterval {
                    do { try parts.current.freshness.check(now: Date()) } catch { logger.error("asset freshness: \(error)") }
                    lastFreshnessCheck.mark()
                }
                OrchMetrics.recordSchedulerLoop(seconds: turnStarted.elapsed)
                lease.loopTurned()
                let active = await !engine.isIdle
                if idleMemory.withLock({ $0.turnEnded(runsActive: active, runsCreated: created, now: Date()) }) {
                    FreedMemory.giveBack()
                }
                return nextDue
            })
        await EngineDriver.drive(engine, signal: signal, maxSleep: idleTurn, hooks: hooks,
                                 until: { [self] in isStopping })
        // Stopping: start nothing new; process-isolated attempts keep running and are adopted by the next
        // scheduler (their lock files say they live); in-process ones are waited for, briefly.
        await engine.drain()
        let deadline = Date().addingTimeInterval(30)
        while await engine.hasInProcessAttempts, Date() < deadline {
            await signal.wait(timeout: 0.2)
            await engine.step()
        }
        lease.stop()
        try? store.releaseLease(holder: holder)
        log("scheduler stopped; \(await engine.runningCount) attempt(s) left running for the next scheduler")
    }
}
