import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import ServiceLifecycle

/// The scheduler as a service: loads the bundles, takes the lease (or, with `standby`, waits for it), hands the
/// alert dispatcher to ``AlertDeliveryService`` and drives the scheduler loop until the group shuts down or the
/// lease is lost. Shared by `orch scheduler` and `orch serve`.
struct SchedulerService: Service {
    let ctx: CLIContext
    let slots: Int?
    let standby: Bool
    /// `--queues`: the queues the scheduler's own pool serves (nil: settings, else `default`).
    let queues: String?
    let alerts: Handoff<AlertDispatcher>

    func run() async throws {
        do { try await serve() } catch is DiskFullStartUp.ShutDown {}
    }

    private func serve() async throws {
        // A full disk at start-up is waited out (DiskFullStartUp), so `orch serve`'s web server stays up meanwhile.
        let (bag, store) = try await DiskFullStartUp.run("load the bundles and record their DAGs") {
            let bag = try ctx.bag()
            return (bag, try ctx.syncedStore(bag))
        }
        FreedMemory.giveBack()
        let settings = Settings.load(ctx.home)
        let versions = BundleVersionResolver(store: store, loaded: ctx.bundles())
        let pool = makeWorkerPool(bag: bag, store: store, slots: slots ?? settings.slots, versions: versions)
        let loop = SchedulerLoop(bag: bag, store: store, home: ctx.home, pool: pool, alerts: try makeAlertComposer(ctx),
                                 lineage: try makeLineageComposer(ctx), versions: versions)
        // Remote workers: the queues the pool does not serve are offered through the worker API, each attempt with
        // the executable of its run's DAG version (the web server serves it from ORCH_HOME/bundles by its SHA-256).
        loop.remote = try RemoteAttemptBoard(store: store, configuration: settings.remoteBoard(queuesOption: queues),
                                             bundleExecutable: { versions.executablePath(dagId: $0.dagId, version: $0.dagVersion) })
        guard try await takeLease(loop) else { return }
        // Hot reload (issue 13): a changed bundle is rebuilt and reloaded without a restart.
        let watcher = watchBundles(ctx: ctx, store: store, loop: loop, versions: versions)
        defer { watcher?.stop() }
        let dispatcher = try makeAlertDispatcher(ctx, store: store, log: { OrchLog.alerts.info("\($0)") })
        let retention = settings.retentionDays.map {
            RetentionSchedule(keepDays: $0, cleaner: RetentionCleaner(home: ctx.home, store: store))
        }
        loop.onTurn = {
            dispatcher.wakeForNewAlerts()   // only when this process committed alerts (the engine, the API)
            retention?.runIfDue(now: Date())
        }
        alerts.give(dispatcher)
        // Stopped by the group's graceful shutdown (SIGTERM, another service ending) or by its cancellation (another
        // service threw, e.g. the web server could not bind its port): without the latter the loop ran on, the
        // group waited for it forever and SIGTERM no longer reached it.
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await loop.run()
            } onCancel: {
                loop.requestStop()
            }
        } onGracefulShutdown: {
            loop.requestStop()
        }
    }

    /// True once the lease is held; false when the group shut down while standing by. Without `standby`, a lease
    /// held by another scheduler ends the command with exit status 2. A standby tries again the moment the
    /// holder's heartbeat goes stale (at most every `standbyPollInterval`, for the same-host pid check).
    private func takeLease(_ loop: SchedulerLoop) async throws -> Bool {
        var lastSeen: LeaseRecord?
        while let holder = try await DiskFullStartUp.run("take the scheduler lease", { try loop.acquireLease() }) {
            if lastSeen?.holder != holder.holder {
                let message = "another scheduler holds the lease: \(holder.holder) (pid \(holder.pid) on \(holder.hostname), last heartbeat \(isoString(holder.heartbeatAt)))"
                guard standby else {
                    OrchLog.scheduler.error("\(message); exiting")
                    throw ExitCode(2)
                }
                OrchLog.scheduler.notice("\(message); standing by")
            }
            lastSeen = holder
            let wait = SchedulerLease.standbyWait(holderHeartbeatAt: holder.heartbeatAt,
                                                  now: (try? loop.leaseClock()) ?? Date())
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
            }
            if Task.isShuttingDownGracefully { return false }
        }
        if let gone = lastSeen {
            let age = ((try? loop.leaseClock()) ?? Date()).timeIntervalSince(gone.heartbeatAt)
            OrchLog.scheduler.notice("took over the scheduler lease (epoch \(loop.epoch)) from \(gone.holder) on \(gone.hostname): its last heartbeat was \(String(format: "%.2f", age)) s old")
        }
        return true
    }
}
