import ArgumentParser
import Foundation
import OrchAPI
import OrchRuntime

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run everything in one process: scheduler, worker pool, alerts and the web dashboard with its API.",
        discussion: "SIGTERM/SIGINT stop the scheduler cleanly (attempts in child processes are adopted by the next one), then the web server.")

    @OptionGroup var web: WebOptions
    @Option(help: "Worker slots (default: number of cores).") var slots: Int?
    @Flag(help: "When another scheduler holds the lease, wait and take over when it stops.") var standby = false
    @Option(help: "Queues this process's own worker pool serves, comma-separated (default: orch.json's queues, ORCH_QUEUES, else 'default'); other queues wait for `orch worker`.")
    var queues: String?
    @Option(name: .customLong("bundle"), help: "A DAG bundle to load: a package folder or a bundle executable (repeatable; default: ORCH_BUNDLES, orch.json's bundles, ./dags).")
    var bundles: [String] = []
    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.apply()
        BundleSelection.use(bundles)
        let ctx = try CLIContext()
        let alerts = Handoff<AlertDispatcher>()
        // Stopped in reverse: the scheduler drains first, then the web server, then alert delivery.
        try await OrchServiceGroup.run([
            AlertDeliveryService(dispatcher: alerts),
            WebServerService(options: web, ctx: ctx),
            SchedulerService(ctx: ctx, slots: slots, standby: standby, queues: queues, alerts: alerts),
        ])
    }
}
