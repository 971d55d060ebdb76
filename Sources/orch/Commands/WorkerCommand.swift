import ArgumentParser
import Foundation
import OrchStore
import OrchRuntime

/// `orch worker`: runs attempts leased from a server over HTTP (issue 19; docs/remote-workers.md).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run tasks leased from an orch server over HTTP, on this machine (no database, no shared files).",
        discussion: """
            Leases attempts of its queues (a long poll), downloads the bundle executable by its SHA-256 (verified, \
            cached under --home), runs each attempt like the scheduler's own pool, streams its log, heartbeats and \
            reports with the lease's fencing token. The token needs the role worker (`orch tokens create --role \
            worker`). SIGTERM/SIGINT stop leasing; running attempts are finished and reported first.
            """)

    @Option(help: "The server's base URL, e.g. http://10.0.0.5:8080.") var server: String
    @Option(help: "A worker token (default: ORCH_WORKER_TOKEN).") var token: String?
    @Option(name: .customLong("queue"), help: "A queue to serve (repeatable; default: default).") var queues: [String] = []
    @Option(help: "Attempts run at once.") var slots = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "The worker's own folder: bundle cache and attempt logs (default: ORCH_HOME, else ~/.orch-worker).")
    var home: String?
    @OptionGroup var logging: LogOptions

    func validate() throws {
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw ValidationError("--server must be an http:// or https:// URL, got '\(server)'")
        }
        guard slots >= 1 else { throw ValidationError("--slots must be at least 1") }
        guard token ?? ProcessInfo.processInfo.environment["ORCH_WORKER_TOKEN"] != nil else {
            throw ValidationError("give the worker token with --token or ORCH_WORKER_TOKEN (`orch tokens create --role worker` on the server)")
        }
    }

    func run() throws {
        logging.apply()
        try CLIContext.checkHelperSettings()
        let env = ProcessInfo.processInfo.environment
        let folder = home ?? env["ORCH_HOME"] ?? (NSHomeDirectory() + "/.orch-worker")
        let orchHome = OrchHome(path: folder)
        try orchHome.prepare()
        let worker = RemoteWorker(
            configuration: .init(server: server, token: token ?? env["ORCH_WORKER_TOKEN"] ?? "",
                                 queues: queues.isEmpty ? ["default"] : queues, slots: slots, home: orchHome),
            log: { OrchLog.worker.info("\($0)") })
        installStopHandlers { worker.requestStop() }
        worker.run()
    }
}
