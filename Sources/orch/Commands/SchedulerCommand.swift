import ArgumentParser
import Dispatch
import Foundation
import OrchRuntime

struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the scheduler: create runs from schedules, execute them in the worker pool, send alerts.",
        discussion: "One scheduler per database: a second one says who holds the lease and exits (or waits with --standby). SIGTERM/SIGINT stop it cleanly.")

    @Option(help: "Worker slots (default: number of cores).") var slots: Int?
    @Flag(help: "When another scheduler holds the lease, wait and take over when it stops.") var standby = false
    @Option(help: "Queues this scheduler's own worker pool serves, comma-separated (default: orch.json's queues, ORCH_QUEUES, else 'default'); other queues wait for `orch worker`.")
    var queues: String?
    @Option(name: .customLong("bundle"), help: "A DAG bundle to load: a package folder or a bundle executable (repeatable; default: ORCH_BUNDLES, orch.json's bundles, ./dags).")
    var bundles: [String] = []
    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.apply()
        BundleSelection.use(bundles)
        let ctx = try CLIContext()
        let alerts = Handoff<AlertDispatcher>()
        try await OrchServiceGroup.run([
            AlertDeliveryService(dispatcher: alerts),
            SchedulerService(ctx: ctx, slots: slots, standby: standby, queues: queues, alerts: alerts),
        ])
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
