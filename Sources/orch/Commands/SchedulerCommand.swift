import ArgumentParser
import Dispatch
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the scheduler: create runs from schedules, execute them in the worker pool, send alerts.",
        discussion: "One scheduler per database: a second one says who holds the lease and exits (or waits with --standby). SIGTERM/SIGINT stop it cleanly.")

    @Option(help: "Worker slots (default: number of cores).") var slots: Int?
    @Flag(help: "When another scheduler holds the lease, wait and take over when it stops.") var standby = false
    @Option(name: .customLong("bundle"), help: "A DAG bundle to load: a package folder or a bundle executable (repeatable; default: ORCH_BUNDLES, orch.json's bundles, ./dags).")
    var bundles: [String] = []
    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.apply()
        BundleSelection.use(bundles)
        let ctx = try CLIContext()
        let services = try await SchedulerServices.start(ctx: ctx, slots: slots, standby: standby)
        try await services.runUntilStopped()
    }
}

/// The scheduler and what hangs off it, shared by `orch scheduler` and `orch serve`.
struct SchedulerServices {
    let loop: SchedulerLoop
    let store: SQLiteStateStore
    let ctx: CLIContext
    let alerts: AlertDispatcher

    static func start(ctx: CLIContext, slots: Int?, standby: Bool) async throws -> SchedulerServices {
        let bag = try ctx.bag()
        let store = try ctx.syncedStore(bag)
        let settings = Settings.load(ctx.home)
        let pool = makeWorkerPool(bag: bag, store: store, slots: slots ?? settings.slots)
        let loop = SchedulerLoop(bag: bag, store: store, home: ctx.home, pool: pool, alerts: try makeAlertComposer(ctx))
        while let holder = try loop.acquireLease() {
            let message = "another scheduler holds the lease: \(holder.holder) (pid \(holder.pid) on \(holder.hostname), last heartbeat \(isoString(holder.heartbeatAt)))"
            guard standby else {
                OrchLog.scheduler.error("\(message); exiting")
                throw ExitCode(2)
            }
            OrchLog.scheduler.notice("\(message); standing by")
            try await Task.sleep(nanoseconds: UInt64(SchedulerLoop.heartbeatInterval * 1e9))
        }
        installStopHandlers { loop.requestStop() }
        // Alerts: sent from the outbox while this process holds the lease; each loop turn wakes the dispatcher.
        let alerts = try makeAlertDispatcher(ctx, store: store, log: { OrchLog.alerts.info("\($0)") })
        let retention = settings.retentionDays.map { RetentionSchedule(keepDays: $0, cleaner: RetentionCleaner(home: ctx.home, store: store)) }
        loop.onTurn = {
            alerts.wake()
            retention?.runIfDue(now: Date())
        }
        alerts.start()
        return SchedulerServices(loop: loop, store: store, ctx: ctx, alerts: alerts)
    }

    func runUntilStopped() async throws {
        do { try await loop.run() } catch { await alerts.stop(); throw error }
        await alerts.stop()
    }
}

/// SIGTERM and SIGINT call `stop` (once) instead of killing the process.
func installStopHandlers(_ stop: @escaping @Sendable () -> Void) {
    for sig in [SIGTERM, SIGINT] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler { stop() }
        source.resume()
        SignalSources.keep(source)
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let lock = NSLock()
    static func keep(_ s: DispatchSourceSignal) { lock.withLock { sources.append(s) } }
}
